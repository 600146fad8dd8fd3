// One table from ISO 7816-4 status words to the faults the check-in flow understands, with text for IT staff
// (after OpenSC iso7816.c iso7816_errors[]). 61xx and 6Cxx never get here: CardChannel resolves them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kiosk/card/card_error.h"

namespace uk::card {

inline constexpr std::uint16_t kSwOk = 0x9000;
inline constexpr std::uint16_t kSwEndOfFile =
    0x6282;  // warning: fewer bytes than Le before the end of the file
inline constexpr std::uint16_t kSwWrongLength = 0x6700;
inline constexpr std::uint16_t kSwSecurityNotSatisfied = 0x6982;
inline constexpr std::uint16_t kSwPinBlocked = 0x6983;
inline constexpr std::uint16_t kSwConditionsNotSatisfied = 0x6985;
inline constexpr std::uint16_t kSwFunctionNotSupported = 0x6A81;
inline constexpr std::uint16_t kSwFileNotFound = 0x6A82;
inline constexpr std::uint16_t kSwIncorrectP1P2 = 0x6A86;
inline constexpr std::uint16_t kSwWrongParameters = 0x6B00;
inline constexpr std::uint16_t kSwInsNotSupported = 0x6D00;
inline constexpr std::uint16_t kSwClaNotSupported = 0x6E00;
inline constexpr std::uint16_t kSwNoPreciseDiagnosis = 0x6F00;

// True for 9000 and the warning 6282 (data is valid, the file ended early).
inline bool sw_success(std::uint16_t sw) {
    return sw == kSwOk || sw == kSwEndOfFile;
}

// 63Cx -> x; nullopt for anything else.
inline std::optional<int> sw_tries_left(std::uint16_t sw) {
    if ((sw & 0xFFF0) == 0x63C0) return sw & 0x0F;
    return std::nullopt;
}

// The fault and message for a status word that is not a success. `what` names the operation ("SELECT EF
// 000A").
CardError error_for_sw(std::uint16_t sw, std::string_view what);

// Short text for a status word ("file or application not found"), for logs and the simulator's docs.
std::string_view sw_text(std::uint16_t sw);

}  // namespace uk::card
