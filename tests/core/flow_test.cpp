#include <gtest/gtest.h>

#include "tests/core/flow_fixture.h"

namespace uk::checkin {
namespace {

using namespace std::chrono_literals;
using testing::FlowDriver;
using testing::good_face;
using testing::valid_card;

// [SECTION] Start and card reading

TEST(Flow, StartsAtAttractAndTouchAsksForTheCard) {
    FlowDriver d;
    EXPECT_EQ(d.phase(), Phase::Attract);
    d.send(ev::Start{});
    EXPECT_EQ(d.phase(), Phase::WaitingForCard);
}

TEST(Flow, PlacingACardStartsReadingIt) {
    FlowDriver d;
    d.send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", d.clock.wall_now()});
    EXPECT_EQ(d.phase(), Phase::ReadingCard);
    EXPECT_TRUE(d.emitted<fx::ReadCard>());
    EXPECT_EQ(d.session().record_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
}

TEST(Flow, CardReadLeadsToMethodChoiceWithASound) {
    FlowDriver d;
    d.insert_and_read();
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
    ASSERT_NE(d.find<fx::PlaySound>(), nullptr);
    EXPECT_EQ(d.find<fx::PlaySound>()->sound, Sound::CardRead);
    EXPECT_EQ(
        available_methods(d.state(), d.flow.config()),
        (std::vector{VerificationMethod::Face, VerificationMethod::Pin, VerificationMethod::StaffVisual}));
}

TEST(Flow, UnreadableCardOffersRetryStaffAndStartOver) {
    FlowDriver d;
    d.send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", d.clock.wall_now()});
    d.send(ev::CardReadFailed{CardFault::Unreadable});
    EXPECT_EQ(d.phase(), Phase::Error);
    EXPECT_EQ(d.state().error, ErrorKind::CardUnreadable);
    EXPECT_EQ(error_actions(d.state(), d.flow.config()),
              (std::vector{ErrorAction::TryAgain, ErrorAction::CallStaff, ErrorAction::StartOver}));
    d.send(ev::ErrorActionChosen{ErrorAction::TryAgain});
    EXPECT_EQ(d.phase(), Phase::ReadingCard);
    EXPECT_TRUE(d.emitted<fx::ReadCard>());
}

TEST(Flow, ExpiredCertificateBeyondGraceGoesToStaff) {
    FlowDriver d;
    auto card = valid_card();
    card.certificate_state = CertificateState::Expired;
    d.insert_and_read(card);
    EXPECT_EQ(d.state().error, ErrorKind::CertificateExpired);
    EXPECT_EQ(error_actions(d.state(), d.flow.config()),
              (std::vector{ErrorAction::CallStaff, ErrorAction::StartOver}));
}

TEST(Flow, RevokedCertificateGoesToStaff) {
    FlowDriver d;
    d.send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", d.clock.wall_now()});
    d.send(ev::CardReadFailed{CardFault::CertificateRevoked});
    EXPECT_EQ(d.state().error, ErrorKind::CertificateRevoked);
    d.send(ev::ErrorActionChosen{ErrorAction::CallStaff});
    EXPECT_EQ(d.phase(), Phase::HelpRequested);  // no usable certificate: staff handle it at the desk
}

TEST(Flow, CardReadWatchdogEndsInUnreadable) {
    FlowDriver d;
    d.send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", d.clock.wall_now()});
    d.advance(14s);
    EXPECT_EQ(d.phase(), Phase::ReadingCard);
    d.advance(2s);
    EXPECT_EQ(d.state().error, ErrorKind::CardUnreadable);
    EXPECT_TRUE(d.emitted<fx::CancelCardOperation>());
}

// [SECTION] PIN policy

TEST(FlowPin, RightPinFirstTimeGoesToConsent) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    EXPECT_EQ(d.phase(), Phase::PinEntry);
    d.send(ev::PinEntered{});
    EXPECT_EQ(d.phase(), Phase::VerifyingPin);
    EXPECT_TRUE(d.emitted<fx::VerifyPin>());
    d.send(ev::PinVerified{PinEvidence{"ch-1", "c2lnbmF0dXJl"}});
    EXPECT_EQ(d.phase(), Phase::Consent);
    EXPECT_EQ(d.session().verification.method, VerificationMethod::Pin);
}

TEST(FlowPin, TwoWrongThenRightWarnsBeforeTheLastTry) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::PinEntered{});
    d.send(ev::PinWrong{2});
    EXPECT_EQ(d.phase(), Phase::PinEntry);
    EXPECT_EQ(d.state().last_notice, "pin_wrong");
    EXPECT_EQ(d.session().card->pin_tries_left, 2);
    d.send(ev::PinEntered{});
    d.send(ev::PinWrong{1});
    EXPECT_EQ(d.phase(), Phase::PinLastTryWarning);  // one left: the patient must confirm first
    d.send(ev::PinLastTryConfirmed{});
    EXPECT_EQ(d.phase(), Phase::PinEntry);
    d.send(ev::PinEntered{});
    EXPECT_TRUE(d.emitted<fx::VerifyPin>());
    d.send(ev::PinVerified{PinEvidence{"ch-1", "c2lnbmF0dXJl"}});
    EXPECT_EQ(d.phase(), Phase::Consent);
    EXPECT_EQ(d.session().card->pin_tries_left, 3);
}

