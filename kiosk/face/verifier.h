// FaceVerifier: the 1:1 check of a live face against the card's chip photo. Owns a FaceFinder and the
// configured Embedder; decodes the card photo with OpenCV (JPEG, PNG and JPEG 2000 via cv::imdecode;
// greyscale is fine). Templates stay in memory (Embedding wipes itself). Thread safety: one instance per
// thread.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "kiosk/core/result.h"
#include "kiosk/face/detector.h"
#include "kiosk/face/embedder.h"

namespace uk::face {

// Face configuration (the app's config file maps onto this; every field has a working default).
struct FaceConfig {
    std::string models_dir = "models";  // from scripts/setup.d/10-models.sh
    // Debian's libdlib-data model: NOT licensed for commercial use (iBUG 300-W). Point this at another
    // 68-point dlib shape predictor to replace it.
    std::string landmark_model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
    std::string embedder = "arcface";  // "arcface" (default), "dlib_resnet", "fusion"
    std::optional<double> threshold;   // distance at or below which two faces match; default per embedder
    int detect_max_side = 400;         // see DlibFinderOptions
};

// The default thresholds chosen in docs/face.md (on Japanese and western sets together).
double default_threshold(const std::string& embedder);

Result<std::unique_ptr<Embedder>> make_embedder(const FaceConfig& config);

struct MatchResult {
    double distance = 0.0;
    double threshold = 0.0;
    bool match = false;
};

class FaceVerifier {
  public:
    static Result<std::unique_ptr<FaceVerifier>> create(const FaceConfig& config);
    FaceVerifier(std::unique_ptr<FaceFinder> finder, std::unique_ptr<Embedder> embedder, double threshold)
        : finder_(std::move(finder)), embedder_(std::move(embedder)), threshold_(threshold) {}

    // Decodes an image file's bytes (card photo or a photo for the tool). Greyscale images come back as BGR.
    static Result<cv::Mat> decode(std::span<const std::uint8_t> bytes);
    static Result<cv::Mat> read_image(const std::string& path);

    // The template of the largest face in the image; errors name the problem ("no face found").
    Result<Embedding> embed_largest(const cv::Mat& bgr, FaceDetection* found = nullptr);
    Result<Embedding> reference_from_photo(std::span<const std::uint8_t> bytes);

    MatchResult compare(const Embedding& reference, const Embedding& live) const;

    FaceFinder& finder() { return *finder_; }
    Embedder& embedder() { return *embedder_; }
    double threshold() const { return threshold_; }

  private:
    std::unique_ptr<FaceFinder> finder_;
    std::unique_ptr<Embedder> embedder_;
    double threshold_;
};

}  // namespace uk::face
