// Embedder: turns a detected face into a template; distance() compares two templates from the same embedder
// (smaller is more alike). The model and its threshold are configuration (FaceConfig).
// Implementations: dlib's ResNet built from face-api's TensorFlow.js tensors (resnet_embedder.h), the
// faceplugin ArcFace-style ONNX network (arcface_embedder.h), and a fusion of the two (fusion_embedder.h).
// Thread safety: one instance per thread.
#pragma once

#include <opencv2/core.hpp>

#include <string>

#include "kiosk/core/result.h"
#include "kiosk/face/types.h"

namespace uk::face {

class Embedder {
  public:
    virtual ~Embedder() = default;
    virtual std::string name() const = 0;
    // `bgr` is the whole image the detection came from.
    virtual Result<Embedding> embed(const cv::Mat& bgr, const FaceDetection& face) = 0;
    virtual double distance(const Embedding& a, const Embedding& b) const = 0;
};

// Shared metrics.
double euclidean_distance(const Embedding& a, const Embedding& b);
double cosine_distance(const Embedding& a, const Embedding& b);  // 1 - cos(a, b)

}  // namespace uk::face
