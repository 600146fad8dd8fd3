#include "kiosk/checkin/flow.h"

#include <algorithm>

namespace uk::checkin {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

// One step in progress: a copy of the state that handlers change, and the effects they emit.
class Machine {
  public:
    Machine(const State& s, SteadyTime now, WallTime wall_now, const FlowConfig& config)
        : s_(s), now_(now), wall_(wall_now), cfg_(config) {}

    Step finish() && { return Step{std::move(s_), std::move(fx_)}; }

    // [SECTION] Helpers

    void emit(Effect e) { fx_.push_back(std::move(e)); }

    seconds timeout_for(Phase p) const {
        const Timeouts& t = cfg_.timeouts;
        switch (p) {
            case Phase::Attract:
                return seconds::max();
            case Phase::WaitingForCard:
                return t.waiting_for_card;
            case Phase::ReadingCard:
            case Phase::UnlockingPhoto:
            case Phase::VerifyingPin:
                return t.card_operation;
            case Phase::ReadingCardFront:
                return t.card_front;
            case Phase::FaceCapture:
                return t.face_capture;
            case Phase::WaitingForStaff:
            case Phase::HelpRequested:
                return t.staff;
            case Phase::Submitting:
                return t.submitting;
            case Phase::Done:
                return t.done;
            case Phase::TakeCard:
                return t.take_card_give_up;
            case Phase::ChooseMethod:
            case Phase::CardFrontKeypad:
            case Phase::PinLastTryWarning:
            case Phase::PinEntry:
            case Phase::Consent:
            case Phase::Confirm:
            case Phase::Error:
                return t.interaction;
        }
        return t.interaction;
    }

    void enter(Phase p) {
        s_.phase = p;
        auto t = timeout_for(p);
        s_.deadline = t == seconds::max() ? SteadyTime::max() : now_ + t;
        if (p != Phase::Error) s_.error.reset();
        s_.next_reminder = p == Phase::TakeCard ? now_ + cfg_.timeouts.take_card_reminder : SteadyTime::max();
    }

    void enter_error(ErrorKind k, Phase phase_for_deadline = Phase::Error) {
        enter(Phase::Error);
        if (phase_for_deadline != Phase::Error) s_.deadline = now_ + timeout_for(phase_for_deadline);
        s_.error = k;
        emit(fx::PlaySound{Sound::Attention});
    }

    void refresh_idle() {
        switch (s_.phase) {
            case Phase::ChooseMethod:
            case Phase::CardFrontKeypad:
            case Phase::PinLastTryWarning:
            case Phase::PinEntry:
            case Phase::Consent:
            case Phase::Confirm:
            case Phase::Error:
            case Phase::WaitingForCard:
                s_.deadline = now_ + timeout_for(s_.phase);
                break;
            default:
                break;
        }
    }

    // Everything about the patient is dropped; devices are told to let go of what they hold.
    void wipe_session() {
        emit(fx::WipeSecrets{});
        Session fresh;
        fresh.language = cfg_.default_language;
        s_.session = fresh;
        s_.last_notice.clear();
    }

    void back_to_attract() {
        wipe_session();
        enter(Phase::Attract);
    }

    // End of a session with the card possibly still in the reader.
    void end_session() {
        wipe_session();
        if (s_.card_present)
            enter(Phase::TakeCard), emit(fx::PlaySound{Sound::Attention});
        else
            enter(Phase::Attract);
    }

    bool card_op_running() const {
        return s_.phase == Phase::ReadingCard || s_.phase == Phase::UnlockingPhoto ||
               s_.phase == Phase::VerifyingPin;
    }
    bool camera_running() const {
        return s_.phase == Phase::ReadingCardFront || s_.phase == Phase::FaceCapture;
    }

    // Leaving a phase that has a device busy: stop it first.
    void stop_devices() {
        if (card_op_running()) emit(fx::CancelCardOperation{});
        if (camera_running()) emit(fx::StopCamera{});
        if (s_.phase == Phase::WaitingForStaff) emit(fx::CancelVisualCheck{});
    }

