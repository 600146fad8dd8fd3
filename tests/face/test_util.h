// Helpers for the face tests: paths into ../shared/data, a temporary folder, clips written with
// cv::VideoWriter (MJPG .avi) and a synthetic 640x480 "camera frame" built from a photo. Test code only.
#pragma once

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kiosk/face/types.h"

namespace uk::face::testing {

inline const std::string kData = UK_SHARED_DIR "/data";
inline const std::string kFaces = kData + "/faces";
inline const std::string kModels = kData + "/models";

class TempDir {
  public:
    TempDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("uk_face_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::filesystem::path path_;
};

inline bool write_clip(const std::string& path, const std::vector<cv::Mat>& frames, double fps) {
    if (frames.empty()) return false;
    cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, frames.front().size());
    if (!w.isOpened()) return false;
    for (const auto& f : frames)
        w.write(f);
    return true;
}

// A 640x480 frame with the face of `photo` (box `face`) scaled to `face_width` px, its centre at `centre`.
inline cv::Mat compose_frame(const cv::Mat& photo, const FaceDetection& face, double face_width,
                             cv::Point2f centre = {320, 240}, cv::Size size = {640, 480}) {
    const double s = face_width / face.box.width;
    const cv::Point2f c(face.box.x + face.box.width / 2, face.box.y + face.box.height / 2);
    cv::Mat m = (cv::Mat_<double>(2, 3) << s, 0, centre.x - s * c.x, 0, s, centre.y - s * c.y);
    cv::Mat out;
    cv::warpAffine(photo, out, m, size, cv::INTER_AREA, cv::BORDER_CONSTANT, cv::Scalar(128, 128, 128));
    return out;
}

}  // namespace uk::face::testing
