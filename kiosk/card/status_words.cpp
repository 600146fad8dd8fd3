#include "kiosk/card/status_words.h"

#include <array>
#include <cstdio>
#include <string>

namespace uk::card {

namespace {

struct SwEntry {
    std::uint16_t sw;
    CardFault fault;
    std::string_view text;
};

// [SECTION] The table
constexpr std::array kTable = {
    SwEntry{0x6700, CardFault::Unreadable, "wrong length (Lc or Le)"},
    SwEntry{0x6581, CardFault::Unreadable, "memory failure in the card"},
    SwEntry{0x6400, CardFault::Unreadable, "execution error, card state unchanged"},
    SwEntry{0x6882, CardFault::Unreadable, "secure messaging not supported"},
    SwEntry{0x6981, CardFault::Unreadable, "command incompatible with the file structure"},
    SwEntry{0x6982, CardFault::SecurityNotSatisfied, "security status not satisfied (VERIFY needed first)"},
    SwEntry{0x6983, CardFault::PinBlocked, "authentication method blocked (no tries left)"},
    SwEntry{0x6984, CardFault::PinBlocked, "reference data not usable"},
    SwEntry{0x6985, CardFault::SecurityNotSatisfied, "conditions of use not satisfied"},
    SwEntry{0x6986, CardFault::SecurityNotSatisfied, "command not allowed (no current EF)"},
    SwEntry{0x6A80, CardFault::Unreadable, "incorrect parameters in the data field"},
    SwEntry{0x6A81, CardFault::Unreadable, "function not supported"},
    SwEntry{0x6A82, CardFault::NotFound, "file or application not found"},
    SwEntry{0x6A86, CardFault::NotFound, "incorrect parameters P1-P2"},
    SwEntry{0x6A88, CardFault::NotFound, "referenced data not found"},
    SwEntry{0x6B00, CardFault::Unreadable, "wrong parameters (offset outside the file)"},
    SwEntry{0x6D00, CardFault::Unreadable, "instruction not supported"},
    SwEntry{0x6E00, CardFault::Unreadable, "class not supported"},
    SwEntry{0x6F00, CardFault::Unreadable, "no precise diagnosis"},
};

}  // namespace

std::string_view sw_text(std::uint16_t sw) {
    if (sw == kSwOk) return "success";
    if (sw == kSwEndOfFile) return "end of file reached before Le bytes";
    if ((sw & 0xFF00) == 0x6100) return "more response data available (GET RESPONSE)";
    if ((sw & 0xFF00) == 0x6C00) return "wrong Le; resend with the length in SW2";
    if ((sw & 0xFFF0) == 0x63C0) return "verification failed (tries left in SW2)";
    for (const auto& e : kTable) {
        if (e.sw == sw) return e.text;
    }
    return "unknown status word";
}

CardError error_for_sw(std::uint16_t sw, std::string_view what) {
    char swhex[8];
    std::snprintf(swhex, sizeof swhex, "%04X", sw);
    const std::string prefix = std::string(what) + ": SW " + swhex + " ";
    if (auto tries = sw_tries_left(sw)) {
        if (*tries == 0) return make_error(CardFault::PinBlocked, prefix + "(no tries left)", sw, 0);
        return make_error(CardFault::WrongPin,
                          prefix + "(wrong PIN, " + std::to_string(*tries) + " tries left)", sw, *tries);
    }
    for (const auto& e : kTable) {
        if (e.sw == sw) {
            return make_error(e.fault, prefix + "(" + std::string(e.text) + ")", sw,
                              e.fault == CardFault::PinBlocked ? 0 : -1);
        }
    }
    return make_error(CardFault::Unreadable, prefix + "(unexpected status word)", sw);
}

}  // namespace uk::card
