#include "kiosk/face/arcface_embedder.h"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <filesystem>

#include "kiosk/face/geometry.h"

namespace uk::face {

Result<std::unique_ptr<ArcfaceEmbedder>> ArcfaceEmbedder::load(const std::string& onnx_path, bool flip) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(onnx_path, ec)) {
        return Error{"ArcFace model not found: " + onnx_path + " (run scripts/setup.d/10-models.sh)"};
    }
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx_path);
        if (net.empty()) return Error{"ArcFace model could not be loaded: " + onnx_path};
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return std::unique_ptr<ArcfaceEmbedder>(new ArcfaceEmbedder(std::move(net), flip));
    } catch (const cv::Exception& e) {
        return Error{"ArcFace model could not be loaded: " + onnx_path + ": " + e.what()};
    }
}

cv::Mat ArcfaceEmbedder::align(const cv::Mat& bgr, const FaceDetection& face) {
    static const std::array<cv::Point2f, 5> kTemplate = {
        cv::Point2f(38.2946f, 51.6963f), cv::Point2f(73.5318f, 51.5014f), cv::Point2f(56.0252f, 71.7366f),
        cv::Point2f(41.5493f, 92.3655f), cv::Point2f(70.7299f, 92.2041f)};
    const auto pts = five_points(face);
    // Least-squares similarity transform (rotation, uniform scale, shift) from the 5 points to the template,
    // in complex form: w = a z + t with a = sum(conj(z_c) w_c) / sum(|z_c|^2).
    cv::Point2d zm(0, 0), wm(0, 0);
    for (std::size_t i = 0; i < 5; ++i) {
        zm += cv::Point2d(pts[i]);
        wm += cv::Point2d(kTemplate[i]);
    }
    zm *= 0.2;
    wm *= 0.2;
    double re = 0.0, im = 0.0, norm = 0.0;
    for (std::size_t i = 0; i < 5; ++i) {
        const cv::Point2d z = cv::Point2d(pts[i]) - zm;
        const cv::Point2d w = cv::Point2d(kTemplate[i]) - wm;
        re += z.x * w.x + z.y * w.y;
        im += z.x * w.y - z.y * w.x;
        norm += z.x * z.x + z.y * z.y;
    }
    if (norm <= 1e-9) return {};
    const double a = re / norm, b = im / norm;
    cv::Mat m =
        (cv::Mat_<double>(2, 3) << a, -b, wm.x - (a * zm.x - b * zm.y), b, a, wm.y - (b * zm.x + a * zm.y));
    cv::Mat crop;
    cv::warpAffine(bgr, crop, m, cv::Size(112, 112), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar::all(0));
    return crop;
}

Result<Embedding> ArcfaceEmbedder::embed(const cv::Mat& bgr, const FaceDetection& face) {
    if (bgr.empty() || bgr.type() != CV_8UC3) return Error{"ArcFace embedder needs a BGR 8-bit image"};
    cv::Mat crop = align(bgr, face);
    if (crop.empty()) return Error{"face could not be aligned"};
    try {
        std::vector<float> v;
        const int passes = flip_ ? 2 : 1;  // the mirrored crop too: sum of both embeddings
        for (int pass = 0; pass < passes; ++pass) {
            if (pass == 1) cv::flip(crop, crop, 1);
            cv::Mat blob =
                cv::dnn::blobFromImage(crop, 1.0 / 127.5, cv::Size(112, 112), cv::Scalar::all(127.5), false);
            net_.setInput(blob);
            cv::Mat out = net_.forward();
            blob.setTo(cv::Scalar::all(0));
            out = out.reshape(1, 1);
            if (v.empty()) {
                v.assign(out.begin<float>(), out.end<float>());
            } else {
                for (int k = 0; k < out.cols; ++k)
                    v[static_cast<std::size_t>(k)] += out.at<float>(0, k);
            }
            out.setTo(cv::Scalar::all(0));
        }
        crop.setTo(cv::Scalar::all(0));
        double n = 0.0;
        for (float x : v)
            n += static_cast<double>(x) * x;
        n = std::sqrt(n);
        if (n <= 0.0 || !std::isfinite(n)) return Error{"ArcFace produced an empty embedding"};
        for (float& x : v)
            x = static_cast<float>(x / n);
        return Embedding(std::move(v));
    } catch (const cv::Exception& e) {
        return Error{std::string("ArcFace embedding failed: ") + e.what()};
    }
}

}  // namespace uk::face
