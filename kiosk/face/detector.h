// FaceFinder: finds faces and their 68 landmarks in a BGR image. The dlib implementation (HOG detector +
// shape predictor) lives in dlib_detector.cpp so that only that file includes dlib.
//
// The 68-point landmark model that Debian ships (libdlib-data,
// /usr/share/dlib/shape_predictor_68_face_landmarks.dat) was trained on iBUG 300-W, whose licence EXCLUDES
// COMMERCIAL USE: its path is configuration (FaceConfig). Thread safety: one instance per thread (detect()
// mutates scratch buffers).
#pragma once

#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/face/types.h"

namespace uk::face {

class FaceFinder {
  public:
    virtual ~FaceFinder() = default;
    // All faces, largest first. An empty vector means no face.
    virtual std::vector<FaceDetection> detect(const cv::Mat& bgr) = 0;
    // Time the last detect() spent finding boxes and placing landmarks (for the benchmark).
    struct Timings {
        double detect_ms = 0.0;
        double landmarks_ms = 0.0;
    };
    virtual Timings last_timings() const { return {}; }
};

struct DlibFinderOptions {
    std::string landmark_model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
    // The HOG detector finds faces of at least ~80 px; frames are scaled so that their longer side is at most
    // this many pixels before detection (0: never shrink). Small images (card photos) are enlarged to
    // min_side.
    int detect_max_side = 400;
    int detect_min_side = 320;
    // When nothing is found and the image is larger than detect_max_side, one more pass at up to this size
    // (small faces in large photos; too-far patients in camera frames). 0: no second pass.
    int retry_max_side = 1600;
    double min_score = -0.2;  // HOG score below which a detection is ignored
};

// Loads the landmark model (about 0.4 s). Error when the file is missing or unreadable.
Result<std::unique_ptr<FaceFinder>> make_dlib_finder(const DlibFinderOptions& options);

}  // namespace uk::face