TEST(FlowPin, ThreeWrongBlocksAndSendsToStaff) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::PinEntered{});
    d.send(ev::PinWrong{2});
    d.send(ev::PinEntered{});
    d.send(ev::PinWrong{1});
    d.send(ev::PinLastTryConfirmed{});
    d.send(ev::PinEntered{});
    d.send(ev::PinBlocked{});
    EXPECT_EQ(d.state().error, ErrorKind::PinBlocked);
    ASSERT_NE(d.find<fx::AlertStaff>(), nullptr);
    EXPECT_EQ(d.find<fx::AlertStaff>()->reason, StaffAlert::PinBlocked);
    auto actions = error_actions(d.state(), d.flow.config());
    EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::UsePin), 0);
    EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::CallStaff), 1);
    EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::UseFace),
              1);  // the face path is still open
}

TEST(FlowPin, CardWithOneTryLeftWarnsBeforeAnyEntry) {
    FlowDriver d;
    d.insert_and_read(valid_card(1));
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    EXPECT_EQ(d.phase(), Phase::PinLastTryWarning);
    // Choosing another way instead is always possible from the warning.
    d.send(ev::Back{});
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
}

TEST(FlowPin, LastTryIsNeverSpentWithoutConfirmation) {
    FlowDriver d;
    d.insert_and_read(valid_card(1));
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::PinEntered{});  // keypad events arriving while the warning is shown
    EXPECT_FALSE(d.emitted<fx::VerifyPin>());
    EXPECT_EQ(d.phase(), Phase::PinLastTryWarning);
}

TEST(FlowPin, WrongPinResetsTheLastTryConfirmation) {
    FlowDriver d;
    d.insert_and_read(valid_card(2));
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::PinEntered{});
    d.send(ev::PinWrong{1});
    EXPECT_EQ(d.phase(), Phase::PinLastTryWarning);
    EXPECT_FALSE(d.session().pin_last_try_confirmed);
}

TEST(FlowPin, BlockedCardCannotChoosePin) {
    FlowDriver d;
    d.insert_and_read(valid_card(0));
    auto methods = available_methods(d.state(), d.flow.config());
    EXPECT_EQ(std::count(methods.begin(), methods.end(), VerificationMethod::Pin), 0);
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    EXPECT_EQ(d.state().error, ErrorKind::PinBlocked);  // explained, not ignored
    EXPECT_FALSE(d.emitted<fx::VerifyPin>());
}

TEST(FlowPin, BackFromKeypadWipesDigits) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::Back{});
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());
}

TEST(FlowPin, CardPulledDuringVerifyCancelsCleanly) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Pin});
    d.send(ev::PinEntered{});
    d.send(ev::CardOperationFailed{CardFault::Removed});
    EXPECT_EQ(d.state().error, ErrorKind::CardRemoved);
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());
    EXPECT_EQ(d.session(), testing::wiped_session());
}

// [SECTION] Face path

