// FaceSession: one face verification as the kiosk runs it, entirely off the UI thread. The session owns a
// worker thread that takes the newest frame from a FrameSource, gates quality (Guidance), runs the randomized
// challenge-response, then matches a few good frames against the card photo and checks passive liveness.
//
// The UI reads state() (a small struct copied under a short lock, never blocked by the pipeline) and
// preview() (a BGR copy of the newest frame). Templates and frames live only in memory and are wiped when the
// decision is made. A time-out, a failed liveness check or a lost camera end in a verdict that the check-in
// flow turns into the PIN or staff (目視) fallback. Thread safety: all public methods may be called from any
// thread; start() once per session.
#pragma once

#include <opencv2/core.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/face/frame_source.h"
#include "kiosk/face/liveness.h"
#include "kiosk/face/quality.h"
#include "kiosk/face/verifier.h"

namespace uk::face {

enum class Phase { Idle, Positioning, Challenge, Verifying, Done };
enum class Verdict {
    None,            // not decided yet
    Match,           // same person, live: verified
    NoMatch,         // live face does not match the card photo
    LivenessFailed,  // challenge failed / timed out, or the passive check saw an attack
    TimedOut,        // no usable face in time
    CameraLost,      // the camera disappeared
    BadReference,    // the card photo could not be decoded or has no face
    Cancelled,
};
std::string_view to_string(Phase p);
std::string_view to_string(Verdict v);

struct SessionOptions {
    QualityOptions quality;
    ChallengeOptions challenge;
    bool challenge_enabled = true;
    int ok_frames_to_start = 2;  // consecutive good frames before the challenge starts
    int match_frames = 3;        // good frames embedded for the decision (median distance)
    // Challenge/verifying: time without exactly one face in view before starting over.
    std::chrono::milliseconds max_lost{400};
    double max_jump = 0.6;  // ... or a jump of the face centre by this fraction of its width between frames
    std::chrono::milliseconds overall_timeout{40000};
    std::chrono::milliseconds no_frame_timeout{3000};  // no frame at all for this long: camera lost
    std::uint64_t seed = 0;                            // challenge randomness; 0: from std::random_device
};

struct SessionState {
    Phase phase = Phase::Idle;
    Guidance guidance = Guidance::NoFace;
    std::optional<ChallengeStep> prompt;  // what to ask the patient now (Challenge phase)
    double progress = 0.0;                // 0..1 for a progress ring
    Verdict verdict = Verdict::None;
    double distance = -1.0;  // median distance of the matched frames
    double threshold = 0.0;
    double live_score = -1.0;  // median passive liveness score (-1: passive check off)
    std::string detail;        // for staff / the audit log; never contains a template
    std::uint64_t frames = 0;  // frames processed
    std::chrono::milliseconds decision_ms{
        0};  // machine time from the last good frame phase start to the verdict
};

class FaceSession {
  public:
    // `liveness` may be null (passive check off, reported as live_score -1).
    FaceSession(std::unique_ptr<FaceVerifier> verifier, std::unique_ptr<PassiveLiveness> liveness,
                SessionOptions options = {});
    ~FaceSession();
    FaceSession(const FaceSession&) = delete;
    FaceSession& operator=(const FaceSession&) = delete;

    // Starts the worker. `card_photo` are the chip photo's encoded bytes; they are wiped once decoded.
    // `source` must outlive the session (or at least its worker: wait_done() or destroy the session first).
    void start(FrameSource& source, std::vector<std::uint8_t> card_photo);
    void cancel();
    bool wait_done(std::chrono::milliseconds timeout) const;

    SessionState state() const;
    cv::Mat preview() const;  // BGR copy of the newest frame; empty after the decision

  private:
    void run(FrameSource& source, std::vector<std::uint8_t> card_photo);
    void publish(const SessionState& s, const cv::Mat* frame);
    void finish(SessionState s);

    std::unique_ptr<FaceVerifier> verifier_;
    std::unique_ptr<PassiveLiveness> liveness_;
    SessionOptions options_;
    mutable std::mutex mu_;
    mutable std::condition_variable done_cv_;
    SessionState state_;
    cv::Mat preview_;
    std::atomic<bool> cancel_{false};
    std::thread worker_;
};

}  // namespace uk::face
