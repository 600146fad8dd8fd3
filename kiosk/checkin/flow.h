// The check-in flow as a pure state machine: (state, event, now, config) -> (state, effects). No I/O, no
// threads, no clock reads: the caller (kiosk/app) feeds device and UI events, carries out the effects, and
// ticks the clock.
//
// Phases (one screen each):
//   Attract -> WaitingForCard -> ReadingCard -> ChooseMethod
//     face:  ReadingCardFront (照合番号B) [-> CardFrontKeypad (typed instead)] -> UnlockingPhoto ->
//     FaceCapture PIN:   [PinLastTryWarning] -> PinEntry -> VerifyingPin staff: WaitingForStaff (目視確認)
//   -> Consent (one step per offered item) -> Confirm -> Submitting -> Done -> TakeCard -> Attract
//   Error (an ErrorKind with its next steps) and HelpRequested can be entered from most phases.
//
// Invariants (tests/core/flow_random_test.cpp checks them on long random event sequences):
//   - card removal before Submitting, and every idle time-out, wipe the session and lead back to Attract;
//   - every phase has a deadline, so the flow is never stuck;
//   - secrets (PIN, 照合番号B) are never in the state: the app holds them and the flow tells it when to use
//   and
//     wipe them (VerifyPin, UnlockFacePhoto, WipeSecrets).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kiosk/core/card_fault.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/facility.h"
#include "kiosk/core/record.h"
#include "kiosk/core/types.h"