TEST(FlowFace, HappyPathReadsFrontUnlocksPhotoAndMatches) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    EXPECT_EQ(d.phase(), Phase::ReadingCardFront);
    EXPECT_TRUE(d.emitted<fx::StartCardFrontScan>());
    d.send(ev::CardFrontRead{});
    EXPECT_EQ(d.phase(), Phase::UnlockingPhoto);
    EXPECT_TRUE(d.emitted<fx::UnlockFacePhoto>());
    d.send(ev::PhotoUnlocked{});
    EXPECT_EQ(d.phase(), Phase::FaceCapture);
    ASSERT_NE(d.find<fx::StartFaceCapture>(), nullptr);
    EXPECT_EQ(d.find<fx::StartFaceCapture>()->attempt, 1);
    d.send(ev::FaceMatched{good_face()});
    EXPECT_EQ(d.phase(), Phase::Consent);
    EXPECT_TRUE(d.emitted<fx::StopCamera>());
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());
    EXPECT_EQ(d.session().verification.face, good_face());
}

TEST(FlowFace, NotMatchedOffersRetryPinAndStaffUntilAttemptsRunOut) {
    FlowDriver d;
    d.reach_face_capture();
    for (int attempt = 1; attempt <= 3; ++attempt) {
        d.send(ev::FaceNotMatched{});
        EXPECT_EQ(d.state().error, ErrorKind::FaceNotMatched);
        auto actions = error_actions(d.state(), d.flow.config());
        bool can_retry = std::count(actions.begin(), actions.end(), ErrorAction::TryAgain) == 1;
        EXPECT_EQ(can_retry, attempt < 3) << "attempt " << attempt;
        EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::UsePin), 1);
        EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::CallStaff), 1);
        if (can_retry) {
            d.send(ev::ErrorActionChosen{ErrorAction::TryAgain});
            EXPECT_EQ(d.phase(), Phase::ReadingCardFront);
            d.send(ev::CardFrontRead{});
            d.send(ev::PhotoUnlocked{});
            EXPECT_EQ(d.find<fx::StartFaceCapture>()->attempt, attempt + 1);
        }
    }
    d.send(ev::ErrorActionChosen{ErrorAction::UsePin});
    EXPECT_EQ(d.phase(), Phase::PinEntry);
}

TEST(FlowFace, LivenessFailureIsItsOwnError) {
    FlowDriver d;
    d.reach_face_capture();
    d.send(ev::LivenessFailed{});
    EXPECT_EQ(d.state().error, ErrorKind::LivenessFailed);
    EXPECT_TRUE(d.emitted<fx::StopCamera>());
}

TEST(FlowFace, CaptureTimesOutThroughTheClock) {
    FlowDriver d;
    d.reach_face_capture();
    d.advance(39s);
    EXPECT_EQ(d.phase(), Phase::FaceCapture);
    d.advance(2s);
    EXPECT_EQ(d.state().error, ErrorKind::FaceTimeout);
    EXPECT_TRUE(d.emitted<fx::StopCamera>());
}

TEST(FlowFace, CameraLostMidCaptureFallsBackToPinOrStaff) {
    FlowDriver d;
    d.reach_face_capture();
    d.send(ev::CameraLost{});
    EXPECT_EQ(d.state().error, ErrorKind::CameraUnavailable);
    EXPECT_EQ(error_actions(d.state(), d.flow.config()),
              (std::vector{ErrorAction::UsePin, ErrorAction::CallStaff, ErrorAction::StartOver}));
    EXPECT_FALSE(camera_available(d.state()));
}

TEST(FlowFace, FewMatchCodeTriesLeftNeverRisksAVerify) {
    FlowDriver d;
    d.insert_and_read(valid_card(3, 3));
    auto methods = available_methods(d.state(), d.flow.config());
    EXPECT_EQ(std::count(methods.begin(), methods.end(), VerificationMethod::Face), 0);
    d.send(ev::MethodChosen{VerificationMethod::Face});
    EXPECT_EQ(d.state().error, ErrorKind::MatchCodeTriesLow);
    EXPECT_FALSE(d.emitted<fx::StartCardFrontScan>());
}

TEST(FlowFace, WrongMatchCodeGoesBackToReadingNeverBlindRetry) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontRead{});
    d.send(ev::PhotoUnlockFailed{CardFault::WrongPin, 9});
    EXPECT_EQ(d.state().error, ErrorKind::CardFrontMismatch);
    d.send(ev::ErrorActionChosen{ErrorAction::TryAgain});
    EXPECT_EQ(d.phase(), Phase::ReadingCardFront);  // read again, not UnlockingPhoto
    EXPECT_TRUE(d.emitted<fx::StartCardFrontScan>());
}

