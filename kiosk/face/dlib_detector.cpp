// dlib's HOG face detector + 68-point shape predictor behind FaceFinder. One of the two files that include
// dlib.
#include <opencv2/imgproc.hpp>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wpedantic"
#endif
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <dlib/opencv/cv_image.h>
#include <dlib/serialize.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>

#include "kiosk/face/detector.h"

namespace uk::face {
namespace {

class DlibFinder final : public FaceFinder {
  public:
    DlibFinder(DlibFinderOptions options, dlib::shape_predictor sp)
        : options_(std::move(options)), detector_(dlib::get_frontal_face_detector()), sp_(std::move(sp)) {}

    Timings last_timings() const override { return timings_; }

    std::vector<FaceDetection> detect(const cv::Mat& bgr) override {
        timings_ = {};
        if (bgr.empty()) return {};
        cv::Mat grey;
        if (bgr.channels() == 3) {
            cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
        } else if (bgr.channels() == 4) {
            cv::cvtColor(bgr, grey, cv::COLOR_BGRA2GRAY);
        } else {
            grey = bgr;
        }
        auto faces = detect_grey(grey, 0, options_.detect_max_side);
        const int longer = std::max(grey.cols, grey.rows);
        if (faces.empty() && options_.retry_max_side > options_.detect_max_side &&
            options_.detect_max_side > 0 && longer > options_.detect_max_side) {
            faces = detect_grey(grey, 0, options_.retry_max_side);
        }
        if (faces.empty()) {
            // Tight crops (card photos, aligned chips) leave the HOG window no margin: retry with a border.
            const int pad = std::max(grey.cols, grey.rows) / 3;
            cv::Mat padded;
            cv::copyMakeBorder(grey, padded, pad, pad, pad, pad, cv::BORDER_REPLICATE);
            faces = detect_grey(padded, pad, options_.detect_max_side);
        }
        std::sort(faces.begin(), faces.end(),
                  [](const FaceDetection& a, const FaceDetection& b) { return a.box.area() > b.box.area(); });
        return faces;
    }

  private:
    std::vector<FaceDetection> detect_grey(const cv::Mat& grey, int offset, int max_side) {
        const int longer = std::max(grey.cols, grey.rows);
        double scale = 1.0;
        if (max_side > 0 && longer > max_side) {
            scale = static_cast<double>(max_side) / longer;
        } else if (options_.detect_min_side > 0 && longer < options_.detect_min_side) {
            scale = static_cast<double>(options_.detect_min_side) / longer;
        }
        cv::Mat small;
        if (scale != 1.0) {
            cv::resize(grey, small, cv::Size(), scale, scale,
                       scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);
        } else {
            small = grey;
        }
        if (!small.isContinuous()) small = small.clone();
        dlib::cv_image<unsigned char> dsmall(small);
        std::vector<dlib::rect_detection> dets;
        const auto t0 = std::chrono::steady_clock::now();
        detector_(dsmall, dets, options_.min_score);
        const auto t1 = std::chrono::steady_clock::now();
        timings_.detect_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();

        // Landmarks on the full-resolution image (enlarged for small ones, where the predictor does better).
        const cv::Mat& lm_img = scale > 1.0 ? small : grey;
        const double lm_scale = scale > 1.0 ? scale : 1.0;
        cv::Mat lm_cont = lm_img.isContinuous() ? lm_img : lm_img.clone();
        dlib::cv_image<unsigned char> dfull(lm_cont);

        std::vector<FaceDetection> out;
        out.reserve(dets.size());
        for (const auto& d : dets) {
            const double f = lm_scale / scale;  // detection coordinates -> landmark image coordinates
            dlib::rectangle r(std::lround(d.rect.left() * f), std::lround(d.rect.top() * f),
                              std::lround(d.rect.right() * f), std::lround(d.rect.bottom() * f));
            dlib::full_object_detection shape = sp_(dfull, r);
            if (shape.num_parts() != 68) continue;
            FaceDetection fd;
            const double back = 1.0 / lm_scale;
            fd.box = cv::Rect2f(static_cast<float>(r.left() * back - offset),
                                static_cast<float>(r.top() * back - offset),
                                static_cast<float>(r.width() * back), static_cast<float>(r.height() * back));
            for (unsigned long i = 0; i < 68; ++i) {
                fd.landmarks[i] = cv::Point2f(static_cast<float>(shape.part(i).x() * back - offset),
                                              static_cast<float>(shape.part(i).y() * back - offset));
            }
            fd.detector_score = d.detection_confidence;
            out.push_back(fd);
        }
        timings_.landmarks_ms +=
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();
        return out;
    }

    DlibFinderOptions options_;
    Timings timings_;
    dlib::frontal_face_detector detector_;
    dlib::shape_predictor sp_;
};

}  // namespace

Result<std::unique_ptr<FaceFinder>> make_dlib_finder(const DlibFinderOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(options.landmark_model, ec)) {
        return Error{"landmark model not found: " + options.landmark_model +
                     " (install libdlib-data or set the landmark model path)"};
    }
    dlib::shape_predictor sp;
    try {
        dlib::deserialize(options.landmark_model) >> sp;
    } catch (const std::exception& e) {
        return Error{"landmark model unreadable: " + options.landmark_model + ": " + e.what()};
    }
    if (sp.num_parts() != 68) {
        return Error{"landmark model " + options.landmark_model + " has " + std::to_string(sp.num_parts()) +
                     " points; 68 are needed"};
    }
    return std::unique_ptr<FaceFinder>(std::make_unique<DlibFinder>(options, std::move(sp)));
}

}  // namespace uk::face
