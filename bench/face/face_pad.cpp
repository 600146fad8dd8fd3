// Passive liveness on the shared presentation-attack samples (../shared/data/pad): APCER (attacks accepted as
// live) and BPCER (real faces rejected) in ISO/IEC 30107-3 terms, with counts, for one model and its
// preprocessing. Prints one JSON line per set, plus one per image with --each.
//
// Usage: face_pad [--model PATH] [--crop-scale X] [--rgb 0|1] [--scale X] [--live-class N] [--threshold X]
// [--each]
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "kiosk/face/detector.h"
#include "kiosk/face/liveness.h"
#include "kiosk/face/verifier.h"
#include "tests/face/face_sets.h"

using namespace uk::face;

int main(int argc, char** argv) {
    const std::string shared = UK_SHARED_DIR "/data";
    PassiveLivenessOptions o;
    o.model_path = shared + "/models/faceplugin/fr_liveness.onnx";
    bool each = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--model")
            o.model_path = next();
        else if (a == "--crop-scale")
            o.crop_scale = std::stod(next());
        else if (a == "--rgb")
            o.swap_rb = next() == "1";
        else if (a == "--scale")
            o.scale = std::stod(next());
        else if (a == "--live-class")
            o.live_class = std::stoi(next());
        else if (a == "--threshold")
            o.threshold = std::stod(next());
        else if (a == "--each")
            each = true;
    }
    auto finder = make_dlib_finder({});
    auto live = PassiveLiveness::load(o);
    if (!finder || !live) {
        std::fprintf(stderr, "face_pad: %s\n", finder ? live.error().c_str() : finder.error().c_str());
        return 1;
    }
    struct Set {
        std::string name;
        std::vector<std::pair<std::string, bool>> files;  // path, is_attack
    };
    std::vector<Set> sets;
    {
        Set s{"silent-face-samples", {}};
        for (const char* f : {"image_F1.jpg", "image_F2.jpg"})
            s.files.emplace_back(shared + "/pad/silent-face-samples/" + f, true);
        s.files.emplace_back(shared + "/pad/silent-face-samples/image_T1.jpg", false);
        sets.push_back(s);
        Set p{"pourfard-benchmarks", {}};
        for (const auto& f : testing::sorted_entries(shared + "/pad/pourfard-benchmarks/fake", false))
            p.files.emplace_back(f, true);
        for (const auto& f : testing::sorted_entries(shared + "/pad/pourfard-benchmarks/real", false))
            p.files.emplace_back(f, false);
        sets.push_back(p);
    }
    for (const auto& s : sets) {
        int attacks = 0, attacks_accepted = 0, bona = 0, bona_rejected = 0, no_face = 0;
        for (const auto& [path, attack] : s.files) {
            auto img = FaceVerifier::read_image(path);
            if (!img) continue;
            auto faces = (*finder)->detect(*img);
            if (faces.empty()) {
                ++no_face;  // counted apart: no face means no verification at all
                if (each)
                    std::printf("{\"file\":\"%s\",\"attack\":%s,\"face\":false}\n", path.c_str(),
                                attack ? "true" : "false");
                continue;
            }
            auto sc = (*live)->score(*img, faces.front());
            if (!sc) continue;
            const bool pass = (*live)->is_live(*sc);
            if (attack) {
                ++attacks;
                attacks_accepted += pass;
            } else {
                ++bona;
                bona_rejected += !pass;
            }
            if (each)
                std::printf("{\"file\":\"%s\",\"attack\":%s,\"score\":%.4f}\n", path.c_str(),
                            attack ? "true" : "false", *sc);
        }
        nlohmann::json j;
        j["set"] = s.name;
        j["model"] = std::filesystem::path(o.model_path).filename().string();
        j["crop_scale"] = o.crop_scale;
        j["threshold"] = o.threshold;
        j["attacks"] = attacks;
        j["attacks_accepted"] = attacks_accepted;
        j["APCER"] = attacks ? static_cast<double>(attacks_accepted) / attacks : 0.0;
        j["bona_fide"] = bona;
        j["bona_fide_rejected"] = bona_rejected;
        j["BPCER"] = bona ? static_cast<double>(bona_rejected) / bona : 0.0;
        j["images_without_face"] = no_face;
        std::printf("%s\n", j.dump().c_str());
    }
    return 0;
}
