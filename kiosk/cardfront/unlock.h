// The card side of the face path once 照合番号B is read: tries first, then one VERIFY, then the photo.
//   1. read the 照合番号B tries left without spending one (empty VERIFY on kenkaku EF 0012);
//   2. at or below `min_tries_left` (default 3, as kiosk/checkin's FlowConfig::min_match_code_tries): no
//   VERIFY,
//      the patient is offered the PIN or staff instead;
//   3. VERIFY once; the code is wiped right after the APDU is built (MyNumberCard does it) and in every other
//      path here, so a failed VERIFY can never be retried with the same digits: the flow sends the patient
//      back to reading the front;
//   4. read the face photo (DF27, JPEG 2000).
#pragma once

#include <optional>

#include "kiosk/card/card_error.h"
#include "kiosk/card/mynumber_card.h"
#include "kiosk/core/secure.h"

namespace uk::cardfront {

struct PhotoUnlock {
    enum class Status {
        Unlocked,     // photo read
        TriesTooLow,  // no VERIFY sent: offer PIN or staff
        WrongCode,    // VERIFY failed (tries_left says how many remain): read the front again
        CardFailed,   // any other card error (error says which)
    };
    Status status = Status::CardFailed;
    int tries_left =
        -1;  // as the card reported it (before the VERIFY for TriesTooLow, after it for WrongCode)
    std::optional<card::FacePhoto> photo;
    std::optional<card::CardError> error;
};

// `code` is always wiped when this returns.
PhotoUnlock unlock_face_photo(card::MyNumberCard& card, MatchCodeB& code, int min_tries_left = 3);

}  // namespace uk::cardfront
