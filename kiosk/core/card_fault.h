// What can go wrong with the card, as the check-in flow understands it. kiosk/card maps status words and
// transport errors onto these; the flow decides the patient's next step from them alone.
#pragma once

#include <string_view>

namespace uk {

enum class CardFault {
    Unreadable,            // not a My Number card, mute card, garbage answers
    Removed,               // the card left the reader
    WrongPin,              // VERIFY failed; tries left is reported beside it
    PinBlocked,            // 6983: no tries left; only the municipality can reset it
    SecurityNotSatisfied,  // 6982: the command needs a VERIFY first
    NotFound,              // 6A82 / 6A86: file or application missing
    CertificateExpired,    // the user-authentication certificate is past notAfter
    CertificateRevoked,    // on the revocation list
    Transport,             // reader unplugged, pcscd gone, time-out
};

std::string_view to_string(CardFault f);

}  // namespace uk
