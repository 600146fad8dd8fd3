#include "kiosk/app/face_worker.h"

#include <opencv2/core.hpp>

#include <filesystem>

#include "kiosk/face/liveness.h"
#include "platform/camera/camera_source.h"

namespace uk::app {

namespace ev = checkin::ev;

struct FaceWorker::Running {
    std::unique_ptr<camera::CameraSource> camera;
    std::unique_ptr<face::FaceSession> session;
    ~Running() {
        // Session first (it reads from the camera), then the camera.
        if (session) session->cancel();
        session.reset();
        if (camera) camera->stop();
    }
};

FaceWorker::FaceWorker(FaceWorkerOptions options, EventInbox& inbox)
    : options_(std::move(options)), inbox_(inbox) {
    thread_ = std::thread([this] { run(); });
}

FaceWorker::~FaceWorker() {
    session_.reset();
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FaceWorker::run() {
    bool announced = false;
    for (;;) {
        std::unique_ptr<Running> victim;
        bool make = false;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !to_destroy_.empty() || (want_verifier_ && !ready_); });
            if (stop_) return;
            if (!to_destroy_.empty()) {
                victim = std::move(to_destroy_.front());
                to_destroy_.pop_front();
            } else {
                make = true;
            }
        }
        victim.reset();  // joins the session's thread here, not on the UI thread
        if (!make) continue;
        auto v = face::FaceVerifier::create(options_.config);
        std::lock_guard lock(mu_);
        if (!v) {
            want_verifier_ = false;
            if (options_.log) options_.log("face path off: " + v.error());
            inbox_.post(ev::CameraStatus{false});
            continue;
        }
        ready_ = std::move(*v);
        if (!announced) {
            announced = true;
            if (options_.log) options_.log("face path ready (camera " + options_.camera + ")");
            inbox_.post(ev::CameraStatus{true});
        }
    }
}

bool FaceWorker::start(std::vector<std::uint8_t> card_photo, std::uint64_t epoch) {
    stop();
    std::unique_ptr<face::FaceVerifier> verifier;
    {
        std::lock_guard lock(mu_);
        verifier = std::move(ready_);
        want_verifier_ = true;
    }
    cv_.notify_all();  // prepare the next one meanwhile
    if (!verifier) return false;
    std::unique_ptr<face::PassiveLiveness> passive;
    if (options_.passive_liveness) {
        std::string path = options_.config.models_dir + "/faceplugin/fr_liveness.onnx";
        if (std::filesystem::exists(path))
            if (auto preset = face::passive_preset("fr_liveness", path))
                if (auto p = face::PassiveLiveness::load(*preset)) passive = std::move(*p);
    }
    camera::CameraOptions co;
    co.source = options_.camera;
    co.loop = options_.loop_clip;
    face::SessionOptions so;
    so.challenge_enabled = options_.challenge;
    auto r = std::make_unique<Running>();
    r->camera = std::make_unique<camera::CameraSource>(co);
    r->session = std::make_unique<face::FaceSession>(std::move(verifier), std::move(passive), so);
    r->session->start(*r->camera, std::move(card_photo));
    session_ = std::move(r);
    epoch_ = epoch;
    posted_ = false;
    return true;
}

void FaceWorker::stop() {
    if (!session_) return;
    session_->session->cancel();
    {
        std::lock_guard lock(mu_);
        to_destroy_.push_back(std::move(session_));
    }
    cv_.notify_all();
}

void FaceWorker::post_verdict(const face::SessionState& s) {
    using face::Verdict;
    switch (s.verdict) {
        case Verdict::Match: {
            FaceEvidence e;
            e.distance = s.distance;
            e.threshold = s.threshold;
            e.model = options_.config.embedder;
            e.liveness_passed = true;
            e.liveness_challenge = options_.challenge ? "random" : "none";
            inbox_.post(ev::FaceMatched{e}, epoch_);
            break;
        }
        case Verdict::NoMatch:
        case Verdict::BadReference:
            inbox_.post(ev::FaceNotMatched{}, epoch_);
            break;
        case Verdict::LivenessFailed:
            inbox_.post(ev::LivenessFailed{}, epoch_);
            break;
        case Verdict::CameraLost:
            inbox_.post(ev::CameraLost{}, epoch_);
            break;
        case Verdict::TimedOut:  // the flow's own face_capture deadline says FaceTimeout
        case Verdict::Cancelled:
        case Verdict::None:
            break;
    }
    if (options_.log && s.verdict != Verdict::None)
        options_.log("face verdict " + std::string(face::to_string(s.verdict)) + " (" + s.detail + ")");
}

void FaceWorker::poll(ui::FaceView& view, const std::function<void*(const cv::Mat&)>& upload) {
    if (!session_) return;
    face::SessionState s = session_->session->state();
    view.guidance_key = "face.guidance." + std::string(face::to_string(s.guidance));
    view.challenge_key =
        s.prompt ? "face.challenge." + std::string(face::to_string(*s.prompt)) : std::string();
    view.progress = static_cast<float>(s.progress);
    cv::Mat frame = session_->session->preview();
    if (!frame.empty()) {
        cv::Mat mirrored;
        cv::flip(frame, mirrored, 1);  // a mirror, as people expect to see themselves
        view.preview_texture = upload(mirrored);
        view.preview_w = mirrored.cols;
        view.preview_h = mirrored.rows;
    }
    if (!posted_ && s.verdict != face::Verdict::None) {
        posted_ = true;
        post_verdict(s);
    }
}

}  // namespace uk::app
