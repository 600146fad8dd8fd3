// Table-driven: every phase x every event kind, card removal at every phase, time-outs at every phase, and
// long random event sequences checked against the flow's invariants.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

#include "tests/core/flow_fixture.h"

namespace uk::checkin {
namespace {

using namespace std::chrono_literals;
using testing::FlowDriver;
using testing::good_face;
using testing::valid_card;

// Reaches each phase through real events.
const std::map<Phase, std::function<void(FlowDriver&)>>& reachers() {
    static const std::map<Phase, std::function<void(FlowDriver&)>> r = {
        {Phase::Attract, [](FlowDriver&) {}},
        {Phase::WaitingForCard, [](FlowDriver& d) { d.send(ev::Start{}); }},
        {Phase::ReadingCard,
         [](FlowDriver& d) {
             d.send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", d.clock.wall_now()});
         }},
        {Phase::ChooseMethod, [](FlowDriver& d) { d.insert_and_read(); }},
        {Phase::ReadingCardFront,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::Face});
         }},
        {Phase::CardFrontKeypad,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::Face});
             d.send(ev::CardFrontKeypadChosen{});
         }},
        {Phase::UnlockingPhoto,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::Face});
             d.send(ev::CardFrontRead{});
         }},
        {Phase::FaceCapture, [](FlowDriver& d) { d.reach_face_capture(); }},
        {Phase::PinLastTryWarning,
         [](FlowDriver& d) {
             d.insert_and_read(valid_card(1));
             d.send(ev::MethodChosen{VerificationMethod::Pin});
         }},
        {Phase::PinEntry,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::Pin});
         }},
        {Phase::VerifyingPin,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::Pin});
             d.send(ev::PinEntered{});
         }},
        {Phase::WaitingForStaff,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::MethodChosen{VerificationMethod::StaffVisual});
         }},
        {Phase::Consent, [](FlowDriver& d) { d.verify_by_pin(); }},
        {Phase::Confirm, [](FlowDriver& d) { d.reach_confirm(); }},
        {Phase::Submitting,
         [](FlowDriver& d) {
             d.reach_confirm();
             d.send(ev::Confirmed{});
         }},
        {Phase::Done,
         [](FlowDriver& d) {
             d.reach_confirm();
             d.send(ev::Confirmed{});
             d.send(ev::SubmitAccepted{1, {QualificationStatus::Valid, "", ""}});
         }},
        {Phase::TakeCard,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::Cancel{});
         }},
        {Phase::Error,
         [](FlowDriver& d) {
             d.reach_face_capture();
             d.send(ev::FaceNotMatched{});
         }},
        {Phase::HelpRequested,
         [](FlowDriver& d) {
             d.insert_and_read();
             d.send(ev::HelpPressed{});
         }},
    };
    return r;
}

std::vector<Phase> all_phases() {
    std::vector<Phase> out;
    for (const auto& [p, _] : reachers())
        out.push_back(p);
    return out;
}

std::string phase_name(const ::testing::TestParamInfo<Phase>& info) {
    return std::string(to_string(info.param));
}

class EveryPhase : public ::testing::TestWithParam<Phase> {
  protected:
    void SetUp() override {
        reachers().at(GetParam())(d);
        ASSERT_EQ(d.phase(), GetParam()) << "could not reach " << to_string(GetParam());
    }
    FlowDriver d;
};

TEST_P(EveryPhase, IsReachableAndHasADeadlineUnlessAttract) {
    if (GetParam() == Phase::Attract) {
        EXPECT_EQ(d.state().deadline, SteadyTime::max());
    } else {
        EXPECT_LT(d.state().deadline, SteadyTime::max());
    }
}

TEST_P(EveryPhase, CardRemovalWipesTheSessionUnlessTheRecordIsComplete) {
    bool had_card = d.state().card_present;
    d.send(ev::CardRemoved{});
    Phase p = GetParam();
    if (!had_card) {
        EXPECT_EQ(d.phase(), p);
        return;
    }
    if (p == Phase::Submitting || p == Phase::Done) {
        EXPECT_EQ(d.phase(), p);  // the check-in is kept
        EXPECT_FALSE(d.state().card_present);
        return;
    }
    EXPECT_TRUE(d.emitted<fx::WipeSecrets>());
    EXPECT_EQ(d.session(), testing::wiped_session());
    if (p == Phase::TakeCard) {
        EXPECT_EQ(d.phase(), Phase::Attract);
    } else {
        EXPECT_EQ(d.state().error, ErrorKind::CardRemoved);
        d.advance(6s);
        EXPECT_EQ(d.phase(), Phase::Attract);
    }
}

