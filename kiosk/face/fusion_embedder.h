// Score-level fusion of dlib's ResNet and the ArcFace-style network: the template is both embeddings side by
// side, the distance is the mean of each model's distance divided by that model's own threshold, so 1.0 is
// the fused threshold's natural scale.
#pragma once

#include <memory>

#include "kiosk/face/arcface_embedder.h"
#include "kiosk/face/resnet_embedder.h"

namespace uk::face {

class FusionEmbedder final : public Embedder {
  public:
    FusionEmbedder(std::unique_ptr<ResnetEmbedder> resnet, double resnet_scale,
                   std::unique_ptr<ArcfaceEmbedder> arcface, double arcface_scale)
        : resnet_(std::move(resnet)), arcface_(std::move(arcface)), rs_(resnet_scale), as_(arcface_scale) {}

    std::string name() const override { return "fusion"; }
    Result<Embedding> embed(const cv::Mat& bgr, const FaceDetection& face) override;
    double distance(const Embedding& a, const Embedding& b) const override;

  private:
    std::unique_ptr<ResnetEmbedder> resnet_;
    std::unique_ptr<ArcfaceEmbedder> arcface_;
    double rs_, as_;
};

}  // namespace uk::face