TEST(FlowFace, TypingTheCardFrontStopsTheCameraAndLeadsToTheSameSingleVerify) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontKeypadChosen{});
    EXPECT_EQ(d.phase(), Phase::CardFrontKeypad);
    EXPECT_TRUE(d.emitted<fx::StopCamera>());
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());  // nothing half-read by the camera is kept
    EXPECT_FALSE(d.emitted<fx::UnlockFacePhoto>());
    d.send(ev::CardFrontRead{});  // a late camera answer does not count on the keypad screen
    EXPECT_EQ(d.phase(), Phase::CardFrontKeypad);
    d.send(ev::CardFrontTyped{});
    EXPECT_EQ(d.phase(), Phase::UnlockingPhoto);
    EXPECT_TRUE(d.emitted<fx::UnlockFacePhoto>());
    d.send(ev::PhotoUnlocked{});
    EXPECT_EQ(d.phase(), Phase::FaceCapture);
}

TEST(FlowFace, TypedCodeThatIsWrongOffersReadingOrTypingAgain) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontKeypadChosen{});
    d.send(ev::CardFrontTyped{});
    d.send(ev::PhotoUnlockFailed{CardFault::WrongPin, 8});
    EXPECT_EQ(d.state().error, ErrorKind::CardFrontMismatch);
    auto actions = error_actions(d.state(), d.flow.config());
    EXPECT_NE(std::find(actions.begin(), actions.end(), ErrorAction::TypeCardFront), actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), ErrorAction::TryAgain), actions.end());
    d.send(ev::ErrorActionChosen{ErrorAction::TypeCardFront});
    EXPECT_EQ(d.phase(), Phase::CardFrontKeypad);
    EXPECT_FALSE(d.emitted<fx::UnlockFacePhoto>());  // never a blind retry: the patient types again
}

TEST(FlowFace, KeypadIsNotOfferedWhenTheTriesAreAtTheFloor) {
    FlowDriver d;
    d.insert_and_read(valid_card(3, 5));
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontTyped{});  // not on the keypad screen: ignored
    EXPECT_EQ(d.phase(), Phase::ReadingCardFront);
    d.send(ev::CardFrontKeypadChosen{});
    d.send(ev::CardFrontTyped{});
    d.send(ev::PhotoUnlockFailed{CardFault::WrongPin, 3});
    EXPECT_EQ(d.state().error, ErrorKind::MatchCodeTriesLow);
    auto actions = error_actions(d.state(), d.flow.config());
    EXPECT_EQ(std::find(actions.begin(), actions.end(), ErrorAction::TypeCardFront), actions.end());
    d.send(ev::ErrorActionChosen{ErrorAction::TypeCardFront});
    EXPECT_EQ(d.phase(), Phase::Error);
}

TEST(FlowFace, BackFromTheKeypadWipesAndReturnsToTheMethods) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontKeypadChosen{});
    d.send(ev::Back{});
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());
}

TEST(FlowFace, WrongMatchCodeDownToTheFloorOffersPinOrStaff) {
    FlowDriver d;
    d.insert_and_read(valid_card(3, 4));
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.send(ev::CardFrontRead{});
    d.send(ev::PhotoUnlockFailed{CardFault::WrongPin, 3});
    EXPECT_EQ(d.state().error, ErrorKind::MatchCodeTriesLow);
    auto actions = error_actions(d.state(), d.flow.config());
    EXPECT_EQ(std::count(actions.begin(), actions.end(), ErrorAction::TryAgain), 0);
}

TEST(FlowFace, CardFrontUnreadableTimesOut) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::Face});
    d.advance(31s);
    EXPECT_EQ(d.state().error, ErrorKind::CardFrontUnreadable);
}

// [SECTION] Staff visual check

TEST(FlowStaff, VisualCheckConfirmedByStaff) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::StaffVisual});
    EXPECT_EQ(d.phase(), Phase::WaitingForStaff);
    EXPECT_TRUE(d.emitted<fx::RequestVisualCheck>());
    d.send(ev::StaffConfirmed{"clerk-suzuki"});
    EXPECT_EQ(d.phase(), Phase::Consent);
    EXPECT_EQ(d.session().verification.staff->staff_id, "clerk-suzuki");
}