    int face_attempts_left() const { return cfg_.max_face_attempts - s_.session.face_attempts; }

    bool method_available(VerificationMethod m) const {
        const auto& card = s_.session.card;
        switch (m) {
            case VerificationMethod::Face:
                return cfg_.face_enabled && s_.camera_ok && card && card->match_code_tries_left &&
                       *card->match_code_tries_left > cfg_.min_match_code_tries && face_attempts_left() > 0;
            case VerificationMethod::Pin:
                return cfg_.pin_enabled && card && card->pin_tries_left > 0;
            case VerificationMethod::StaffVisual:
                return cfg_.staff_visual_enabled;
        }
        return false;
    }

    // [SECTION] Path steps

    void choose(VerificationMethod m) {
        auto& ses = s_.session;
        if (!ses.card) return;
        ses.method = m;
        switch (m) {
            case VerificationMethod::Face:
                if (!cfg_.face_enabled) return;
                if (!s_.camera_ok) return enter_error(ErrorKind::CameraUnavailable);
                if (!ses.card->match_code_tries_left ||
                    *ses.card->match_code_tries_left <= cfg_.min_match_code_tries)
                    return enter_error(ErrorKind::MatchCodeTriesLow);
                if (face_attempts_left() <= 0) return enter_error(ErrorKind::FaceNotMatched);
                enter(Phase::ReadingCardFront);
                emit(fx::StartCardFrontScan{});
                return;
            case VerificationMethod::Pin:
                if (!cfg_.pin_enabled) return;
                if (ses.card->pin_tries_left <= 0) return pin_blocked();
                if (ses.card->pin_tries_left == 1 && !ses.pin_last_try_confirmed)
                    return enter(Phase::PinLastTryWarning);
                enter(Phase::PinEntry);
                return;
            case VerificationMethod::StaffVisual:
                if (!cfg_.staff_visual_enabled) return;
                enter(Phase::WaitingForStaff);
                emit(fx::RequestVisualCheck{});
                emit(fx::PlaySound{Sound::Attention});
                return;
        }
    }

    void pin_blocked() {
        if (s_.session.card) s_.session.card->pin_tries_left = 0;
        emit(fx::AlertStaff{StaffAlert::PinBlocked});
        enter_error(ErrorKind::PinBlocked);
    }

    void verified(Verification v) {
        auto& ses = s_.session;
        ses.verification = std::move(v);
        ses.verified = true;
        ses.consents.clear();
        ses.consent_index = 0;
        if (ses.card && ses.card->certificate_state == CertificateState::ExpiredInGrace) {
            // Qualification can still be confirmed, but no medication / checkup information is shared.
            ses.consent_items.clear();
            ses.consent_skipped_expired_cert = true;
            s_.last_notice = "cert_expired_no_sharing";
        } else {
            ses.consent_items = offered_consent_items(cfg_.facility);
        }
        if (ses.consent_items.empty())
            enter(Phase::Confirm);
        else
            enter(Phase::Consent);
    }

    void answer_consent(ConsentAnswer a) {
        auto& ses = s_.session;
        if (ses.consent_index >= ses.consent_items.size()) return;
        ConsentItem item = ses.consent_items[ses.consent_index];
        std::erase_if(ses.consents, [&](const ConsentEntry& e) { return e.item == item; });
        ses.consents.push_back({item, a});
        ++ses.consent_index;
        if (ses.consent_index >= ses.consent_items.size()) enter(Phase::Confirm);
    }

    CheckinRecord build_record() const {
        const auto& ses = s_.session;
        CheckinRecord r;
        r.record_id = ses.record_id;
        r.facility_code = cfg_.facility.code;
        r.facility_type = cfg_.facility.type;
        r.kiosk_id = cfg_.kiosk_id;
        r.started_at = ses.started_at;
        r.completed_at = std::max(wall_, ses.started_at);
        r.language = ses.language;
        r.verification = ses.verification;
        r.consents = ses.consents;
        std::sort(r.consents.begin(), r.consents.end(),
                  [](const ConsentEntry& a, const ConsentEntry& b) { return a.item < b.item; });
        if (ses.card) r.certificate = ses.card->certificate;
        return r;
    }

