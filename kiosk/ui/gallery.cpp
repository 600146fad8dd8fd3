#include "kiosk/ui/gallery.h"

#include <cstdio>

namespace uk::ui {

using namespace checkin;

std::vector<GalleryScreen> gallery(const FlowConfig& config, const std::string& language) {
    std::vector<GalleryScreen> out;
    int n = 0;
    auto add = [&](const std::string& name, State s, std::size_t pin = 0, CardFrontView front = {}) {
        char prefix[8];
        std::snprintf(prefix, sizeof prefix, "%02d_", n++);
        s.session.language = language;
        out.push_back({prefix + name, std::move(s), pin, std::move(front)});
    };
    CardInfo card;
    card.certificate = {"1001",
                        "CN=Uketsuke Test JPKI User Authentication CA,OU=TEST ONLY,O=Uketsuke Test JPKI,C=JP",
                        "2030-03-31T14:59:59.000Z"};
    card.pin_tries_left = 3;
    card.match_code_tries_left = 10;
    State base;
    base.card_present = true;
    base.session.record_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    base.session.card = card;

    State s;
    s.phase = Phase::Attract;
    s.card_present = false;
    add("attract", s);
    s.phase = Phase::WaitingForCard;
    add("place_card", s);
    s = base;
    s.phase = Phase::ReadingCard;
    add("reading_card", s);
    s.phase = Phase::ChooseMethod;
    add("choose_method", s);
    s.camera_ok = false;
    add("choose_method_no_camera", s);
    s = base;
    s.phase = Phase::ReadingCardFront;
    s.session.method = VerificationMethod::Face;
    add("card_front", s);
    CardFrontView guided;
    guided.guidance_key = "card_front.guidance.too_far";
    guided.outline = std::array<float, 8>{0.36f, 0.38f, 0.62f, 0.37f, 0.63f, 0.60f, 0.37f, 0.61f};
    add("card_front_too_far", s, 0, guided);
    s.phase = Phase::CardFrontKeypad;
    add("card_front_keypad", s);
    CardFrontView typed;
    typed.calendar = "showa";
    typed.birth = "550217";
    typed.expiry = "20";
    typed.field = "expiry";
    add("card_front_keypad_typing", s, 0, typed);
    typed.expiry = "2025";
    typed.code_length = 0;
    typed.field = "expiry";
    typed.problem_key = "card_front_keypad.problem.expiry";
    add("card_front_keypad_problem", s, 0, typed);
    typed.calendar = "western";
    typed.birth = "1985041";
    typed.birth_length = 8;
    typed.expiry = "2031";
    typed.field = "code";
    typed.code_length = 3;
    typed.problem_key.clear();
    add("card_front_keypad_code", s, 0, typed);
    s.phase = Phase::UnlockingPhoto;
    add("unlocking_photo", s);
    s.phase = Phase::FaceCapture;
    add("face_capture", s);
    s = base;
    s.session.method = VerificationMethod::Pin;
    s.phase = Phase::PinEntry;
    add("pin_entry", s, 2);
    s.session.card->pin_tries_left = 2;
    s.last_notice = "pin_wrong";
    add("pin_entry_wrong", s, 0);
    s.session.card->pin_tries_left = 1;
    s.phase = Phase::PinLastTryWarning;
    add("pin_last_try", s);
    s.last_notice.clear();
    s.phase = Phase::VerifyingPin;
    add("verifying_pin", s);
    s = base;
    s.phase = Phase::WaitingForStaff;
    s.session.method = VerificationMethod::StaffVisual;
    add("waiting_for_staff", s);
    s = base;
    s.session.method = VerificationMethod::Pin;
    s.session.verified = true;
    s.phase = Phase::Consent;
    s.session.consent_items = offered_consent_items(config.facility);
    for (std::size_t i = 0; i < s.session.consent_items.size(); ++i) {
        s.session.consent_index = i;
        add("consent_" + std::string(to_string(s.session.consent_items[i])), s);
        s.session.consents.push_back(
            {s.session.consent_items[i], i % 2 ? ConsentAnswer::Refused : ConsentAnswer::Agreed});
    }
    s.phase = Phase::Confirm;
    add("confirm", s);
    State expired = s;
    expired.session.consents.clear();
    expired.session.consent_skipped_expired_cert = true;
    expired.last_notice = "cert_expired_no_sharing";
    add("confirm_cert_expired", expired);
    s.phase = Phase::Submitting;
    add("submitting", s);
    s.phase = Phase::Done;
    s.session.ticket = 17;
    add("done", s);
    s.session.queued_offline = true;
    add("done_offline", s);
    s = State{};
    s.phase = Phase::TakeCard;
    s.card_present = true;
    add("take_card", s);
    s = base;
    s.phase = Phase::HelpRequested;
    add("help_requested", s);
    for (int e = 0; e <= static_cast<int>(ErrorKind::ReceptionUnreachable); ++e) {
        State er = base;
        er.phase = Phase::Error;
        er.error = static_cast<ErrorKind>(e);
        er.session.method = VerificationMethod::Face;
        if (er.error == ErrorKind::CardRemoved) er.card_present = false;
        if (er.error == ErrorKind::PinBlocked) er.session.card->pin_tries_left = 0;
        add("error_" + std::string(to_string(*er.error)), er);
    }
    return out;
}

}  // namespace uk::ui