TEST_P(EveryPhase, WaitingLongEnoughAlwaysEndsAtAttract) {
    // No further input at all, card left in: within a bounded number of deadlines the kiosk is ready again.
    for (int i = 0; i < 10 && d.phase() != Phase::Attract; ++i)
        d.advance(301s);
    EXPECT_EQ(d.phase(), Phase::Attract);
    EXPECT_EQ(d.session().record_id, "");
}

TEST_P(EveryPhase, DeviceStepsStopTheirDeviceWhenCancelled) {
    d.send(ev::Cancel{});
    Phase p = GetParam();
    if (p == Phase::FaceCapture || p == Phase::ReadingCardFront) {
        EXPECT_TRUE(d.emitted<fx::StopCamera>());
    }
    if (p == Phase::ReadingCard || p == Phase::VerifyingPin || p == Phase::UnlockingPhoto) {
        EXPECT_TRUE(d.emitted<fx::CancelCardOperation>());
    }
    if (p == Phase::WaitingForStaff) {
        EXPECT_TRUE(d.emitted<fx::CancelVisualCheck>());
    }
    if (p == Phase::Submitting || p == Phase::Done) {
        EXPECT_EQ(d.phase(), p);  // cannot cancel a sent record
    }
}

TEST_P(EveryPhase, HelpIsAvailableExceptWhereStaffAreAlreadyComing) {
    d.send(ev::HelpPressed{});
    Phase p = GetParam();
    bool expect_alert = p != Phase::Attract && p != Phase::HelpRequested && p != Phase::WaitingForStaff &&
                        p != Phase::Submitting;
    EXPECT_EQ(d.emitted<fx::AlertStaff>(), expect_alert) << to_string(p);
}

INSTANTIATE_TEST_SUITE_P(Phases, EveryPhase, ::testing::ValuesIn(all_phases()), phase_name);

// Every phase x every event: the machine answers without leaving the known phases and keeps the deadline
// rule.
std::vector<Event> one_of_each_event() {
    return {ev::Tick{},
            ev::Touch{},
            ev::Start{},
            ev::LanguageChanged{"en"},
            ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950f", {}},
            ev::CardRemoved{},
            ev::CardRead{valid_card()},
            ev::CardReadFailed{CardFault::Unreadable},
            ev::MethodChosen{VerificationMethod::Face},
            ev::MethodChosen{VerificationMethod::Pin},
            ev::MethodChosen{VerificationMethod::StaffVisual},
            ev::CameraStatus{false},
            ev::CardFrontRead{},
            ev::CardFrontFailed{},
            ev::CardFrontKeypadChosen{},
            ev::CardFrontTyped{},
            ev::PhotoUnlocked{},
            ev::PhotoUnlockFailed{CardFault::WrongPin, 5},
            ev::FaceMatched{good_face()},
            ev::FaceNotMatched{},
            ev::LivenessFailed{},
            ev::CameraLost{},
            ev::PinLastTryConfirmed{},
            ev::PinEntered{},
            ev::PinVerified{PinEvidence{"c", "AAAA"}},
            ev::PinWrong{2},
            ev::PinWrong{1},
            ev::PinBlocked{},
            ev::CardOperationFailed{CardFault::Transport},
            ev::StaffConfirmed{"s"},
            ev::StaffRejected{},
            ev::HelpPressed{},
            ev::HelpDismissed{},
            ev::ConsentAnswered{ConsentAnswer::Agreed},
            ev::ConsentAnswered{ConsentAnswer::Refused},
            ev::ConsentAgreeAll{},
            ev::Back{},
            ev::Confirmed{},
            ev::Cancel{},
            ev::ErrorActionChosen{ErrorAction::TryAgain},
            ev::ErrorActionChosen{ErrorAction::UseFace},
            ev::ErrorActionChosen{ErrorAction::UsePin},
            ev::ErrorActionChosen{ErrorAction::CallStaff},
            ev::ErrorActionChosen{ErrorAction::StartOver},
            ev::SubmitAccepted{2, {QualificationStatus::Valid, "", ""}},
            ev::SubmitAccepted{2, {QualificationStatus::Invalid, "x", ""}},
            ev::SubmitQueued{3},
            ev::SubmitFailed{}};
}

