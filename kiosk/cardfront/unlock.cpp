#include "kiosk/cardfront/unlock.h"

namespace uk::cardfront {

PhotoUnlock unlock_face_photo(card::MyNumberCard& card, MatchCodeB& code, int min_tries_left) {
    PhotoUnlock out;
    auto tries = card.match_code_b_tries_left();
    if (!tries) {
        code.clear();
        out.error = tries.error();
        return out;
    }
    out.tries_left = *tries;
    if (*tries <= min_tries_left) {
        code.clear();
        out.status = PhotoUnlock::Status::TriesTooLow;
        return out;
    }
    auto verified = card.verify_match_code_b(code);
    code.clear();  // MyNumberCard wipes it too; this makes it true on every path
    if (!verified) {
        out.error = verified.error();
        if (verified.fault() == CardFault::WrongPin) {
            out.status = PhotoUnlock::Status::WrongCode;
            out.tries_left = verified.error().tries_left;
        } else if (verified.fault() == CardFault::PinBlocked) {
            out.status = PhotoUnlock::Status::TriesTooLow;
            out.tries_left = 0;
        }
        return out;
    }
    auto photo = card.read_face_photo();
    if (!photo) {
        out.error = photo.error();
        return out;
    }
    out.status = PhotoUnlock::Status::Unlocked;
    out.photo = std::move(*photo);
    return out;
}

}  // namespace uk::cardfront
