// FrameSource: where live camera frames come from. The kiosk logic (FaceSession) depends only on this
// interface; platform/camera implements it over cv::VideoCapture (a device, a video file or an image
// sequence).
//
// Contract: latest-frame semantics. A source runs its own capture thread and keeps only the newest frame; a
// slow consumer skips frames instead of queueing them. Frames are BGR 8-bit and live only in memory. Thread
// safety: every method may be called from any thread.
#pragma once

#include <opencv2/core.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uk::face {

enum class SourceState {
    Starting,      // opening the device or file
    Live,          // frames are arriving
    Reconnecting,  // the device stopped delivering; trying to open it again
    Ended,         // a recorded clip reached its end (files and image sequences only)
    Gone,          // the device could not be opened or did not come back: show the PIN / staff fallback
    Stopped,       // stop() was called
};
std::string_view to_string(SourceState s);

struct Frame {
    cv::Mat bgr;            // owned copy, CV_8UC3
    std::uint64_t seq = 0;  // 1, 2, 3, ... in capture order (gaps when frames were skipped)
    std::chrono::steady_clock::time_point captured;
};

class FrameSource {
  public:
    virtual ~FrameSource() = default;
    // Waits up to `timeout` for a frame newer than `after_seq`. Returns nullopt on time-out or when the
    // source is no longer Live/Starting/Reconnecting and has nothing newer.
    virtual std::optional<Frame> wait_newer(std::uint64_t after_seq, std::chrono::milliseconds timeout) = 0;
    virtual SourceState state() const = 0;
    // A sentence for staff/IT when state() is Gone (device name and what failed); empty otherwise.
    virtual std::string problem() const = 0;
    virtual void stop() = 0;
};

}  // namespace uk::face