    void submit() {
        enter(Phase::Submitting);
        emit(fx::SubmitRecord{build_record()});
    }

    // [SECTION] Time-outs

    void on_deadline() {
        switch (s_.phase) {
            case Phase::Attract:
                return;
            case Phase::WaitingForCard:
                return back_to_attract();
            case Phase::ReadingCard:
            case Phase::UnlockingPhoto:
            case Phase::VerifyingPin:
                emit(fx::CancelCardOperation{});
                return enter_error(ErrorKind::CardUnreadable);
            case Phase::ReadingCardFront:
                emit(fx::StopCamera{});
                return enter_error(ErrorKind::CardFrontUnreadable);
            case Phase::FaceCapture:
                emit(fx::StopCamera{});
                ++s_.session.face_attempts;
                return enter_error(ErrorKind::FaceTimeout);
            case Phase::Submitting:
                return enter_error(ErrorKind::ReceptionUnreachable);
            case Phase::Done:
                return end_session();
            case Phase::TakeCard:
                // The card was left behind: staff take it to the desk; the kiosk is ready for the next
                // patient.
                emit(fx::AlertStaff{StaffAlert::CardLeftInReader});
                return back_to_attract();
            case Phase::Error:
                if (s_.error == ErrorKind::CardRemoved) return back_to_attract();
                return end_session();
            case Phase::WaitingForStaff:
                emit(fx::CancelVisualCheck{});
                return end_session();
            case Phase::HelpRequested:
            case Phase::ChooseMethod:
            case Phase::CardFrontKeypad:
            case Phase::PinLastTryWarning:
            case Phase::PinEntry:
            case Phase::Consent:
            case Phase::Confirm:
                return end_session();  // the patient walked away
        }
    }

    // [SECTION] Event handlers

    void on(const ev::Tick&) {
        if (now_ >= s_.deadline) {
            s_.last_notice = "timeout";
            on_deadline();
            if (s_.phase != Phase::Attract) s_.last_notice = "timeout";
            return;
        }
        if (s_.phase == Phase::TakeCard && now_ >= s_.next_reminder) {
            emit(fx::PlaySound{Sound::Attention});
            s_.next_reminder = now_ + cfg_.timeouts.take_card_reminder;
        }
    }
    void on(const ev::Touch&) { refresh_idle(); }
    void on(const ev::Start&) {
        if (s_.phase == Phase::Attract) enter(Phase::WaitingForCard);
    }
    void on(const ev::LanguageChanged& e) {
        if (e.language.empty() || e.language.size() > 16) return;
        s_.session.language = e.language;
        // A touch on the attract screen's language switch starts the session's screens, so the choice is
        // wiped by the usual time-out if nobody follows it with a card.
        if (s_.phase == Phase::Attract) return enter(Phase::WaitingForCard);
        refresh_idle();
    }
    void on(const ev::CameraStatus& e) { s_.camera_ok = e.available; }

    void on(const ev::CardInserted& e) {
        if (s_.card_present) return;  // a second insertion without removal: ignore
        s_.card_present = true;
        // Inserted during TakeCard, help, an error ...: never starts a session there.
        if (s_.phase != Phase::Attract && s_.phase != Phase::WaitingForCard &&
            !(s_.phase == Phase::Error && s_.error == ErrorKind::CardRemoved))
            return;
        std::string lang = s_.session.language.empty() ? cfg_.default_language : s_.session.language;
        Session fresh;
        fresh.record_id = e.record_id;
        fresh.started_at = e.at;
        fresh.language = lang;  // a language chosen on the attract screen carries into the session
        s_.session = fresh;
        s_.last_notice.clear();
        enter(Phase::ReadingCard);
        emit(fx::ReadCard{});
    }

