// Model comparison on every shared face set (docs/face.md tables): for dlib's ResNet, the ArcFace-style
// network and their fusion, the genuine and impostor distance distributions in three modes (colour vs colour,
// greyscale vs colour, card-like greyscale JPEG 2000 crop vs colour) and the false accepts / rejects at each
// model's threshold. Japanese set: one photo per actor, so genuine pairs are synthetic (card-like crop vs a
// mirrored, turned, darker copy of the same photo) and only bound FRR from below. Prints one JSON object per
// line.
//
// Usage: face_compare [SHARED_DATA_DIR] [MODELS_DIR] [--raw]
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

#include "kiosk/face/arcface_embedder.h"
#include "kiosk/face/detector.h"
#include "kiosk/face/resnet_embedder.h"
#include "kiosk/face/verifier.h"
#include "tests/face/face_sets.h"

using namespace uk::face;
using uk::face::testing::FaceSet;

namespace {

struct Emb {
    std::vector<float> resnet, arcface;
};
struct ImageEmb {
    std::optional<Emb> colour, grey, card, live_variant;
};

std::optional<Emb> embed_all(FaceFinder& finder, ResnetEmbedder& rn, ArcfaceEmbedder& af, const cv::Mat& img,
                             FaceDetection* found = nullptr) {
    auto faces = finder.detect(img);
    if (faces.empty()) return std::nullopt;
    if (found) *found = faces.front();
    auto r = rn.embed(img, faces.front());
    auto a = af.embed(img, faces.front());
    if (!r || !a) return std::nullopt;
    return Emb{r->values(), a->values()};
}

double dist(const std::string& model, const Emb& x, const Emb& y) {
    const double dr =
        euclidean_distance(Embedding(std::vector<float>(x.resnet)), Embedding(std::vector<float>(y.resnet)));
    const double da =
        cosine_distance(Embedding(std::vector<float>(x.arcface)), Embedding(std::vector<float>(y.arcface)));
    if (model == "dlib_resnet") return dr;
    if (model == "arcface") return da;
    return 0.5 * (dr / default_threshold("dlib_resnet") + da / default_threshold("arcface"));
}

nlohmann::json stats(const std::vector<double>& d, double threshold, bool genuine) {
    nlohmann::json j;
    j["n"] = d.size();
    if (d.empty()) return j;
    double s = 0;
    for (double x : d)
        s += x;
    j["min"] = *std::min_element(d.begin(), d.end());
    j["mean"] = s / static_cast<double>(d.size());
    j["max"] = *std::max_element(d.begin(), d.end());
    const auto errors =
        std::count_if(d.begin(), d.end(), [&](double x) { return genuine ? x > threshold : x <= threshold; });
    j[genuine ? "rejected" : "accepted"] = errors;
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string shared = argc > 1 ? argv[1] : UK_SHARED_DIR "/data";
    const std::string models = argc > 2 ? argv[2] : shared + "/models";
    const bool raw = argc > 3 && std::string(argv[3]) == "--raw";  // also print every distance
    auto finder = make_dlib_finder({});
    auto rn = ResnetEmbedder::load(models + "/dlib_resnet_v1_tfjs");
    auto af = ArcfaceEmbedder::load(models + "/faceplugin/fr_feature.onnx");
    if (!finder || !rn || !af) {
        std::fprintf(stderr, "face_compare: %s %s %s\n", finder ? "" : finder.error().c_str(),
                     rn ? "" : rn.error().c_str(), af ? "" : af.error().c_str());
        return 1;
    }
    const auto sets = uk::face::testing::shared_face_sets(shared + "/faces");
    for (const FaceSet& set : sets) {
        std::vector<ImageEmb> embs(set.images.size());
        int no_face = 0;
        for (std::size_t i = 0; i < set.images.size(); ++i) {
            auto img = FaceVerifier::read_image(set.images[i].path);
            if (!img) continue;
            FaceDetection f;
            embs[i].colour = embed_all(**finder, **rn, **af, *img, &f);
            if (!embs[i].colour) {
                std::fprintf(stderr, "face_compare: no face in %s\n", set.images[i].path.c_str());
                ++no_face;
                continue;
            }
            embs[i].grey = embed_all(**finder, **rn, **af, uk::face::testing::to_grey_bgr(*img));
            embs[i].card = embed_all(**finder, **rn, **af, uk::face::testing::card_like(*img, f));
            embs[i].live_variant = embed_all(**finder, **rn, **af, uk::face::testing::live_variant(*img));
        }
        std::vector<std::pair<std::size_t, std::size_t>> gen, imp;
        uk::face::testing::make_pairs(set, gen, imp);
        for (const std::string model : {"dlib_resnet", "arcface", "fusion"}) {
            const double t = default_threshold(model);
            for (const std::string mode : {"colour", "grey", "card"}) {
                std::vector<double> g, im;
                int skipped = 0;
                auto side_a = [&](const ImageEmb& e) -> const std::optional<Emb>& {
                    return mode == "colour" ? e.colour : mode == "grey" ? e.grey : e.card;
                };
                auto add = [&](std::vector<double>& out, std::size_t a, std::size_t b) {
                    const auto& x = side_a(embs[a]);
                    const auto& y = embs[b].colour;
                    if (x && y) {
                        out.push_back(dist(model, *x, *y));
                    } else {
                        ++skipped;
                    }
                };
                for (auto [a, b] : gen)
                    add(g, a, b);
                for (auto [a, b] : imp)
                    add(im, a, b);
                if (set.name == "japanese") {  // synthetic genuine: card-like (or mode) view vs live variant
                    for (const auto& e : embs) {
                        if (side_a(e) && e.live_variant)
                            g.push_back(dist(model, *side_a(e), *e.live_variant));
                    }
                }
                nlohmann::json j;
                j["set"] = set.name;
                j["model"] = model;
                j["mode"] = mode;
                j["threshold"] = t;
                j["images"] = set.images.size();
                j["images_without_face"] = no_face;
                j["pairs_skipped_no_face"] = skipped;
                j["genuine"] = stats(g, t, true);
                j["impostor"] = stats(im, t, false);
                if (raw) {
                    j["genuine_d"] = g;
                    j["impostor_d"] = im;
                }
                if (set.name == "japanese")
                    j["genuine_kind"] = "synthetic (same photo: card-like vs mirrored/turned/darker)";
                std::printf("%s\n", j.dump().c_str());
            }
        }
    }
    return 0;
}
