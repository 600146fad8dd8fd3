#include "kiosk/face/fusion_embedder.h"

#include <limits>

namespace uk::face {
namespace {
constexpr std::size_t kResnetDims = 128;

Embedding slice(const Embedding& e, std::size_t from, std::size_t to) {
    return Embedding(std::vector<float>(e.values().begin() + static_cast<std::ptrdiff_t>(from),
                                        e.values().begin() + static_cast<std::ptrdiff_t>(to)));
}
}  // namespace

Result<Embedding> FusionEmbedder::embed(const cv::Mat& bgr, const FaceDetection& face) {
    auto r = resnet_->embed(bgr, face);
    if (!r) return Error{r.error()};
    auto a = arcface_->embed(bgr, face);
    if (!a) return Error{a.error()};
    std::vector<float> v(r->values());
    v.insert(v.end(), a->values().begin(), a->values().end());
    return Embedding(std::move(v));
}

double FusionEmbedder::distance(const Embedding& a, const Embedding& b) const {
    if (a.size() != b.size() || a.size() <= kResnetDims) return std::numeric_limits<double>::infinity();
    const double dr = euclidean_distance(slice(a, 0, kResnetDims), slice(b, 0, kResnetDims));
    const double da = cosine_distance(slice(a, kResnetDims, a.size()), slice(b, kResnetDims, b.size()));
    return 0.5 * (dr / rs_ + da / as_);
}

}  // namespace uk::face
