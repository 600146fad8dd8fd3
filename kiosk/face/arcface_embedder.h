// The ArcFace-style embedder of the npm package faceplugin-face-recognition-js 0.0.1 (model/fr_feature.onnx,
// MIT): 5-point similarity alignment to the ArcFace 112x112 template, input (x - 127.5) / 127.5 in BGR order,
// 512-d output. Runs in OpenCV 4.6's DNN module. Distance: 1 - cosine similarity. By default the mirrored
// crop is embedded too and the two summed (test-time flip: fewer false rejects on the shared sets,
// docs/face.md).
#pragma once

#include <opencv2/dnn.hpp>

#include <memory>
#include <string>

#include "kiosk/face/embedder.h"

namespace uk::face {

class ArcfaceEmbedder final : public Embedder {
  public:
    static Result<std::unique_ptr<ArcfaceEmbedder>> load(const std::string& onnx_path, bool flip = true);

    std::string name() const override { return "arcface"; }
    Result<Embedding> embed(const cv::Mat& bgr, const FaceDetection& face) override;
    double distance(const Embedding& a, const Embedding& b) const override { return cosine_distance(a, b); }

    // The aligned 112x112 BGR crop (for tests and the benchmark).
    static cv::Mat align(const cv::Mat& bgr, const FaceDetection& face);

  private:
    ArcfaceEmbedder(cv::dnn::Net net, bool flip) : net_(std::move(net)), flip_(flip) {}
    cv::dnn::Net net_;
    bool flip_;
};

}  // namespace uk::face
