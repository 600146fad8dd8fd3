#include "kiosk/face/session.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace uk::face {

std::string_view to_string(Phase p) {
    switch (p) {
        case Phase::Idle:
            return "idle";
        case Phase::Positioning:
            return "positioning";
        case Phase::Challenge:
            return "challenge";
        case Phase::Verifying:
            return "verifying";
        case Phase::Done:
            return "done";
    }
    return "unknown";
}

std::string_view to_string(Verdict v) {
    switch (v) {
        case Verdict::None:
            return "none";
        case Verdict::Match:
            return "match";
        case Verdict::NoMatch:
            return "no_match";
        case Verdict::LivenessFailed:
            return "liveness_failed";
        case Verdict::TimedOut:
            return "timed_out";
        case Verdict::CameraLost:
            return "camera_lost";
        case Verdict::BadReference:
            return "bad_reference";
        case Verdict::Cancelled:
            return "cancelled";
    }
    return "unknown";
}

FaceSession::FaceSession(std::unique_ptr<FaceVerifier> verifier, std::unique_ptr<PassiveLiveness> liveness,
                         SessionOptions options)
    : verifier_(std::move(verifier)), liveness_(std::move(liveness)), options_(options) {
    state_.threshold = verifier_->threshold();
}

FaceSession::~FaceSession() {
    cancel();
    if (worker_.joinable()) worker_.join();
}

void FaceSession::start(FrameSource& source, std::vector<std::uint8_t> card_photo) {
    if (worker_.joinable()) return;
    {
        std::lock_guard lock(mu_);
        state_.phase = Phase::Positioning;
    }
    worker_ = std::thread(
        [this, &source, photo = std::move(card_photo)]() mutable { run(source, std::move(photo)); });
}

void FaceSession::cancel() {
    cancel_ = true;
}

bool FaceSession::wait_done(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return done_cv_.wait_for(lock, timeout, [&] { return state_.phase == Phase::Done; });
}

SessionState FaceSession::state() const {
    std::lock_guard lock(mu_);
    return state_;
}

cv::Mat FaceSession::preview() const {
    std::lock_guard lock(mu_);
    return preview_.clone();
}

void FaceSession::publish(const SessionState& s, const cv::Mat* frame) {
    std::lock_guard lock(mu_);
    state_ = s;
    if (frame) frame->copyTo(preview_);
}

void FaceSession::finish(SessionState s) {
    s.phase = Phase::Done;
    s.prompt.reset();
    if (s.verdict == Verdict::Match) s.progress = 1.0;
    {
        std::lock_guard lock(mu_);
        state_ = s;
        if (!preview_.empty()) preview_.setTo(cv::Scalar::all(0));  // wipe the last frame
        preview_.release();
    }
    done_cv_.notify_all();
}