void check_invariants(const State& s, const std::string& where) {
    SCOPED_TRACE(where);
    EXPECT_EQ(s.phase == Phase::Attract, s.deadline == SteadyTime::max());
    EXPECT_EQ(s.phase == Phase::Error, s.error.has_value());
    EXPECT_LE(s.session.consent_index, s.session.consent_items.size());
    if (s.phase == Phase::Consent) {
        EXPECT_LT(s.session.consent_index, s.session.consent_items.size());
    }
    if (s.phase == Phase::Consent || s.phase == Phase::Confirm || s.phase == Phase::Submitting) {
        EXPECT_TRUE(s.session.verified);
    }
    if (s.phase == Phase::Attract) {
        EXPECT_EQ(s.session.record_id, "");
    }
    if (s.session.card) {
        EXPECT_GE(s.session.card->pin_tries_left, 0);
    }
}

TEST(FlowTable, EveryPhaseTimesEveryEventKeepsTheInvariants) {
    int cells = 0;
    for (Phase p : all_phases()) {
        for (const Event& e : one_of_each_event()) {
            FlowDriver d;
            reachers().at(p)(d);
            d.send(e);
            check_invariants(d.state(), std::string(to_string(p)) + " + event #" + std::to_string(e.index()));
            ++cells;
        }
    }
    EXPECT_EQ(cells, static_cast<int>(all_phases().size() * one_of_each_event().size()));
}

TEST(FlowTable, VerifyPinIsNeverEmittedForTheLastTryWithoutConfirmation) {
    for (Phase p : all_phases()) {
        for (const Event& e : one_of_each_event()) {
            FlowDriver d;
            reachers().at(p)(d);
            bool last_try = d.session().card && d.session().card->pin_tries_left == 1;
            bool confirmed = d.session().pin_last_try_confirmed;
            d.send(e);
            if (d.emitted<fx::VerifyPin>() && last_try) {
                EXPECT_TRUE(confirmed) << to_string(p);
            }
        }
    }
}

// [SECTION] Randomized

TEST(FlowRandom, LongRandomSequencesKeepInvariantsAndAlwaysReturnToAttract) {
    std::mt19937 rng(20261125);
    const auto events = one_of_each_event();
    std::uniform_int_distribution<std::size_t> pick(0, events.size() - 1);
    std::uniform_int_distribution<int> ms(0, 20000);
    int sequences = 300;
    for (int seq = 0; seq < sequences; ++seq) {
        FlowDriver d;
        bool card_in = false;
        for (int i = 0; i < 400; ++i) {
            Event e = events[pick(rng)];
            if (std::holds_alternative<ev::CardInserted>(e)) card_in = true;
            bool was_wipeable = d.state().card_present && !d.session().record_id.empty() &&
                                d.phase() != Phase::Submitting && d.phase() != Phase::Done;
            Phase before = d.phase();
            if (std::holds_alternative<ev::Tick>(e)) d.clock.advance(std::chrono::milliseconds(ms(rng)));
            d.send(e);
            check_invariants(d.state(), "seq " + std::to_string(seq) + " step " + std::to_string(i));
            if (std::holds_alternative<ev::CardRemoved>(e) && was_wipeable) {
                EXPECT_TRUE(d.phase() == Phase::Attract || d.state().error == ErrorKind::CardRemoved)
                    << to_string(before) << " -> " << to_string(d.phase());
                EXPECT_EQ(d.session().record_id, "");
                EXPECT_FALSE(d.session().card.has_value());
            }
            if (::testing::Test::HasFailure()) return;
        }
        // Pull the card and wait: the kiosk must be back at Attract with nothing of the patient left.
        (void)card_in;
        d.send(ev::CardRemoved{});
        for (int i = 0; i < 12 && d.phase() != Phase::Attract; ++i)
            d.advance(301s);
        EXPECT_EQ(d.phase(), Phase::Attract) << "seq " << seq;
        EXPECT_EQ(d.session(), testing::wiped_session()) << "seq " << seq;
    }
}

}  // namespace
}  // namespace uk::checkin
