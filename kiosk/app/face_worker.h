// The face path's devices for the app: the camera (platform/camera), the face session (kiosk/face, its own
// worker thread) and the models it needs. Models load on a background thread at start-up (the kiosk shows
// its first frame meanwhile, and reports the camera available only once a verifier is ready); each capture
// gets a fresh verifier, prepared in the background after the previous one. Teardown of a session (which
// joins its thread) also happens off the UI thread.
//
// The UI thread calls poll() every frame: it copies the session's small state into the screen's FaceView,
// uploads the preview through `upload`, and posts the verdict once as a flow event.
#pragma once

#include <opencv2/core.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/app/event_inbox.h"
#include "kiosk/face/session.h"
#include "kiosk/face/verifier.h"
#include "kiosk/ui/screens.h"

namespace uk::app {

struct FaceWorkerOptions {
    face::FaceConfig config;
    std::string camera;            // device index/path or a video file / image-sequence pattern
    bool loop_clip = true;         // a recorded clip plays again from the start (demo)
    bool challenge = true;         // blink / turn prompts (off only for recorded clips in tests)
    bool passive_liveness = true;  // fr_liveness.onnx from the models folder, when present
    std::function<void(const std::string&)> log;
};

class FaceWorker {
  public:
    FaceWorker(FaceWorkerOptions options, EventInbox& inbox);
    ~FaceWorker();
    FaceWorker(const FaceWorker&) = delete;
    FaceWorker& operator=(const FaceWorker&) = delete;

    // UI thread. Starts a capture against the chip photo (moved in, wiped by the session once decoded).
    // Returns false (and the app tells the flow the camera is lost) when no verifier is ready.
    bool start(std::vector<std::uint8_t> card_photo, std::uint64_t epoch);
    void stop();
    // UI thread, every frame while capturing.
    void poll(ui::FaceView& view, const std::function<void*(const cv::Mat&)>& upload);
    bool active() const { return session_ != nullptr; }

  private:
    struct Running;
    void run();
    void post_verdict(const face::SessionState& s);
    FaceWorkerOptions options_;
    EventInbox& inbox_;
    std::unique_ptr<Running> session_;
    std::uint64_t epoch_ = 0;
    bool posted_ = false;

    std::mutex mu_;
    std::condition_variable cv_;
    std::unique_ptr<face::FaceVerifier> ready_;
    bool want_verifier_ = true;
    std::deque<std::unique_ptr<Running>> to_destroy_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace uk::app
