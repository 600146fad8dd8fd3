#include "kiosk/face/verifier.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <iterator>
#include <vector>

#include "kiosk/face/arcface_embedder.h"
#include "kiosk/face/fusion_embedder.h"
#include "kiosk/face/resnet_embedder.h"

namespace uk::face {

namespace {
constexpr double kResnetThreshold = 0.38;   // docs/face.md: dlib's own 0.6 accepts most Japanese impostors
constexpr double kArcfaceThreshold = 0.45;  // cosine distance (1 - cos): cosine similarity >= 0.55
constexpr double kFusionThreshold = 1.0;    // mean of distance/threshold of both
}  // namespace

double default_threshold(const std::string& embedder) {
    if (embedder == "dlib_resnet") return kResnetThreshold;
    if (embedder == "fusion") return kFusionThreshold;
    return kArcfaceThreshold;
}

Result<std::unique_ptr<Embedder>> make_embedder(const FaceConfig& config) {
    const std::string resnet_dir = config.models_dir + "/dlib_resnet_v1_tfjs";
    const std::string arcface_path = config.models_dir + "/faceplugin/fr_feature.onnx";
    if (config.embedder == "dlib_resnet") {
        auto r = ResnetEmbedder::load(resnet_dir);
        if (!r) return Error{r.error()};
        return std::unique_ptr<Embedder>(std::move(*r));
    }
    if (config.embedder == "arcface") {
        auto a = ArcfaceEmbedder::load(arcface_path);
        if (!a) return Error{a.error()};
        return std::unique_ptr<Embedder>(std::move(*a));
    }
    if (config.embedder == "fusion") {
        auto r = ResnetEmbedder::load(resnet_dir);
        if (!r) return Error{r.error()};
        auto a = ArcfaceEmbedder::load(arcface_path);
        if (!a) return Error{a.error()};
        return std::unique_ptr<Embedder>(std::make_unique<FusionEmbedder>(std::move(*r), kResnetThreshold,
                                                                          std::move(*a), kArcfaceThreshold));
    }
    return Error{"unknown face embedder \"" + config.embedder + "\" (use arcface, dlib_resnet or fusion)"};
}

Result<std::unique_ptr<FaceVerifier>> FaceVerifier::create(const FaceConfig& config) {
    DlibFinderOptions fo;
    fo.landmark_model = config.landmark_model;
    fo.detect_max_side = config.detect_max_side;
    auto finder = make_dlib_finder(fo);
    if (!finder) return Error{finder.error()};
    auto embedder = make_embedder(config);
    if (!embedder) return Error{embedder.error()};
    const double t = config.threshold.value_or(default_threshold(config.embedder));
    if (!(t > 0.0) || t > 4.0) return Error{"face threshold out of range: " + std::to_string(t)};
    return std::make_unique<FaceVerifier>(std::move(*finder), std::move(*embedder), t);
}

Result<cv::Mat> FaceVerifier::decode(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return Error{"image is empty"};
    cv::Mat img;
    try {
        const cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<std::uint8_t*>(bytes.data()));
        img = cv::imdecode(buf, cv::IMREAD_COLOR);  // greyscale and JPEG 2000 come back as 3-channel BGR
    } catch (const cv::Exception& e) {
        return Error{std::string("image could not be decoded: ") + e.what()};
    }
    if (img.empty()) return Error{"image could not be decoded (not a JPEG, PNG or JPEG 2000 image?)"};
    return img;
}

Result<cv::Mat> FaceVerifier::read_image(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return Error{"cannot read image " + path};
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto img = decode(bytes);
    if (!img) return Error{img.error() + ": " + path};
    return img;
}

Result<Embedding> FaceVerifier::embed_largest(const cv::Mat& bgr, FaceDetection* found) {
    auto faces = finder_->detect(bgr);
    if (faces.empty()) return Error{"no face found"};
    if (found) *found = faces.front();
    return embedder_->embed(bgr, faces.front());
}

Result<Embedding> FaceVerifier::reference_from_photo(std::span<const std::uint8_t> bytes) {
    auto img = decode(bytes);
    if (!img) return Error{img.error()};
    auto e = embed_largest(*img);
    img->setTo(cv::Scalar::all(0));
    if (!e) return Error{"card photo: " + e.error()};
    return e;
}

MatchResult FaceVerifier::compare(const Embedding& reference, const Embedding& live) const {
    MatchResult r;
    r.distance = embedder_->distance(reference, live);
    r.threshold = threshold_;
    r.match = r.distance <= threshold_;
    return r;
}

}  // namespace uk::face
