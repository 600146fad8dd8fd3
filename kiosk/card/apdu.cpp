#include "kiosk/card/apdu.h"

#include <algorithm>
#include <cstdio>

namespace uk::card {

Bytes CommandApdu::encode() const {
    Bytes out = {cla, ins, p1, p2};
    const bool ext = extended || data.size() > 255 || (le && *le > 256);
    if (!data.empty()) {
        if (ext) {
            out.push_back(0x00);
            out.push_back(static_cast<std::uint8_t>(data.size() >> 8));
            out.push_back(static_cast<std::uint8_t>(data.size() & 0xFF));
        } else {
            out.push_back(static_cast<std::uint8_t>(data.size()));
        }
        out.insert(out.end(), data.begin(), data.end());
    }
    if (le) {
        const std::uint32_t n = *le;
        if (ext) {
            if (data.empty()) out.push_back(0x00);
            const std::uint32_t v = n >= 65536 ? 0 : n;
            out.push_back(static_cast<std::uint8_t>(v >> 8));
            out.push_back(static_cast<std::uint8_t>(v & 0xFF));
        } else {
            out.push_back(static_cast<std::uint8_t>(n >= 256 ? 0 : n));
        }
    }
    return out;
}

Result<CommandApdu> parse_command(ByteView b) {
    if (b.size() < 4) return Error{"command APDU shorter than its 4-byte header"};
    CommandApdu c;
    c.cla = b[0];
    c.ins = b[1];
    c.p1 = b[2];
    c.p2 = b[3];
    const std::size_t rest = b.size() - 4;
    const auto body = b.subspan(4);
    if (rest == 0) return c;  // case 1
    if (rest == 1) {          // case 2S
        c.le = body[0] == 0 ? 256u : body[0];
        return c;
    }
    if (body[0] != 0) {  // short Lc
        const std::size_t lc = body[0];
        if (rest == 1 + lc) {  // case 3S
            c.data.assign(body.begin() + 1, body.end());
            return c;
        }
        if (rest == 2 + lc) {  // case 4S
            c.data.assign(body.begin() + 1, body.begin() + 1 + static_cast<std::ptrdiff_t>(lc));
            c.le = body[1 + lc] == 0 ? 256u : body[1 + lc];
            return c;
        }
        return Error{"command APDU length does not match its Lc"};
    }
    // Extended: body[0] == 0.
    c.extended = true;
    if (rest == 3) {  // case 2E
        const std::uint32_t v = static_cast<std::uint32_t>(body[1] << 8 | body[2]);
        c.le = v == 0 ? 65536u : v;
        return c;
    }
    if (rest < 3) return Error{"truncated extended-length command APDU"};
    const std::size_t lc = static_cast<std::size_t>(body[1] << 8 | body[2]);
    if (lc == 0) return Error{"extended Lc of zero"};
    if (rest == 3 + lc) {  // case 3E
        c.data.assign(body.begin() + 3, body.end());
        return c;
    }
    if (rest == 5 + lc) {  // case 4E
        c.data.assign(body.begin() + 3, body.begin() + 3 + static_cast<std::ptrdiff_t>(lc));
        const std::uint32_t v = static_cast<std::uint32_t>(body[3 + lc] << 8 | body[4 + lc]);
        c.le = v == 0 ? 65536u : v;
        return c;
    }
    return Error{"extended command APDU length does not match its Lc"};
}

Result<ResponseApdu> parse_response(ByteView b) {
    if (b.size() < 2) return Error{"response APDU shorter than its 2-byte status word"};
    ResponseApdu r;
    r.data.assign(b.begin(), b.end() - 2);
    r.sw = static_cast<std::uint16_t>(b[b.size() - 2] << 8 | b[b.size() - 1]);
    return r;
}

Bytes encode_response(ByteView data, std::uint16_t sw) {
    Bytes out(data.begin(), data.end());
    out.push_back(static_cast<std::uint8_t>(sw >> 8));
    out.push_back(static_cast<std::uint8_t>(sw & 0xFF));
    return out;
}

std::string describe(const CommandApdu& c) {
    const char* name = "INS";
    switch (c.ins) {
        case ins::kVerify:
            name = "VERIFY";
            break;
        case ins::kComputeSignature:
            name = "COMPUTE-SIGNATURE";
            break;
        case ins::kSelect:
            name = "SELECT";
            break;
        case ins::kReadBinary:
            name = "READ-BINARY";
            break;
        case ins::kGetResponse:
            name = "GET-RESPONSE";
            break;
        default:
            break;
    }
    char head[96];
    std::snprintf(head, sizeof head, "%s CLA=%02X INS=%02X P1=%02X P2=%02X Lc=%zu", name, c.cla, c.ins, c.p1,
                  c.p2, c.data.size());
    std::string s = head;
    if (c.le) s += " Le=" + std::to_string(*c.le);
    if (!c.data.empty()) {
        // Secrets never reach a log: VERIFY data (PIN, 照合番号B) is shown as its length only.
        if (c.ins == ins::kVerify) {
            s += " data=<redacted>";
        } else {
            s += " data=" + to_hex(ByteView(c.data).first(std::min<std::size_t>(c.data.size(), 32)));
            if (c.data.size() > 32) s += "...";
        }
    }
    return s;
}

CommandApdu select_aid(ByteView aid) {
    CommandApdu c;
    c.ins = ins::kSelect;
    c.p1 = 0x04;
    c.p2 = 0x0C;  // no FCI
    c.data.assign(aid.begin(), aid.end());
    return c;
}

CommandApdu select_ef(std::uint16_t fid) {
    CommandApdu c;
    c.ins = ins::kSelect;
    c.p1 = 0x02;
    c.p2 = 0x0C;
    c.data = {static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid & 0xFF)};
    return c;
}

CommandApdu read_binary(std::uint32_t offset, std::uint32_t le, bool extended) {
    CommandApdu c;
    c.ins = ins::kReadBinary;
    c.p1 = static_cast<std::uint8_t>((offset >> 8) & 0x7F);
    c.p2 = static_cast<std::uint8_t>(offset & 0xFF);
    c.le = le;
    c.extended = extended;
    return c;
}

CommandApdu verify_status() {
    CommandApdu c;
    c.ins = ins::kVerify;
    c.p1 = 0x00;
    c.p2 = 0x80;
    return c;
}

}  // namespace uk::card