    void on(const ev::CardRemoved&) {
        if (!s_.card_present) return;
        s_.card_present = false;
        switch (s_.phase) {
            case Phase::Submitting:
            case Phase::Done:
                return;  // the record is complete; nothing is lost by taking the card now
            case Phase::TakeCard:
                return back_to_attract();
            case Phase::Attract:
            case Phase::WaitingForCard:
                return;
            default:
                break;
        }
        stop_devices();
        wipe_session();
        enter_error(ErrorKind::CardRemoved);
        s_.deadline = now_ + cfg_.timeouts.card_removed_notice;
    }

    void on(const ev::CardRead& e) {
        if (s_.phase != Phase::ReadingCard) return;
        CardInfo info = e.info;
        s_.session.card = info;
        emit(fx::PlaySound{Sound::CardRead});
        if (info.certificate_state == CertificateState::Expired)
            return enter_error(ErrorKind::CertificateExpired);
        enter(Phase::ChooseMethod);
    }
    void on(const ev::CardReadFailed& e) {
        if (s_.phase != Phase::ReadingCard) return;
        switch (e.fault) {
            case CardFault::Removed:
                return on(ev::CardRemoved{});
            case CardFault::CertificateExpired:
                return enter_error(ErrorKind::CertificateExpired);
            case CardFault::CertificateRevoked:
                return enter_error(ErrorKind::CertificateRevoked);
            default:
                return enter_error(ErrorKind::CardUnreadable);
        }
    }

    void on(const ev::MethodChosen& e) {
        if (s_.phase != Phase::ChooseMethod) return;
        if (!method_available(e.method)) {
            // Show why rather than ignore the touch.
            if (e.method == VerificationMethod::Pin && s_.session.card &&
                s_.session.card->pin_tries_left <= 0)
                return pin_blocked();
            if (e.method == VerificationMethod::Face) {
                if (!s_.camera_ok) return enter_error(ErrorKind::CameraUnavailable);
                if (face_attempts_left() <= 0) return enter_error(ErrorKind::FaceNotMatched);
                return enter_error(ErrorKind::MatchCodeTriesLow);
            }
            return;
        }
        choose(e.method);
    }

    void on(const ev::CardFrontRead&) {
        if (s_.phase != Phase::ReadingCardFront) return;
        emit(fx::StopCamera{});
        enter(Phase::UnlockingPhoto);
        emit(fx::UnlockFacePhoto{});
    }
    void on(const ev::CardFrontFailed&) {
        if (s_.phase != Phase::ReadingCardFront) return;
        emit(fx::StopCamera{});
        enter_error(ErrorKind::CardFrontUnreadable);
    }
    // The keypad fallback: typed digits go through the same tries guard and the same single VERIFY.
    void type_card_front() {
        if (camera_running()) emit(fx::StopCamera{});
        emit(fx::WipeSecrets{});  // whatever the camera read is dropped: the patient types it all
        enter(Phase::CardFrontKeypad);
    }
    void on(const ev::CardFrontKeypadChosen&) {
        if (s_.phase != Phase::ReadingCardFront) return;
        type_card_front();
    }
    void on(const ev::CardFrontTyped&) {
        if (s_.phase != Phase::CardFrontKeypad) return;
        enter(Phase::UnlockingPhoto);
        emit(fx::UnlockFacePhoto{});
    }
    void on(const ev::PhotoUnlocked&) {
        if (s_.phase != Phase::UnlockingPhoto) return;
        enter(Phase::FaceCapture);
        emit(fx::StartFaceCapture{s_.session.face_attempts + 1});
    }
    void on(const ev::PhotoUnlockFailed& e) {
        if (s_.phase != Phase::UnlockingPhoto) return;
        if (e.fault == CardFault::Removed) return on(ev::CardRemoved{});
        if (s_.session.card) s_.session.card->match_code_tries_left = e.tries_left;
        if (e.fault == CardFault::WrongPin && e.tries_left > cfg_.min_match_code_tries)
            return enter_error(ErrorKind::CardFrontMismatch);
        if (e.fault == CardFault::WrongPin || e.fault == CardFault::PinBlocked)
            return enter_error(ErrorKind::MatchCodeTriesLow);
        enter_error(ErrorKind::CardUnreadable);
    }
    void on(const ev::FaceMatched& e) {
        if (s_.phase != Phase::FaceCapture) return;
        emit(fx::StopCamera{});
        emit(fx::WipeSecrets{});  // chip photo and templates are no longer needed
        Verification v;
        v.method = VerificationMethod::Face;
        v.face = e.evidence;
        verified(std::move(v));
    }
    void face_failed(ErrorKind k) {
        if (s_.phase != Phase::FaceCapture) return;
        emit(fx::StopCamera{});
        ++s_.session.face_attempts;
        enter_error(k);
    }
    void on(const ev::FaceNotMatched&) { face_failed(ErrorKind::FaceNotMatched); }
    void on(const ev::LivenessFailed&) { face_failed(ErrorKind::LivenessFailed); }
    void on(const ev::CameraLost&) {
        s_.camera_ok = false;
        if (!camera_running()) return;
        emit(fx::StopCamera{});
        enter_error(ErrorKind::CameraUnavailable);
    }