namespace uk::checkin {

using std::chrono::seconds;

// [SECTION] Configuration

struct Timeouts {
    seconds waiting_for_card{60};  // "place your card" with nobody placing one
    seconds interaction{60};     // any screen waiting for the patient (method, PIN, consent, confirm, error)
    seconds card_operation{15};  // watchdog on a card read / VERIFY / unlock that never answers
    seconds card_front{30};      // reading 照合番号B from the card front
    seconds face_capture{40};    // face + liveness challenge
    seconds staff{300};          // waiting for staff (visual check, help)
    seconds submitting{20};      // handing the record to the outbox
    seconds done{8};             // the done screen before "take your card"
    seconds card_removed_notice{5};
    seconds take_card_reminder{15};  // repeat the attention sound
    seconds take_card_give_up{120};  // card left behind: alert staff, back to Attract
};

struct FlowConfig {
    FacilityProfile facility;
    std::string kiosk_id = "kiosk-1";
    std::string default_language = "ja";
    bool face_enabled = true;
    bool pin_enabled = true;
    bool staff_visual_enabled = true;
    int max_face_attempts = 3;
    int min_match_code_tries = 3;  // never VERIFY 照合番号B when this many or fewer tries are left
    std::chrono::days expired_cert_grace{
        90};  // an expired user-auth cert still confirms qualification this long
    Timeouts timeouts;
};

// [SECTION] State

enum class Phase {
    Attract,
    WaitingForCard,
    ReadingCard,
    ChooseMethod,
    ReadingCardFront,
    CardFrontKeypad,  // the patient types the birth date, expiry year and security code instead
    UnlockingPhoto,
    FaceCapture,
    PinLastTryWarning,
    PinEntry,
    VerifyingPin,
    WaitingForStaff,
    Consent,
    Confirm,
    Submitting,
    Done,
    TakeCard,
    Error,
    HelpRequested,
};

enum class ErrorKind {
    CardUnreadable,
    CardRemoved,
    PinBlocked,
    CertificateExpired,  // beyond the grace period
    CertificateRevoked,
    CardFrontUnreadable,
    CardFrontMismatch,  // 照合番号B VERIFY failed: read the front again, never retry the same digits
    MatchCodeTriesLow,  // too few 照合番号B tries left to risk one
    FaceNotMatched,
    LivenessFailed,
    FaceTimeout,
    CameraUnavailable,
    StaffRejected,
    QualificationInvalid,
    ReceptionUnreachable,
};

// What the patient can do next on an error screen.
enum class ErrorAction { TryAgain, TypeCardFront, UseFace, UsePin, CallStaff, StartOver };

enum class CertificateState { Valid, ExpiredInGrace, Expired };

enum class Sound { CardRead, Success, Attention };

enum class StaffAlert {
    HelpRequested,
    PinBlocked,
    CardLeftInReader,
    ReceptionUnreachable,
    QualificationInvalid
};

struct CardInfo {
    CertificateRef certificate;
    CertificateState certificate_state = CertificateState::Valid;
    int pin_tries_left = 3;
    std::optional<int> match_code_tries_left;  // 照合番号B; empty when the card-face AP could not be read
    bool operator==(const CardInfo&) const = default;
};

// Everything about the current patient. Reset to a fresh Session (wiped) whenever the flow returns to
// Attract.
struct Session {
    std::string record_id;  // set at card insertion (the app supplies a fresh UUID)
    WallTime started_at{};
    std::string language;
    std::optional<CardInfo> card;
    std::optional<VerificationMethod> method;
    Verification verification;  // evidence once verified
    bool verified = false;
    int face_attempts = 0;
    bool pin_last_try_confirmed = false;
    std::vector<ConsentItem> consent_items;  // offered, in order
    std::vector<ConsentEntry> consents;      // answered so far
    std::size_t consent_index = 0;
    bool consent_skipped_expired_cert = false;
    int ticket = 0;
    std::optional<QualificationResult> qualification;
    bool queued_offline = false;  // reception unreachable: the outbox holds the record
    bool operator==(const Session&) const = default;
};

struct State {
    Phase phase = Phase::Attract;
    SteadyTime deadline{SteadyTime::max()};
    SteadyTime next_reminder{SteadyTime::max()};  // TakeCard attention sound
    std::optional<ErrorKind> error;
    Phase resume_phase = Phase::Attract;  // where HelpRequested returns to when staff dismiss it
    std::optional<ErrorKind> resume_error;
    std::string last_notice;    // a one-line notice key for the screen ("pin_wrong", "card_removed" ...)
    bool camera_ok = true;      // device status outlives sessions
    bool card_present = false;  // what the reader says, whatever the session
    Session session;
};

// [SECTION] Events

namespace ev {
struct Tick {};   // the clock moved; deadlines are checked
struct Touch {};  // any patient touch: refreshes the idle deadline
struct Start {};  // attract screen touched
struct LanguageChanged {
    std::string language;
};
struct CardInserted {
    std::string record_id;
    WallTime at{};
};
struct CardRemoved {};
struct CardRead {
    CardInfo info;
};
struct CardReadFailed {
    CardFault fault;
};
struct MethodChosen {
    VerificationMethod method;
};
struct CameraStatus {
    bool available;
};
struct CardFrontRead {};  // the app holds 照合番号B
struct CardFrontFailed {};
struct CardFrontKeypadChosen {};  // "type the numbers instead" on the card-front screen
struct CardFrontTyped {};         // the app holds a plausible 照合番号B the patient typed
struct PhotoUnlocked {};
struct PhotoUnlockFailed {
    CardFault fault;
    int tries_left;
};
struct FaceMatched {
    FaceEvidence evidence;
};
struct FaceNotMatched {};
struct LivenessFailed {};
struct CameraLost {};
struct PinLastTryConfirmed {};
struct PinEntered {};  // the app holds 4 digits in its Pin buffer
struct PinVerified {
    PinEvidence evidence;
};
struct PinWrong {
    int tries_left;
};
struct PinBlocked {};
struct CardOperationFailed {
    CardFault fault;
};  // a VERIFY/sign/unlock that failed for another reason
struct StaffConfirmed {
    std::string staff_id;
};
struct StaffRejected {};
struct HelpPressed {};    // "call staff" button, on every screen
struct HelpDismissed {};  // staff came and cleared the alert
struct ConsentAnswered {
    ConsentAnswer answer;
};
struct ConsentAgreeAll {};
struct Back {};
struct Confirmed {};
struct Cancel {};  // patient chose to stop
struct ErrorActionChosen {
    ErrorAction action;
};
struct SubmitAccepted {
    int ticket;
    QualificationResult qualification;
};
struct SubmitQueued {
    int ticket;
};                       // stored in the outbox; reception unreachable for now
struct SubmitFailed {};  // not even stored locally
}  // namespace ev

using Event = std::variant<
    ev::Tick, ev::Touch, ev::Start, ev::LanguageChanged, ev::CardInserted, ev::CardRemoved, ev::CardRead,
    ev::CardReadFailed, ev::MethodChosen, ev::CameraStatus, ev::CardFrontRead, ev::CardFrontFailed,
    ev::CardFrontKeypadChosen, ev::CardFrontTyped, ev::PhotoUnlocked, ev::PhotoUnlockFailed, ev::FaceMatched,
    ev::FaceNotMatched, ev::LivenessFailed, ev::CameraLost, ev::PinLastTryConfirmed, ev::PinEntered,
    ev::PinVerified, ev::PinWrong, ev::PinBlocked, ev::CardOperationFailed, ev::StaffConfirmed,
    ev::StaffRejected, ev::HelpPressed, ev::HelpDismissed, ev::ConsentAnswered, ev::ConsentAgreeAll, ev::Back,
    ev::Confirmed, ev::Cancel, ev::ErrorActionChosen, ev::SubmitAccepted, ev::SubmitQueued, ev::SubmitFailed>;

// [SECTION] Effects: what the app must do after a step

namespace fx {
struct ReadCard {};  // read the user-auth certificate, PIN tries, 照合番号B tries
struct CancelCardOperation {};
struct StartCardFrontScan {};  // camera: read 照合番号B from the card front
struct UnlockFacePhoto {};  // VERIFY 照合番号B (held by the app), read the chip photo, then wipe 照合番号B
struct StartFaceCapture {
    int attempt;
};
struct StopCamera {};
struct VerifyPin {};    // VERIFY with the app's Pin buffer, sign the reception's challenge, then wipe the Pin
struct WipeSecrets {};  // drop PIN digits, 照合番号B, chip photo, frames, templates
struct RequestVisualCheck {};
struct CancelVisualCheck {};
struct AlertStaff {
    StaffAlert reason;
};
struct SubmitRecord {
    CheckinRecord record;
};
struct PlaySound {
    Sound sound;
};
}  // namespace fx

using Effect =
    std::variant<fx::ReadCard, fx::CancelCardOperation, fx::StartCardFrontScan, fx::UnlockFacePhoto,
                 fx::StartFaceCapture, fx::StopCamera, fx::VerifyPin, fx::WipeSecrets, fx::RequestVisualCheck,
                 fx::CancelVisualCheck, fx::AlertStaff, fx::SubmitRecord, fx::PlaySound>;

struct Step {
    State state;
    std::vector<Effect> effects;
};

// [SECTION] The machine

// The whole machine: a pure function.
Step step(const State& state, const Event& event, SteadyTime now, WallTime wall_now,
          const FlowConfig& config);

// What the screens need beyond the state itself.
std::vector<ErrorAction> error_actions(const State& state, const FlowConfig& config);
std::vector<VerificationMethod> available_methods(const State& state, const FlowConfig& config);
bool camera_available(const State& state);

// A thin owner for the app: keeps the state and reads the injected clock.
class Flow {
  public:
    Flow(FlowConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}
    std::vector<Effect> dispatch(const Event& e);
    const State& state() const { return state_; }
    const FlowConfig& config() const { return config_; }

  private:
    FlowConfig config_;
    const Clock& clock_;
    State state_;
};

std::string_view to_string(Phase p);
std::string_view to_string(ErrorKind k);
std::string_view to_string(ErrorAction a);

}  // namespace uk::checkin
