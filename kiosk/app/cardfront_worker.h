// The card-front camera for the app: reads 照合番号B from the card front (kiosk/cardfront's CardFrontReader,
// Tesseract) on its own thread while the flow is in ReadingCardFront. The reader (slow to create: Tesseract
// loads its models) is made once at start-up and reused; the camera is opened per scan and closed right
// after, so the face capture that follows can open the same device.
//
// The UI thread calls poll() every frame while scanning (guidance, the card's outline, the preview) and
// take() once the flow, told by ev::CardFrontRead, asks for the code to unlock the photo. The code never
// leaves memory and is wiped on stop(), on wipe() and when the worker goes away.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kiosk/app/event_inbox.h"
#include "kiosk/core/secure.h"
#include "kiosk/ui/screens.h"
#include "tools/pki/pki.h"

namespace uk::app {

// The kiosk's local calendar date: the card prints dates in Japan's calendar day, and the plausibility checks
// of 照合番号B (read or typed) compare against it.
std::chrono::year_month_day local_today();

struct CardFrontWorkerOptions {
    std::string camera;     // device index/path, or a clip / image-sequence pattern (demo, tests)
    bool loop_clip = true;  // a clip plays again from the start
    // When set, runs on the worker's thread before anything else and gives the camera source (the demo
    // renders its card-front clip there, so the kiosk's first frame does not wait for it). "none": no camera.
    std::function<std::string()> prepare_camera;
    std::function<void(const std::string&)> log;
};

class CardFrontWorker {
  public:
    CardFrontWorker(CardFrontWorkerOptions options, EventInbox& inbox);
    ~CardFrontWorker();
    CardFrontWorker(const CardFrontWorker&) = delete;
    CardFrontWorker& operator=(const CardFrontWorker&) = delete;

    // UI thread: start reading (answers ev::CardFrontRead or ev::CardFrontFailed under `epoch`); stop()
    // closes the camera and drops whatever was read.
    void start(std::uint64_t epoch);
    void stop();
    // UI thread, every frame while scanning: guidance, outline and the preview (uploaded through `upload`).
    void poll(ui::CardFrontView& view, ui::FaceView& preview,
              const std::function<void*(const cv::Mat&)>& upload);
    // The accepted 照合番号B, once.
    std::optional<MatchCodeB> take();
    void wipe();

  private:
    void run();
    CardFrontWorkerOptions options_;
    EventInbox& inbox_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_thread_ = false;
    bool scanning_ = false;         // a scan is wanted
    std::uint64_t generation_ = 0;  // bumped by start() and stop(): a running scan ends when it changes
    std::uint64_t epoch_ = 0;
    // What the scan shows (written by the worker, read by poll()).
    std::string guidance_;
    std::optional<std::array<float, 8>> outline_;
    cv::Mat preview_;
    std::optional<MatchCodeB> code_;
    std::thread thread_;
};

// The demo: renders the simulated card's front (the fictional design of tools/cardfront, from the identity)
// once into <dir>/front-<identity>/ as a short image sequence of it being shown to a camera (a drawn card,
// not camera frames), for the card-front worker to read. Returns the sequence's pattern, or "none".
std::string write_demo_card_front_clip(const pki::IdentitySpec& spec, const std::filesystem::path& dir,
                                       const std::filesystem::path& card_photo,
                                       const std::function<void(const std::string&)>& log);

}  // namespace uk::app