    void on(const ev::PinLastTryConfirmed&) {
        if (s_.phase != Phase::PinLastTryWarning) return;
        s_.session.pin_last_try_confirmed = true;
        enter(Phase::PinEntry);
    }
    void on(const ev::PinEntered&) {
        if (s_.phase != Phase::PinEntry) return;
        auto& card = s_.session.card;
        if (!card || card->pin_tries_left <= 0) return pin_blocked();
        // Never spend the last try without the patient's explicit confirmation.
        if (card->pin_tries_left == 1 && !s_.session.pin_last_try_confirmed) {
            emit(fx::WipeSecrets{});
            return enter(Phase::PinLastTryWarning);
        }
        enter(Phase::VerifyingPin);
        emit(fx::VerifyPin{});
    }
    void on(const ev::PinVerified& e) {
        if (s_.phase != Phase::VerifyingPin) return;
        if (s_.session.card)
            s_.session.card->pin_tries_left = 3;  // a right PIN resets the counter on the card
        Verification v;
        v.method = VerificationMethod::Pin;
        v.pin = e.evidence;
        verified(std::move(v));
    }
    void on(const ev::PinWrong& e) {
        if (s_.phase != Phase::VerifyingPin) return;
        auto& card = s_.session.card;
        if (card) card->pin_tries_left = e.tries_left;
        s_.session.pin_last_try_confirmed = false;
        emit(fx::PlaySound{Sound::Attention});
        if (e.tries_left <= 0) return pin_blocked();
        s_.last_notice = "pin_wrong";
        if (e.tries_left == 1) return enter(Phase::PinLastTryWarning);
        enter(Phase::PinEntry);
    }
    void on(const ev::PinBlocked&) {
        if (s_.phase != Phase::VerifyingPin && s_.phase != Phase::PinEntry) return;
        pin_blocked();
    }
    void on(const ev::CardOperationFailed& e) {
        if (!card_op_running()) return;
        if (e.fault == CardFault::Removed) return on(ev::CardRemoved{});
        enter_error(ErrorKind::CardUnreadable);
    }

    void on(const ev::StaffConfirmed& e) {
        if (s_.phase != Phase::WaitingForStaff) return;
        Verification v;
        v.method = VerificationMethod::StaffVisual;
        v.staff = StaffEvidence{e.staff_id};
        verified(std::move(v));
    }
    void on(const ev::StaffRejected&) {
        if (s_.phase != Phase::WaitingForStaff) return;
        enter_error(ErrorKind::StaffRejected);
    }

