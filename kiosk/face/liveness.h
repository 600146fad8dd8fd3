// Liveness, two layers (issue 5):
//  - PassiveLiveness: a presentation-attack CNN scored on one frame (default: faceplugin's fr_liveness.onnx
//  from
//    the npm package, a MiniFASNet-style 128x128 network; the shared antispoof_minifas model also fits).
//  - ChallengeTracker: a randomized challenge-response checked from landmark tracking: a blink (eye aspect
//  ratio
//    falls and recovers) and a head turn in a direction drawn at random (yaw from landmarks). A printed
//    photo, a still image on a screen, or a replayed clip that does not follow the prompt times out or fails.
// Attack-presentation errors are reported in ISO/IEC 30107-3 terms (APCER/BPCER) in docs/face.md.
#pragma once

#include <opencv2/dnn.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/face/types.h"

namespace uk::face {

// [SECTION] Passive
// Defaults are faceplugin's fr_liveness.onnx with dlib HOG boxes, measured on ../shared/data/pad
// (docs/face.md).
struct PassiveLivenessOptions {
    std::string model_path;   // ONNX file
    double crop_scale = 1.8;  // the HOG face box is enlarged this much around its centre before resizing
    bool swap_rb = false;     // false: BGR channel order
    double scale = 1.0;       // pixel scaling before the network (raw 0..255 for fr_liveness)
    int live_class = 0;       // index of the "real face" class in the softmax output
    double threshold = 0.4;   // live probability at or above which the frame passes
};

// "fr_liveness" (npm package faceplugin-face-recognition-js, MIT; the default) or "minifas" (the shared
// antispoof_minifas model: Apache-2.0 but trained on the non-commercial CelebA-Spoof; not on user machines).
Result<PassiveLivenessOptions> passive_preset(const std::string& name, const std::string& model_path);

class PassiveLiveness {
  public:
    static Result<std::unique_ptr<PassiveLiveness>> load(const PassiveLivenessOptions& options);
    // Probability that the face is a live person (0..1).
    Result<double> score(const cv::Mat& bgr, const FaceDetection& face);
    bool is_live(double score) const { return score >= options_.threshold; }
    const PassiveLivenessOptions& options() const { return options_; }

  private:
    PassiveLiveness(cv::dnn::Net net, PassiveLivenessOptions o)
        : net_(std::move(net)), options_(std::move(o)) {}
    cv::dnn::Net net_;
    PassiveLivenessOptions options_;
};

// [SECTION] Challenge-response
enum class ChallengeStep { Blink, TurnLeft, TurnRight };  // the PATIENT's left / right
std::string_view to_string(ChallengeStep s);              // "blink", "turn_left", "turn_right" (locale keys)

enum class ChallengeOutcome { InProgress, Passed, Failed, TimedOut };
std::string_view to_string(ChallengeOutcome o);

struct ChallengeOptions {
    double ear_closed_ratio = 0.72;  // EAR below this fraction of the open-eye baseline counts as closed
    double ear_reopen_ratio = 0.88;  // ... and back above this fraction counts as open again
    double yaw_turn = 0.28;          // yaw change from the baseline that counts as a turn
    double yaw_wrong_way = 0.40;     // a turn this far the other way fails the challenge
    int baseline_frames = 3;         // frontal frames that set the baseline before the first step
    int hold_frames = 2;             // consecutive frames a turn must be held
    std::chrono::milliseconds timeout{12000};  // the whole challenge; then fall back to PIN or staff
};

class ChallengeTracker {
  public:
    ChallengeTracker(std::vector<ChallengeStep> steps, ChallengeOptions options = {});
    // A blink and a head turn whose direction (and the order of the two) is drawn from `rng`.
    static std::vector<ChallengeStep> random_steps(std::mt19937_64& rng);

    // Feed every tracked frame in order. `face` is nullptr when no face was found in the frame.
    ChallengeOutcome feed(const FaceDetection* face, std::chrono::steady_clock::time_point t);

    ChallengeOutcome outcome() const { return outcome_; }
    bool has_baseline() const { return baseline_n_ >= options_.baseline_frames; }
    // The step the patient should do now (meaningful while InProgress).
    ChallengeStep current_step() const { return steps_[std::min(index_, steps_.size() - 1)]; }
    std::size_t steps_done() const { return index_; }
    std::size_t step_count() const { return steps_.size(); }
    const std::string& failure() const { return failure_; }
    const std::vector<ChallengeStep>& steps() const { return steps_; }

  private:
    std::vector<ChallengeStep> steps_;
    ChallengeOptions options_;
    std::size_t index_ = 0;
    ChallengeOutcome outcome_ = ChallengeOutcome::InProgress;
    std::string failure_;
    bool started_ = false;
    std::chrono::steady_clock::time_point start_;
    int baseline_n_ = 0;
    double ear0_ = 0.0, yaw0_ = 0.0;
    bool eyes_closed_seen_ = false;
    int held_ = 0;
};

}  // namespace uk::face
