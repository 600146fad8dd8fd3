#include "kiosk/card/channel.h"

#include <cstdio>

#include "kiosk/card/status_words.h"
#include "kiosk/core/secure.h"

namespace uk::card {

namespace {
constexpr std::size_t kMaxResponseBytes = 65536 + 2;
constexpr int kMaxGetResponses = 300;
}  // namespace

CardResult<ResponseApdu> CardChannel::send_once(const CommandApdu& command) {
    Bytes wire = command.encode();
    ++count_;
    auto raw = t_.transmit(wire);
    secure_wipe(wire.data(), wire.size());
    if (!raw) {
        if (log_) log_(describe(command) + " -> " + std::string(to_string(raw.fault())));
        return raw.error();
    }
    if (raw->size() < 2 || raw->size() > kMaxResponseBytes) {
        if (log_)
            log_(describe(command) + " -> malformed response of " + std::to_string(raw->size()) + " bytes");
        return make_error(CardFault::Unreadable,
                          "the card answered " + std::to_string(raw->size()) + " bytes, not a response APDU");
    }
    auto r = parse_response(*raw);
    if (log_) {
        char sw[8];
        std::snprintf(sw, sizeof sw, "%04X", r->sw);
        log_(describe(command) + " -> " + std::to_string(r->data.size()) + " bytes SW " + sw);
    }
    return std::move(r).value();
}

CardResult<ResponseApdu> CardChannel::transmit(const CommandApdu& command) {
    auto r = send_once(command);
    if (!r) return r;
    if (r->sw1() == 0x6C) {  // wrong Le: the card says how many bytes it has
        CommandApdu again = command;
        again.le = r->sw2() == 0 ? 256u : r->sw2();
        again.extended = false;
        r = send_once(again);
        secure_wipe(again.data.data(), again.data.size());
        if (!r) return r;
        if (r->sw1() == 0x6C)
            return make_error(CardFault::Unreadable, "the card repeated 6Cxx after the resend");
    }
    ResponseApdu out = std::move(r).value();
    int rounds = 0;
    while (out.sw1() == 0x61) {  // more data: GET RESPONSE until the last part
        if (++rounds > kMaxGetResponses || out.data.size() > kMaxResponseBytes) {
            return make_error(CardFault::Unreadable, "the card kept answering 61xx");
        }
        CommandApdu get;
        get.ins = ins::kGetResponse;
        get.le = out.sw2() == 0 ? 256u : out.sw2();
        auto part = send_once(get);
        if (!part) return part;
        out.data.insert(out.data.end(), part->data.begin(), part->data.end());
        out.sw = part->sw;
    }
    if (command.le && out.data.size() > *command.le) {
        return make_error(CardFault::Unreadable, "the card answered " + std::to_string(out.data.size()) +
                                                     " bytes to a command that asked for " +
                                                     std::to_string(*command.le));
    }
    return out;
}

}  // namespace uk::card