TEST(FlowStaff, RejectedVisualCheckEnds) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::MethodChosen{VerificationMethod::StaffVisual});
    d.send(ev::StaffRejected{});
    EXPECT_EQ(d.state().error, ErrorKind::StaffRejected);
    d.send(ev::ErrorActionChosen{ErrorAction::StartOver});
    EXPECT_EQ(d.phase(), Phase::TakeCard);
}

// [SECTION] Consent

struct ConsentCase {
    FacilityType type;
    std::set<ConsentItem> enabled;
    std::size_t steps;
};

class FlowConsentSteps : public ::testing::TestWithParam<ConsentCase> {};

TEST_P(FlowConsentSteps, OneStepPerOfferedItem) {
    FlowConfig cfg;
    cfg.facility.type = GetParam().type;
    cfg.facility.enabled_optional_items = GetParam().enabled;
    FlowDriver d(cfg);
    d.verify_by_pin();
    std::size_t steps = 0;
    while (d.phase() == Phase::Consent) {
        EXPECT_EQ(d.session().consent_index, steps);
        d.send(ev::ConsentAnswered{steps % 2 ? ConsentAnswer::Refused : ConsentAnswer::Agreed});
        ++steps;
    }
    EXPECT_EQ(steps, GetParam().steps);
    EXPECT_EQ(d.phase(), Phase::Confirm);
    EXPECT_EQ(d.session().consents.size(), GetParam().steps);
}

INSTANTIATE_TEST_SUITE_P(
    PerFacility, FlowConsentSteps,
    ::testing::Values(
        ConsentCase{FacilityType::Clinic, {}, 2}, ConsentCase{FacilityType::Pharmacy, {}, 1},
        ConsentCase{FacilityType::Hospital, {ConsentItem::MedicalTreatment, ConsentItem::Surgery}, 4},
        ConsentCase{FacilityType::Pharmacy, {ConsentItem::MedicalTreatment, ConsentItem::Surgery}, 2}));

TEST(FlowConsent, AgreeToAllAnswersEveryRemainingItem) {
    FlowDriver d;
    d.verify_by_pin();
    d.send(ev::ConsentAnswered{ConsentAnswer::Refused});
    d.send(ev::ConsentAgreeAll{});
    EXPECT_EQ(d.phase(), Phase::Confirm);
    EXPECT_EQ(d.session().consents,
              (std::vector<ConsentEntry>{{ConsentItem::Medication, ConsentAnswer::Refused},
                                         {ConsentItem::HealthCheckup, ConsentAnswer::Agreed}}));
}

TEST(FlowConsent, BackChangesAnEarlierAnswer) {
    FlowDriver d;
    d.verify_by_pin();
    d.send(ev::ConsentAnswered{ConsentAnswer::Agreed});
    d.send(ev::ConsentAnswered{ConsentAnswer::Agreed});
    EXPECT_EQ(d.phase(), Phase::Confirm);
    d.send(ev::Back{});
    d.send(ev::Back{});
    EXPECT_EQ(d.session().consent_index, 0u);
    d.send(ev::ConsentAnswered{ConsentAnswer::Refused});
    d.send(ev::ConsentAnswered{ConsentAnswer::Agreed});
    ASSERT_EQ(d.session().consents.size(), 2u);
    d.send(ev::Confirmed{});
    const auto* submit = d.find<fx::SubmitRecord>();
    ASSERT_NE(submit, nullptr);
    EXPECT_EQ(submit->record.consents[0], (ConsentEntry{ConsentItem::Medication, ConsentAnswer::Refused}));
}

TEST(FlowConsent, ExpiredCertificateInGraceSharesNothingAndSaysSo) {
    FlowDriver d;
    auto card = valid_card();
    card.certificate_state = CertificateState::ExpiredInGrace;
    d.verify_by_pin(card);
    EXPECT_EQ(d.phase(), Phase::Confirm);
    EXPECT_TRUE(d.session().consent_skipped_expired_cert);
    EXPECT_EQ(d.state().last_notice, "cert_expired_no_sharing");
    d.send(ev::Confirmed{});
    EXPECT_TRUE(d.find<fx::SubmitRecord>()->record.consents.empty());
}

