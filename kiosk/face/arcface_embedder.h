// The ArcFace-style embedder of the npm package faceplugin-face-recognition-js 0.0.1 (model/fr_feature.onnx,
// MIT): 5-point similarity alignment to the ArcFace 112x112 template, input (x - 127.5) / 127.5 in BGR order,
// 512-d output. Runs in OpenCV 4.6's DNN module. Distance: 1 - cosine similarity.
#pragma once

#include <opencv2/dnn.hpp>

#include <memory>
#include <string>

#include "kiosk/face/embedder.h"

namespace uk::face {

class ArcfaceEmbedder final : public Embedder {
  public:
    static Result<std::unique_ptr<ArcfaceEmbedder>> load(const std::string& onnx_path);

    std::string name() const override { return "arcface"; }
    Result<Embedding> embed(const cv::Mat& bgr, const FaceDetection& face) override;
    double distance(const Embedding& a, const Embedding& b) const override { return cosine_distance(a, b); }

    // The aligned 112x112 BGR crop (for tests and the benchmark).
    static cv::Mat align(const cv::Mat& bgr, const FaceDetection& face);

  private:
    explicit ArcfaceEmbedder(cv::dnn::Net net) : net_(std::move(net)) {}
    cv::dnn::Net net_;
};

}  // namespace uk::face
