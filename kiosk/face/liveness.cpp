#include "kiosk/face/liveness.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kiosk/face/geometry.h"

namespace uk::face {

// [SECTION] Passive
Result<PassiveLivenessOptions> passive_preset(const std::string& name, const std::string& model_path) {
    PassiveLivenessOptions o;
    o.model_path = model_path;
    if (name == "fr_liveness") return o;
    if (name == "minifas") {
        o.crop_scale = 1.8;
        o.swap_rb = true;
        o.scale = 1.0 / 255.0;
        o.live_class = 0;
        o.threshold = 0.4;
        return o;
    }
    return Error{"unknown liveness model \"" + name + "\" (use fr_liveness or minifas)"};
}

Result<std::unique_ptr<PassiveLiveness>> PassiveLiveness::load(const PassiveLivenessOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.model_path, ec)) {
        return Error{"liveness model not found: " + options.model_path +
                     " (run scripts/setup.d/10-models.sh)"};
    }
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(options.model_path);
        if (net.empty()) return Error{"liveness model could not be loaded: " + options.model_path};
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return std::unique_ptr<PassiveLiveness>(new PassiveLiveness(std::move(net), options));
    } catch (const cv::Exception& e) {
        return Error{"liveness model could not be loaded: " + options.model_path + ": " + e.what()};
    }
}

Result<double> PassiveLiveness::score(const cv::Mat& bgr, const FaceDetection& face) {
    if (bgr.empty() || bgr.type() != CV_8UC3) return Error{"liveness check needs a BGR 8-bit image"};
    // Enlarge the box around its centre (as the model was trained), shifting it to stay inside the image.
    const double W = bgr.cols, H = bgr.rows;
    const double bw = face.box.width, bh = face.box.height;
    if (bw <= 1 || bh <= 1) return Error{"face box is empty"};
    const double s = std::min({(H - 1) / bh, (W - 1) / bw, options_.crop_scale});
    const double nw = bw * s, nh = bh * s;
    const double cx = face.box.x + bw / 2, cy = face.box.y + bh / 2;
    double x0 = cx - nw / 2, y0 = cy - nh / 2;
    x0 = std::clamp(x0, 0.0, W - 1 - nw);
    y0 = std::clamp(y0, 0.0, H - 1 - nh);
    const cv::Rect roi =
        cv::Rect(cvRound(x0), cvRound(y0), cvRound(nw), cvRound(nh)) & cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (roi.area() <= 0) return Error{"face is outside the image"};
    try {
        cv::Mat crop;
        cv::resize(bgr(roi), crop, cv::Size(128, 128), 0, 0, cv::INTER_LINEAR);
        cv::Mat blob =
            cv::dnn::blobFromImage(crop, options_.scale, cv::Size(128, 128), cv::Scalar(), options_.swap_rb);
        crop.setTo(cv::Scalar::all(0));
        net_.setInput(blob);
        cv::Mat out = net_.forward().reshape(1, 1);
        blob.setTo(cv::Scalar::all(0));
        if (options_.live_class < 0 || options_.live_class >= out.cols) {
            return Error{"liveness model has " + std::to_string(out.cols) +
                         " outputs; live_class is out of range"};
        }
        double mx = -1e30;
        for (int i = 0; i < out.cols; ++i)
            mx = std::max(mx, static_cast<double>(out.at<float>(0, i)));
        double sum = 0.0;
        for (int i = 0; i < out.cols; ++i)
            sum += std::exp(out.at<float>(0, i) - mx);
        return std::exp(out.at<float>(0, options_.live_class) - mx) / sum;
    } catch (const cv::Exception& e) {
        return Error{std::string("liveness check failed: ") + e.what()};
    }
}

// [SECTION] Challenge-response
std::string_view to_string(ChallengeStep s) {
    switch (s) {
        case ChallengeStep::Blink:
            return "blink";
        case ChallengeStep::TurnLeft:
            return "turn_left";
        case ChallengeStep::TurnRight:
            return "turn_right";
    }
    return "unknown";
}

std::string_view to_string(ChallengeOutcome o) {
    switch (o) {
        case ChallengeOutcome::InProgress:
            return "in_progress";
        case ChallengeOutcome::Passed:
            return "passed";
        case ChallengeOutcome::Failed:
            return "failed";
        case ChallengeOutcome::TimedOut:
            return "timed_out";
    }
    return "unknown";
}

ChallengeTracker::ChallengeTracker(std::vector<ChallengeStep> steps, ChallengeOptions options)
    : steps_(std::move(steps)), options_(options) {
    if (steps_.empty()) steps_.push_back(ChallengeStep::Blink);
}

std::vector<ChallengeStep> ChallengeTracker::random_steps(std::mt19937_64& rng) {
    std::bernoulli_distribution coin(0.5);
    const ChallengeStep turn = coin(rng) ? ChallengeStep::TurnLeft : ChallengeStep::TurnRight;
    if (coin(rng)) return {ChallengeStep::Blink, turn};
    return {turn, ChallengeStep::Blink};
}

ChallengeOutcome ChallengeTracker::feed(const FaceDetection* face, std::chrono::steady_clock::time_point t) {
    if (outcome_ != ChallengeOutcome::InProgress) return outcome_;
    if (!started_) {
        started_ = true;
        start_ = t;
    }
    if (t - start_ > options_.timeout) {
        outcome_ = ChallengeOutcome::TimedOut;
        failure_ = "the challenge was not completed in time";
        return outcome_;
    }
    if (face == nullptr) {
        held_ = 0;
        return outcome_;
    }
    const double ear = eye_aspect_ratio(*face);
    const double yaw = yaw_ratio(*face);
    if (baseline_n_ < options_.baseline_frames) {
        // Baseline: open eyes, roughly frontal. Frames with closed eyes or a turned head do not count.
        if (std::abs(yaw) < options_.yaw_turn && ear > 0.15) {
            ear0_ = (ear0_ * baseline_n_ + ear) / (baseline_n_ + 1);
            yaw0_ = (yaw0_ * baseline_n_ + yaw) / (baseline_n_ + 1);
            ++baseline_n_;
        }
        return outcome_;
    }
    const double dyaw = yaw - yaw0_;
    const ChallengeStep step = steps_[index_];
    bool done = false;
    switch (step) {
        case ChallengeStep::Blink:
            if (ear < ear0_ * options_.ear_closed_ratio) {
                eyes_closed_seen_ = true;
            } else if (eyes_closed_seen_ && ear > ear0_ * options_.ear_reopen_ratio) {
                done = true;
            }
            break;
        case ChallengeStep::TurnLeft:
        case ChallengeStep::TurnRight: {
            const double sign = step == ChallengeStep::TurnLeft ? 1.0 : -1.0;  // yaw > 0: patient's left
            if (sign * dyaw < -options_.yaw_wrong_way) {
                outcome_ = ChallengeOutcome::Failed;
                failure_ = "the head turned the other way than asked";
                return outcome_;
            }
            held_ = sign * dyaw > options_.yaw_turn ? held_ + 1 : 0;
            done = held_ >= options_.hold_frames;
            break;
        }
    }
    if (done) {
        ++index_;
        eyes_closed_seen_ = false;
        held_ = 0;
        if (index_ >= steps_.size()) outcome_ = ChallengeOutcome::Passed;
    }
    return outcome_;
}

}  // namespace uk::face