    void on(const ev::HelpPressed&) {
        switch (s_.phase) {
            case Phase::Attract:
            case Phase::HelpRequested:
            case Phase::WaitingForStaff:
                return;  // staff are already on their way
            default:
                break;
        }
        stop_devices();
        // Resume at a phase that is safe to show again (a device step restarts from its screen before).
        Phase resume = s_.phase;
        switch (resume) {
            case Phase::ReadingCard:
                resume = Phase::Error;
                break;
            case Phase::ReadingCardFront:
            case Phase::CardFrontKeypad:
            case Phase::UnlockingPhoto:
            case Phase::FaceCapture:
            case Phase::VerifyingPin:
            case Phase::PinLastTryWarning:
                resume = Phase::ChooseMethod;
                break;
            case Phase::Submitting:
                resume = Phase::Submitting;
                break;
            default:
                break;
        }
        if (resume == Phase::Submitting) return;  // the record is on its way; help can wait for Done
        s_.resume_phase = resume;
        s_.resume_error = s_.phase == Phase::ReadingCard ? ErrorKind::CardUnreadable : s_.error;
        enter(Phase::HelpRequested);
        emit(fx::AlertStaff{StaffAlert::HelpRequested});
        emit(fx::PlaySound{Sound::Attention});
    }
    void on(const ev::HelpDismissed&) {
        if (s_.phase != Phase::HelpRequested) return;
        Phase back = s_.resume_phase;
        if (back == Phase::ChooseMethod && !s_.session.card) back = Phase::Attract;
        if (back == Phase::Attract) return end_session();
        enter(back);
        if (back == Phase::Error) s_.error = s_.resume_error.value_or(ErrorKind::CardUnreadable);
    }

    void on(const ev::ConsentAnswered& e) {
        if (s_.phase != Phase::Consent) return;
        answer_consent(e.answer);
        refresh_idle();
    }
    void on(const ev::ConsentAgreeAll&) {
        if (s_.phase != Phase::Consent) return;
        while (s_.phase == Phase::Consent)
            answer_consent(ConsentAnswer::Agreed);
    }
    void on(const ev::Back&) {
        auto& ses = s_.session;
        if (s_.phase == Phase::Consent && ses.consent_index > 0) {
            --ses.consent_index;
            refresh_idle();
        } else if (s_.phase == Phase::Confirm && !ses.consent_items.empty()) {
            ses.consent_index = ses.consent_items.size() - 1;
            enter(Phase::Consent);
        } else if (s_.phase == Phase::PinEntry || s_.phase == Phase::PinLastTryWarning ||
                   s_.phase == Phase::CardFrontKeypad) {
            emit(fx::WipeSecrets{});
            enter(Phase::ChooseMethod);
        } else if (s_.phase == Phase::WaitingForCard) {
            back_to_attract();
        }
    }
    void on(const ev::Confirmed&) {
        if (s_.phase != Phase::Confirm) return;
        submit();
    }
    void on(const ev::Cancel&) {
        switch (s_.phase) {
            case Phase::Attract:
            case Phase::Submitting:
            case Phase::Done:
            case Phase::TakeCard:
                return;
            case Phase::WaitingForCard:
                return back_to_attract();
            default:
                break;
        }
        stop_devices();
        end_session();
    }

    void on(const ev::ErrorActionChosen& e) {
        if (s_.phase != Phase::Error) return;
        auto allowed = actions();
        if (std::find(allowed.begin(), allowed.end(), e.action) == allowed.end()) return;
        ErrorKind kind = *s_.error;
        switch (e.action) {
            case ErrorAction::TryAgain:
                if (kind == ErrorKind::ReceptionUnreachable) return submit();
                if (kind == ErrorKind::CardUnreadable) {
                    enter(Phase::ReadingCard);
                    emit(fx::ReadCard{});
                    return;
                }
                return choose(VerificationMethod::Face);
            case ErrorAction::TypeCardFront:
                return type_card_front();
            case ErrorAction::UseFace:
                return choose(VerificationMethod::Face);
            case ErrorAction::UsePin:
                return choose(VerificationMethod::Pin);
            case ErrorAction::CallStaff:
                if (s_.session.card && !s_.session.verified && cfg_.staff_visual_enabled)
                    return choose(VerificationMethod::StaffVisual);
                return on(ev::HelpPressed{});
            case ErrorAction::StartOver:
                return end_session();
        }
    }