// [SECTION] Submitting and the end

TEST(FlowSubmit, RecordCarriesEverythingAndPassesTheStrictParser) {
    FlowConfig cfg;
    cfg.kiosk_id = "kiosk-7";
    cfg.facility.code = "1312345678";
    FlowDriver d(cfg);
    d.send(ev::LanguageChanged{"en"});
    d.reach_face_capture();
    d.send(ev::FaceMatched{good_face()});
    d.send(ev::ConsentAgreeAll{});
    d.clock.advance(5s);
    d.send(ev::Confirmed{});
    ASSERT_EQ(d.phase(), Phase::Submitting);
    const auto* submit = d.find<fx::SubmitRecord>();
    ASSERT_NE(submit, nullptr);
    const CheckinRecord& r = submit->record;
    EXPECT_EQ(r.kiosk_id, "kiosk-7");
    EXPECT_EQ(r.language, "en");
    EXPECT_EQ(r.verification.method, VerificationMethod::Face);
    EXPECT_EQ(r.certificate->serial_hex, "0a1b");
    EXPECT_EQ(r.completed_at - r.started_at, std::chrono::duration_cast<WallTime::duration>(5s));
    auto parsed = parse_checkin_record(to_json_string(r));
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(*parsed, r);
}

TEST(FlowSubmit, AcceptedShowsDoneThenTakeCardThenAttract) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.send(ev::SubmitAccepted{42, {QualificationStatus::Valid, "", "2026-11-25T00:00:01.000Z"}});
    EXPECT_EQ(d.phase(), Phase::Done);
    EXPECT_EQ(d.session().ticket, 42);
    EXPECT_EQ(d.find<fx::PlaySound>()->sound, Sound::Success);
    d.advance(9s);
    EXPECT_EQ(d.phase(), Phase::TakeCard);
    d.send(ev::CardRemoved{});
    EXPECT_EQ(d.phase(), Phase::Attract);
    EXPECT_EQ(d.session(), testing::wiped_session());
}

TEST(FlowSubmit, CardTakenOnTheDoneScreenEndsAtAttract) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.send(ev::SubmitAccepted{1, {QualificationStatus::Valid, "", ""}});
    d.send(ev::CardRemoved{});
    EXPECT_EQ(d.phase(), Phase::Done);  // the patient still sees the number
    d.advance(9s);
    EXPECT_EQ(d.phase(), Phase::Attract);
}

TEST(FlowSubmit, CardPulledWhileSubmittingLosesNothing) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.send(ev::CardRemoved{});
    EXPECT_EQ(d.phase(), Phase::Submitting);
    d.send(ev::SubmitQueued{3});
    EXPECT_EQ(d.phase(), Phase::Done);
}

TEST(FlowSubmit, ReceptionDownStillTellsThePatientDone) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.send(ev::SubmitQueued{7});
    EXPECT_EQ(d.phase(), Phase::Done);
    EXPECT_TRUE(d.session().queued_offline);
    EXPECT_EQ(d.find<fx::AlertStaff>()->reason, StaffAlert::ReceptionUnreachable);
}

TEST(FlowSubmit, OutboxFailureRetriesWithTheSameRecordId) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    std::string first_id = d.find<fx::SubmitRecord>()->record.record_id;
    d.send(ev::SubmitFailed{});
    EXPECT_EQ(d.state().error, ErrorKind::ReceptionUnreachable);
    d.send(ev::ErrorActionChosen{ErrorAction::TryAgain});
    ASSERT_NE(d.find<fx::SubmitRecord>(), nullptr);
    EXPECT_EQ(d.find<fx::SubmitRecord>()->record.record_id, first_id);
}

TEST(FlowSubmit, SubmitWatchdogReportsReceptionUnreachable) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.advance(21s);
    EXPECT_EQ(d.state().error, ErrorKind::ReceptionUnreachable);
}