namespace {
double median(std::vector<double> v) {
    if (v.empty()) return -1.0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
}  // namespace

void FaceSession::run(FrameSource& source, std::vector<std::uint8_t> card_photo) {
    using clock = std::chrono::steady_clock;
    SessionState s;
    s.phase = Phase::Positioning;
    s.threshold = verifier_->threshold();

    auto reference = verifier_->reference_from_photo(card_photo);
    secure_wipe(card_photo.data(), card_photo.size());
    card_photo.clear();
    if (!reference) {
        s.verdict = Verdict::BadReference;
        s.detail = reference.error();
        finish(s);
        return;
    }
    Embedding ref = std::move(*reference);

    std::mt19937_64 rng(options_.seed ? options_.seed : std::random_device{}());
    std::optional<ChallengeTracker> challenge;
    std::vector<double> distances, live_scores;
    std::vector<double> pre_distances;
    int ok_run = 0, restarts = 0;
    clock::time_point lost_since{};
    bool lost = false;
    cv::Point2f last_centre;
    bool has_last_centre = false;
    std::uint64_t seq = 0;
    const auto t0 = clock::now();
    auto last_frame = t0;
    clock::time_point verify_start{};
    cv::Mat frame;

    while (true) {
        if (cancel_) {
            s.verdict = Verdict::Cancelled;
            break;
        }
        const auto now = clock::now();
        if (now - t0 > options_.overall_timeout) {
            s.verdict = Verdict::TimedOut;
            s.detail =
                "no verifiable face within " + std::to_string(options_.overall_timeout.count() / 1000) + " s";
            break;
        }
        auto f = source.wait_newer(seq, std::chrono::milliseconds(100));
        if (!f) {
            const SourceState st = source.state();
            const bool gone =
                st == SourceState::Gone || st == SourceState::Ended || st == SourceState::Stopped;
            if (gone || clock::now() - last_frame > options_.no_frame_timeout) {
                s.verdict = Verdict::CameraLost;
                s.guidance = Guidance::CameraUnavailable;
                s.detail = "camera " + std::string(to_string(st)) +
                           (source.problem().empty() ? std::string() : ": " + source.problem());
                break;
            }
            if (st == SourceState::Reconnecting) {
                s.guidance = Guidance::CameraUnavailable;
                publish(s, nullptr);
            }
            continue;
        }
        seq = f->seq;
        last_frame = clock::now();
        frame = std::move(f->bgr);
        ++s.frames;

        const auto faces = verifier_->finder().detect(frame);
        const QualityReport q = assess_quality(frame, faces, options_.quality);
        s.guidance = q.guidance;
        const bool good = q.guidance == Guidance::Ok;

        // Continuity: from the start of the challenge to the verdict the same face must stay in view. A face
        // lost for several frames, a second person, or a jump of the face between frames starts over with a
        // new challenge, so a challenge done by one face cannot be credited to a photo shown afterwards.
        if (s.phase == Phase::Challenge || s.phase == Phase::Verifying) {
            const bool single = faces.size() == 1 || (!faces.empty() && q.guidance != Guidance::SeveralFaces);
            bool broken = false;
            if (!single) {
                if (!lost) {
                    lost = true;
                    lost_since = f->captured;
                }
                broken = f->captured - lost_since > options_.max_lost;
            } else {
                lost = false;
                const cv::Point2f c(faces.front().box.x + faces.front().box.width / 2,
                                    faces.front().box.y + faces.front().box.height / 2);
                if (has_last_centre) {
                    const double jump = std::hypot(c.x - last_centre.x, c.y - last_centre.y);
                    broken = jump > options_.max_jump * faces.front().box.width;
                }
                last_centre = c;
                has_last_centre = true;
            }
            if (broken) {
                ++restarts;
                s.phase = Phase::Positioning;
                s.prompt.reset();
                s.progress = 0.0;
                challenge.reset();
                distances.clear();
                pre_distances.clear();
                live_scores.clear();
                ok_run = 0;
                lost = false;
                has_last_centre = false;
            }
        }
        if (s.phase == Phase::Positioning) {
            ok_run = good ? ok_run + 1 : 0;
            if (ok_run >= options_.ok_frames_to_start) {
                if (options_.challenge_enabled) {
                    s.phase = Phase::Challenge;
                    challenge.emplace(ChallengeTracker::random_steps(rng), options_.challenge);
                } else {
                    s.phase = Phase::Verifying;
                    verify_start = clock::now();
                }
            }
        }
        if (s.phase == Phase::Challenge) {
            // The face that does the challenge must itself match the card: one good frame before the first
            // step.
            if (good && pre_distances.empty()) {
                auto e = verifier_->embedder().embed(frame, faces.front());
                if (e) pre_distances.push_back(verifier_->compare(ref, *e).distance);
            }
            // One person only: a second face of similar size pauses the tracking (counts as no face).
            const bool single = !faces.empty() && q.guidance != Guidance::SeveralFaces;
            const ChallengeOutcome o = challenge->feed(single ? &faces.front() : nullptr, f->captured);
            s.prompt = challenge->has_baseline() ? std::optional(challenge->current_step()) : std::nullopt;
            s.progress = 0.7 * static_cast<double>(challenge->steps_done()) / challenge->step_count();
            if (o == ChallengeOutcome::Passed) {
                s.phase = Phase::Verifying;
                s.prompt.reset();
                verify_start = clock::now();
            } else if (o != ChallengeOutcome::InProgress) {
                s.verdict = Verdict::LivenessFailed;
                s.detail = "challenge " + std::string(to_string(o)) + ": " + challenge->failure();
                break;
            }
        } else if (s.phase == Phase::Verifying && good) {
            auto e = verifier_->embedder().embed(frame, faces.front());
            if (e) distances.push_back(verifier_->compare(ref, *e).distance);
            if (liveness_) {
                auto ls = liveness_->score(frame, faces.front());
                if (ls) live_scores.push_back(*ls);
            }
            s.progress = 0.7 + 0.3 * static_cast<double>(distances.size()) / options_.match_frames;
            if (static_cast<int>(distances.size()) >= options_.match_frames) {
                s.distance = median(distances);
                s.live_score = liveness_ ? median(live_scores) : -1.0;
                s.decision_ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - verify_start);
                if (liveness_ && !liveness_->is_live(s.live_score)) {
                    s.verdict = Verdict::LivenessFailed;
                    s.detail = "passive liveness check: presentation attack suspected";
                } else {
                    const bool pre_ok = !options_.challenge_enabled ||
                                        (!pre_distances.empty() && pre_distances.front() <= s.threshold);
                    s.verdict = s.distance <= s.threshold && pre_ok ? Verdict::Match : Verdict::NoMatch;
                    if (s.distance <= s.threshold && !pre_ok) {
                        s.detail = "the face during the challenge did not match the card photo";
                    }
                }
                break;
            }
        }
        publish(s, &frame);
    }
    ref.clear();
    std::fill(distances.begin(), distances.end(), 0.0);
    std::fill(pre_distances.begin(), pre_distances.end(), 0.0);
    if (restarts > 0 && s.detail.empty())
        s.detail = "challenge restarted " + std::to_string(restarts) + " times";
    if (!frame.empty()) frame.setTo(cv::Scalar::all(0));
    finish(s);
}

}  // namespace uk::face