    void on(const ev::SubmitAccepted& e) {
        if (s_.phase != Phase::Submitting) return;
        s_.session.ticket = e.ticket;
        s_.session.qualification = e.qualification;
        if (e.qualification.status == QualificationStatus::Invalid) {
            emit(fx::AlertStaff{StaffAlert::QualificationInvalid});
            return enter_error(ErrorKind::QualificationInvalid);
        }
        enter(Phase::Done);
        emit(fx::PlaySound{Sound::Success});
    }
    void on(const ev::SubmitQueued& e) {
        if (s_.phase != Phase::Submitting) return;
        s_.session.ticket = e.ticket;
        s_.session.queued_offline = true;
        emit(fx::AlertStaff{StaffAlert::ReceptionUnreachable});
        enter(Phase::Done);
        emit(fx::PlaySound{Sound::Success});
    }
    void on(const ev::SubmitFailed&) {
        if (s_.phase != Phase::Submitting) return;
        enter_error(ErrorKind::ReceptionUnreachable);
    }

    // [SECTION] Error next steps

    std::vector<ErrorAction> actions() const {
        using enum ErrorAction;
        std::vector<ErrorAction> out;
        if (!s_.error) return out;
        auto alt_methods = [&](bool face_retry) {
            if (face_retry && method_available(VerificationMethod::Face)) out.push_back(TryAgain);
            if (method_available(VerificationMethod::Pin)) out.push_back(UsePin);
            if (cfg_.staff_visual_enabled) out.push_back(CallStaff);
            out.push_back(StartOver);
        };
        switch (*s_.error) {
            case ErrorKind::CardRemoved:
                break;  // the notice returns to Attract by itself
            case ErrorKind::CardUnreadable:
                if (s_.card_present && !s_.session.card) out.push_back(TryAgain);
                out.push_back(CallStaff);
                out.push_back(StartOver);
                break;
            case ErrorKind::PinBlocked:
                if (method_available(VerificationMethod::Face)) out.push_back(UseFace);
                out.push_back(CallStaff);
                out.push_back(StartOver);
                break;
            case ErrorKind::CertificateExpired:
            case ErrorKind::CertificateRevoked:
            case ErrorKind::StaffRejected:
            case ErrorKind::QualificationInvalid:
                if (*s_.error != ErrorKind::QualificationInvalid) out.push_back(CallStaff);
                out.push_back(StartOver);
                break;
            case ErrorKind::CardFrontUnreadable:
            case ErrorKind::CardFrontMismatch:
                // Reading again, or typing the numbers, both still guarded by the tries left.
                if (method_available(VerificationMethod::Face)) out.push_back(TypeCardFront);
                alt_methods(true);
                break;
            case ErrorKind::FaceNotMatched:
            case ErrorKind::LivenessFailed:
            case ErrorKind::FaceTimeout:
                alt_methods(true);
                break;
            case ErrorKind::MatchCodeTriesLow:
            case ErrorKind::CameraUnavailable:
                alt_methods(false);
                break;
            case ErrorKind::ReceptionUnreachable:
                out.push_back(TryAgain);
                out.push_back(CallStaff);
                break;
        }
        return out;
    }

    std::vector<VerificationMethod> methods() const {
        std::vector<VerificationMethod> out;
        for (auto m : kAllVerificationMethods)
            if (method_available(m)) out.push_back(m);
        return out;
    }

    State s_;

  private:
    SteadyTime now_;
    WallTime wall_;
    const FlowConfig& cfg_;
    std::vector<Effect> fx_;
};

}  // namespace

