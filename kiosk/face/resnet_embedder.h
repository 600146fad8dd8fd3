// dlib's face-recognition ResNet (29 conv layers, 128-d, 150x150 aligned RGB chip), built in dlib_resnet.cpp
// from the TensorFlow.js tensors that the npm package @vladmandic/face-api 1.7.15 ships
// (model/face_recognition_model.bin
// + face_recognition_model-weights_manifest.json: concatenated tensors, each uint8-quantized as q*scale+min
// or plain float32, conv filters HWIO). Our own loader fills dlib's `anet_type` layer by layer; no dlib .dat
// file is needed. Distance: Euclidean (dlib's published threshold 0.6 is far too loose on Japanese faces: see
// docs/face.md).
#pragma once

#include <memory>
#include <string>

#include "kiosk/face/embedder.h"

namespace uk::face {

class ResnetEmbedder final : public Embedder {
  public:
    // `model_dir` holds face_recognition_model.bin and face_recognition_model-weights_manifest.json.
    static Result<std::unique_ptr<ResnetEmbedder>> load(const std::string& model_dir);
    ~ResnetEmbedder() override;

    std::string name() const override { return "dlib_resnet"; }
    // Aligns like dlib (get_face_chip_details(shape, 150, 0.25)) and runs the network.
    Result<Embedding> embed(const cv::Mat& bgr, const FaceDetection& face) override;
    double distance(const Embedding& a, const Embedding& b) const override {
        return euclidean_distance(a, b);
    }

    // face-api.js's way for an already cropped face image: pad to a centred square with black, resize to
    // 150x150. Used to prove the loader against face-api's reference descriptors.
    Result<Embedding> embed_whole_image(const cv::Mat& bgr);

    struct Impl;

  private:
    explicit ResnetEmbedder(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace uk::face
