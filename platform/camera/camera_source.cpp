#include "platform/camera/camera_source.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace uk::camera {

namespace {
bool all_digits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}
}  // namespace

std::vector<CameraDevice> list_camera_devices(const std::filesystem::path& sysfs) {
    std::vector<CameraDevice> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(sysfs, ec)) {
        std::string node = e.path().filename().string();
        if (node.rfind("video", 0) != 0) continue;
        auto read_line = [&](const char* f) {
            std::ifstream in(e.path() / f);
            std::string s;
            std::getline(in, s);
            return s;
        };
        std::string index = read_line("index");
        if (!index.empty() && index != "0") continue;  // a metadata node of the same camera
        std::string name = read_line("name");
        out.push_back({"/dev/" + node, name.empty() ? node : name});
    }
    std::sort(out.begin(), out.end(), [](const CameraDevice& a, const CameraDevice& b) {
        // video2 before video10
        if (a.path.size() != b.path.size()) return a.path.size() < b.path.size();
        return a.path < b.path;
    });
    return out;
}

CameraSource::CameraSource(CameraOptions options) : options_(std::move(options)) {
    if (all_digits(options_.source)) {
        is_device_ = true;
        device_index_ = std::stoi(options_.source);
    } else {
        is_device_ = options_.source.rfind("/dev/", 0) == 0;
    }
    thread_ = std::thread([this] { run(); });
}

CameraSource::~CameraSource() {
    stop();
}

void CameraSource::stop() {
    stop_ = true;
    cv_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
    std::lock_guard lock(mu_);
    if (!latest_.empty()) latest_.setTo(cv::Scalar::all(0));
    latest_.release();
    if (state_ != face::SourceState::Gone && state_ != face::SourceState::Ended)
        state_ = face::SourceState::Stopped;
}

face::SourceState CameraSource::state() const {
    std::lock_guard lock(mu_);
    return state_;
}

std::string CameraSource::problem() const {
    std::lock_guard lock(mu_);
    return problem_;
}

void CameraSource::set_state(face::SourceState s, std::string problem) {
    {
        std::lock_guard lock(mu_);
        state_ = s;
        problem_ = std::move(problem);
    }
    cv_.notify_all();
}

std::optional<face::Frame> CameraSource::wait_newer(std::uint64_t after_seq,
                                                    std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    auto live = [&] {
        return state_ == face::SourceState::Starting || state_ == face::SourceState::Live ||
               state_ == face::SourceState::Reconnecting;
    };
    cv_.wait_for(lock, timeout, [&] { return seq_ > after_seq || !live() || stop_.load(); });
    if (seq_ <= after_seq || latest_.empty()) return std::nullopt;
    return face::Frame{latest_.clone(), seq_, captured_};
}

bool CameraSource::open(cv::VideoCapture& cap) {
    try {
        if (is_device_) {
            const bool ok = device_index_ >= 0 ? cap.open(device_index_, cv::CAP_V4L2)
                                               : cap.open(options_.source, cv::CAP_V4L2);
            if (ok) {
                cap.set(cv::CAP_PROP_FRAME_WIDTH, options_.width);
                cap.set(cv::CAP_PROP_FRAME_HEIGHT, options_.height);
                cap.set(cv::CAP_PROP_BUFFERSIZE, 1);
            }
            return ok && cap.isOpened();
        }
        // Files and image sequences: FFMPEG reads both (GStreamer lacks plugins on a minimal system).
        return cap.open(options_.source, cv::CAP_FFMPEG) && cap.isOpened();
    } catch (const cv::Exception&) {
        return false;
    }
}

void CameraSource::run() {
    cv::VideoCapture cap;
    cv::Mat frame, bgr;
    int failures = 0;
    bool ever_opened = false;
    auto next_due = std::chrono::steady_clock::now();
    std::chrono::microseconds period(0);
    while (!stop_) {
        if (!cap.isOpened()) {
            if (open(cap)) {
                failures = 0;
                ever_opened = true;
                double fps = options_.fps > 0 ? options_.fps : cap.get(cv::CAP_PROP_FPS);
                if (!(fps > 1.0 && fps < 240.0)) fps = 15.0;
                period = std::chrono::microseconds(static_cast<long long>(1e6 / fps));
                next_due = std::chrono::steady_clock::now();
                continue;
            }
            ++failures;
            const bool retry = is_device_ || options_.end_is_unplug;
            if (!retry || failures > options_.reconnect_attempts) {
                set_state(face::SourceState::Gone,
                          std::string(is_device_ ? "camera " : "video ") + options_.source +
                              (ever_opened ? " stopped delivering frames and could not be reopened"
                                           : " could not be opened") +
                              " (" + std::to_string(failures) + " attempts)");
                return;
            }
            set_state(ever_opened ? face::SourceState::Reconnecting : face::SourceState::Starting);
            std::unique_lock lock(mu_);
            cv_.wait_for(lock, options_.reconnect_interval, [&] { return stop_.load(); });
            continue;
        }
        bool got = false;
        try {
            got = cap.read(frame) && !frame.empty();
        } catch (const cv::Exception&) {
            got = false;
        }
        if (!got) {
            cap.release();
            if (!is_device_ && !options_.end_is_unplug) {
                if (options_.loop && ever_opened) continue;  // reopen from the start
                set_state(face::SourceState::Ended);
                return;
            }
            set_state(face::SourceState::Reconnecting);  // unplugged: the next pass tries to reopen
            continue;
        }
        if (frame.channels() == 1) {
            cv::cvtColor(frame, bgr, cv::COLOR_GRAY2BGR);
        } else if (frame.channels() == 4) {
            cv::cvtColor(frame, bgr, cv::COLOR_BGRA2BGR);
        } else {
            bgr = frame;
        }
        {
            std::lock_guard lock(mu_);
            bgr.copyTo(latest_);
            ++seq_;
            captured_ = std::chrono::steady_clock::now();
            state_ = face::SourceState::Live;
            problem_.clear();
        }
        cv_.notify_all();
        if (!is_device_ && options_.realtime) {
            next_due += period;
            std::unique_lock lock(mu_);
            cv_.wait_until(lock, next_due, [&] { return stop_.load(); });
        }
    }
    frame.setTo(cv::Scalar::all(0));
}

}  // namespace uk::camera