Step step(const State& state, const Event& event, SteadyTime now, WallTime wall_now,
          const FlowConfig& config) {
    Machine m(state, now, wall_now, config);
    if (m.s_.session.language.empty()) m.s_.session.language = config.default_language;
    std::visit([&](const auto& e) { m.on(e); }, event);
    return std::move(m).finish();
}

std::vector<ErrorAction> error_actions(const State& state, const FlowConfig& config) {
    Machine m(state, SteadyTime{}, WallTime{}, config);
    return m.actions();
}

std::vector<VerificationMethod> available_methods(const State& state, const FlowConfig& config) {
    Machine m(state, SteadyTime{}, WallTime{}, config);
    return m.methods();
}

bool camera_available(const State& state) {
    return state.camera_ok;
}

std::vector<Effect> Flow::dispatch(const Event& e) {
    Step s = step(state_, e, clock_.steady_now(), clock_.wall_now(), config_);
    state_ = std::move(s.state);
    return std::move(s.effects);
}

std::string_view to_string(Phase p) {
    switch (p) {
        case Phase::Attract:
            return "attract";
        case Phase::WaitingForCard:
            return "waiting_for_card";
        case Phase::ReadingCard:
            return "reading_card";
        case Phase::ChooseMethod:
            return "choose_method";
        case Phase::ReadingCardFront:
            return "reading_card_front";
        case Phase::CardFrontKeypad:
            return "card_front_keypad";
        case Phase::UnlockingPhoto:
            return "unlocking_photo";
        case Phase::FaceCapture:
            return "face_capture";
        case Phase::PinLastTryWarning:
            return "pin_last_try_warning";
        case Phase::PinEntry:
            return "pin_entry";
        case Phase::VerifyingPin:
            return "verifying_pin";
        case Phase::WaitingForStaff:
            return "waiting_for_staff";
        case Phase::Consent:
            return "consent";
        case Phase::Confirm:
            return "confirm";
        case Phase::Submitting:
            return "submitting";
        case Phase::Done:
            return "done";
        case Phase::TakeCard:
            return "take_card";
        case Phase::Error:
            return "error";
        case Phase::HelpRequested:
            return "help_requested";
    }
    return "unknown";
}

std::string_view to_string(ErrorKind k) {
    switch (k) {
        case ErrorKind::CardUnreadable:
            return "card_unreadable";
        case ErrorKind::CardRemoved:
            return "card_removed";
        case ErrorKind::PinBlocked:
            return "pin_blocked";
        case ErrorKind::CertificateExpired:
            return "certificate_expired";
        case ErrorKind::CertificateRevoked:
            return "certificate_revoked";
        case ErrorKind::CardFrontUnreadable:
            return "card_front_unreadable";
        case ErrorKind::CardFrontMismatch:
            return "card_front_mismatch";
        case ErrorKind::MatchCodeTriesLow:
            return "match_code_tries_low";
        case ErrorKind::FaceNotMatched:
            return "face_not_matched";
        case ErrorKind::LivenessFailed:
            return "liveness_failed";
        case ErrorKind::FaceTimeout:
            return "face_timeout";
        case ErrorKind::CameraUnavailable:
            return "camera_unavailable";
        case ErrorKind::StaffRejected:
            return "staff_rejected";
        case ErrorKind::QualificationInvalid:
            return "qualification_invalid";
        case ErrorKind::ReceptionUnreachable:
            return "reception_unreachable";
    }
    return "unknown";
}

std::string_view to_string(ErrorAction a) {
    switch (a) {
        case ErrorAction::TryAgain:
            return "try_again";
        case ErrorAction::TypeCardFront:
            return "type_card_front";
        case ErrorAction::UseFace:
            return "use_face";
        case ErrorAction::UsePin:
            return "use_pin";
        case ErrorAction::CallStaff:
            return "call_staff";
        case ErrorAction::StartOver:
            return "start_over";
    }
    return "unknown";
}

}  // namespace uk::checkin
