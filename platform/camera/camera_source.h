// CameraSource: FrameSource over cv::VideoCapture. A device (index "0" or path "/dev/video0"), a video file
// (.avi/.mp4, for the demo and tests) or an image sequence ("frames/%04d.png").
//
// Its own capture thread keeps only the newest frame (latest-frame semantics). A device that stops delivering
// (unplugged) is reopened every reconnect_interval; after reconnect_attempts failures the state is Gone with
// a problem() sentence for staff. A file ends in Ended (or loops when asked). Frames never touch the disk.
// Thread safety: all methods may be called from any thread.
#pragma once

#include <opencv2/videoio.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/face/frame_source.h"

namespace uk::camera {

struct CameraOptions {
    std::string source = "0";  // device index, device path, video file or image-sequence pattern
    int width = 640;           // requested from devices
    int height = 480;
    bool loop = false;     // files: start again at the end (demo kiosk without a camera)
    bool realtime = true;  // files: deliver at the clip's frame rate, like a camera
    double fps = 0.0;      // files: override the clip's frame rate (0: use the clip's, or 15)
    // Treat the end of a file like an unplugged camera (tests of the reconnect path).
    bool end_is_unplug = false;
    std::chrono::milliseconds reconnect_interval{500};
    int reconnect_attempts = 6;  // then Gone
};

// The video capture devices the kernel lists (/sys/class/video4linux), by path, with their names; the
// metadata nodes a UVC camera adds beside its capture node (index 1) are left out. Sorted by path.
struct CameraDevice {
    std::string path;  // "/dev/video0"
    std::string name;  // "HD Pro Webcam C920"
};
std::vector<CameraDevice> list_camera_devices(const std::filesystem::path& sysfs = "/sys/class/video4linux");

class CameraSource final : public face::FrameSource {
  public:
    explicit CameraSource(CameraOptions options);  // starts the capture thread
    ~CameraSource() override;
    CameraSource(const CameraSource&) = delete;
    CameraSource& operator=(const CameraSource&) = delete;

    std::optional<face::Frame> wait_newer(std::uint64_t after_seq,
                                          std::chrono::milliseconds timeout) override;
    face::SourceState state() const override;
    std::string problem() const override;
    void stop() override;

    bool is_device() const { return is_device_; }

  private:
    void run();
    bool open(cv::VideoCapture& cap);
    void set_state(face::SourceState s, std::string problem = {});

    CameraOptions options_;
    bool is_device_ = false;
    int device_index_ = -1;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    cv::Mat latest_;
    std::uint64_t seq_ = 0;
    std::chrono::steady_clock::time_point captured_;
    face::SourceState state_ = face::SourceState::Starting;
    std::string problem_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace uk::camera