TEST(FlowSubmit, InvalidQualificationSendsThePatientToTheDesk) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Confirmed{});
    d.send(ev::SubmitAccepted{5, {QualificationStatus::Invalid, "資格喪失", "2026-11-25T00:00:01.000Z"}});
    EXPECT_EQ(d.state().error, ErrorKind::QualificationInvalid);
    EXPECT_EQ(d.find<fx::AlertStaff>()->reason, StaffAlert::QualificationInvalid);
    EXPECT_EQ(error_actions(d.state(), d.flow.config()), (std::vector{ErrorAction::StartOver}));
    d.send(ev::ErrorActionChosen{ErrorAction::StartOver});
    EXPECT_EQ(d.phase(), Phase::TakeCard);
}

TEST(FlowEnd, ForgottenCardIsRemindedThenReportedToStaff) {
    FlowDriver d;
    d.reach_confirm();
    d.send(ev::Cancel{});
    EXPECT_EQ(d.phase(), Phase::TakeCard);
    d.advance(16s);
    EXPECT_EQ(d.find<fx::PlaySound>()->sound, Sound::Attention);
    d.advance(110s);
    EXPECT_EQ(d.phase(), Phase::Attract);
    // the give-up tick emitted the alert
}

TEST(FlowEnd, GiveUpOnForgottenCardAlertsStaff) {
    FlowDriver d;
    d.insert_and_read();
    d.send(ev::Cancel{});
    d.advance(121s);
    EXPECT_EQ(d.phase(), Phase::Attract);
    ASSERT_NE(d.find<fx::AlertStaff>(), nullptr);
    EXPECT_EQ(d.find<fx::AlertStaff>()->reason, StaffAlert::CardLeftInReader);
}

// [SECTION] Help, language, idle

TEST(FlowHelp, HelpPausesFaceCaptureAndResumesAtMethodChoice) {
    FlowDriver d;
    d.reach_face_capture();
    d.send(ev::HelpPressed{});
    EXPECT_EQ(d.phase(), Phase::HelpRequested);
    EXPECT_TRUE(d.emitted<fx::StopCamera>());
    EXPECT_EQ(d.find<fx::AlertStaff>()->reason, StaffAlert::HelpRequested);
    d.send(ev::HelpDismissed{});
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
}

TEST(FlowHelp, HelpFromConsentResumesTheSameItem) {
    FlowDriver d;
    d.verify_by_pin();
    d.send(ev::ConsentAnswered{ConsentAnswer::Agreed});
    d.send(ev::HelpPressed{});
    d.send(ev::HelpDismissed{});
    EXPECT_EQ(d.phase(), Phase::Consent);
    EXPECT_EQ(d.session().consent_index, 1u);
}

TEST(FlowLanguage, ChosenLanguageCarriesIntoTheSessionAndResetsAfter) {
    FlowDriver d;
    d.send(ev::LanguageChanged{"pt-BR"});
    d.insert_and_read();
    EXPECT_EQ(d.session().language, "pt-BR");
    d.send(ev::CardRemoved{});
    d.advance(6s);
    EXPECT_EQ(d.phase(), Phase::Attract);
    EXPECT_EQ(d.session().language, "ja");
}

TEST(FlowIdle, TouchKeepsTheScreenAlive) {
    FlowDriver d;
    d.insert_and_read();
    for (int i = 0; i < 5; ++i) {
        d.advance(50s);
        d.send(ev::Touch{});
    }
    EXPECT_EQ(d.phase(), Phase::ChooseMethod);
    d.advance(61s);
    EXPECT_EQ(d.phase(), Phase::TakeCard);
    EXPECT_EQ(d.state().last_notice, "timeout");
}

TEST(FlowIdle, WaitingForCardReturnsToAttract) {
    FlowDriver d;
    d.send(ev::Start{});
    d.advance(61s);
    EXPECT_EQ(d.phase(), Phase::Attract);
}

TEST(FlowIdle, DeviceEventsOutsideTheirPhaseAreIgnored) {
    FlowDriver d;
    d.insert_and_read();
    State before = d.state();
    d.send(ev::PinVerified{PinEvidence{"x", "AAAA"}});
    d.send(ev::FaceMatched{good_face()});
    d.send(ev::StaffConfirmed{"x"});
    d.send(ev::SubmitAccepted{1, {}});
    EXPECT_EQ(d.state().phase, before.phase);
    EXPECT_FALSE(d.session().verified);
}

}  // namespace
}  // namespace uk::checkin
