// Drives the pure check-in flow through real events for tests: a manual clock, a facility, and shortcuts that
// reach each phase the way a patient would.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include "kiosk/checkin/flow.h"

namespace uk::checkin::testing {

inline CardInfo valid_card(int pin_tries = 3, std::optional<int> match_tries = 10) {
    CardInfo c;
    c.certificate = {"0a1b", "CN=Test JPKI User Auth CA,O=Uketsuke Test,C=JP", "2030-03-31T14:59:59.000Z"};
    c.pin_tries_left = pin_tries;
    c.match_code_tries_left = match_tries;
    return c;
}

inline Session wiped_session() {
    Session s;
    s.language = "ja";
    return s;
}

inline FaceEvidence good_face() {
    return FaceEvidence{0.30, 0.45, "dlib-resnet-v1", true, "blink+turn_left"};
}

class FlowDriver {
  public:
    explicit FlowDriver(FlowConfig cfg = {}) : flow(std::move(cfg), clock) {}

    std::vector<Effect> send(const Event& e) { return last = flow.dispatch(e); }
    std::vector<Effect> advance(std::chrono::milliseconds d) {
        clock.advance(d);
        return send(ev::Tick{});
    }
    Phase phase() const { return flow.state().phase; }
    const State& state() const { return flow.state(); }
    const Session& session() const { return flow.state().session; }

    template <class E>
    bool emitted() const {
        return std::any_of(last.begin(), last.end(),
                           [](const Effect& e) { return std::holds_alternative<E>(e); });
    }
    template <class E>
    const E* find() const {
        for (const auto& e : last)
            if (auto* p = std::get_if<E>(&e)) return p;
        return nullptr;
    }

    // Shortcuts through real events.
    void insert_and_read(CardInfo info = valid_card()) {
        send(ev::CardInserted{"0f8fad5b-d9cb-469f-a165-70867728950e", clock.wall_now()});
        send(ev::CardRead{std::move(info)});
    }
    void verify_by_pin(CardInfo info = valid_card()) {
        insert_and_read(std::move(info));
        send(ev::MethodChosen{VerificationMethod::Pin});
        send(ev::PinEntered{});
        send(ev::PinVerified{PinEvidence{"ch-1", "c2lnbmF0dXJl"}});
    }
    void reach_face_capture(CardInfo info = valid_card()) {
        insert_and_read(std::move(info));
        send(ev::MethodChosen{VerificationMethod::Face});
        send(ev::CardFrontRead{});
        send(ev::PhotoUnlocked{});
    }
    void reach_confirm() {
        verify_by_pin();
        send(ev::ConsentAgreeAll{});
    }

    ManualClock clock;
    Flow flow;
    std::vector<Effect> last;
};

}  // namespace uk::checkin::testing
