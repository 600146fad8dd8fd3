// uketsuke-cardfront: writes fictional card fronts and the generated camera test set to a folder.
//   uketsuke-cardfront front --identity NAME | --seed N  --out FILE.png [--ppm 20]
//   uketsuke-cardfront set --out DIR [--count N] [--seed S] [--unreadable]   (N frames per condition +
//   index.json) uketsuke-cardfront clip --out DIR [--seed S]                              (frame_000.png ...
//   + clip.json)
// The images are test data of fictional people; the index carries the expected 照合番号B for each frame.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

namespace fs = std::filesystem;
using namespace uk::cardfront;

namespace {

int usage() {
    std::cerr << "usage: uketsuke-cardfront front (--identity NAME | --seed N) --out FILE.png [--ppm 20]\n"
                 "       uketsuke-cardfront set --out DIR [--count N] [--seed S] [--unreadable]\n"
                 "       uketsuke-cardfront clip --out DIR [--seed S]\n";
    return 2;
}

std::chrono::year_month_day today() {
    return std::chrono::year_month_day{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string cmd = argv[1];
    std::string out, identity;
    std::uint64_t seed = 1;
    int count = 20;
    double ppm = 20;
    bool unreadable = false;
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--out")
            out = next();
        else if (a == "--identity")
            identity = next();
        else if (a == "--seed")
            seed = std::strtoull(next().c_str(), nullptr, 10);
        else if (a == "--count")
            count = std::atoi(next().c_str());
        else if (a == "--ppm")
            ppm = std::atof(next().c_str());
        else if (a == "--unreadable")
            unreadable = true;
        else
            return usage();
    }
    if (out.empty()) return usage();
    auto renderer = FrontRenderer::create();
    if (!renderer) {
        std::cerr << "uketsuke-cardfront: " << renderer.error() << "\n";
        return 1;
    }
    auto fields_for = [&](std::uint64_t s) -> std::optional<FrontFields> {
        if (identity.empty()) return random_fields(s, today());
        for (const auto& id : uk::pki::default_identities()) {
            if (id.name == identity) return fields_from_identity(id);
        }
        return std::nullopt;
    };
    if (cmd == "front") {
        auto f = fields_for(seed);
        if (!f) {
            std::cerr << "uketsuke-cardfront: no identity named " << identity << "\n";
            return 1;
        }
        if (!cv::imwrite(out, (*renderer)->render(*f, {}, ppm))) {
            std::cerr << "uketsuke-cardfront: cannot write " << out << "\n";
            return 1;
        }
        return 0;
    }
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) {
        std::cerr << "uketsuke-cardfront: cannot create " << out << ": " << ec.message() << "\n";
        return 1;
    }
    if (cmd == "set") {
        nlohmann::json index = nlohmann::json::array();
        for (Condition c : kConditions) {
            for (int i = 0; i < count; ++i) {
                const std::uint64_t s = seed * 100000 + static_cast<std::uint64_t>(i);
                auto f = fields_for(s);
                if (!f) return 1;
                const auto scene =
                    make_scene((*renderer)->render(*f), c, s, SceneOptions{{1280, 720}, unreadable});
                char name[64];
                std::snprintf(name, sizeof name, "%s_%03d.jpg", std::string(condition_name(c)).c_str(), i);
                cv::imwrite((fs::path(out) / name).string(), scene.frame, {cv::IMWRITE_JPEG_QUALITY, 95});
                index.push_back({{"file", name},
                                 {"condition", condition_name(c)},
                                 {"readable", scene.readable},
                                 {"match_code_b", uk::pki::match_code_b(to_identity_spec(*f)).value_or("")}});
            }
        }
        std::ofstream(fs::path(out) / "index.json") << index.dump(1) << "\n";
        return 0;
    }
    if (cmd == "clip") {
        auto f = fields_for(seed);
        if (!f) return 1;
        const auto clip = make_clip((*renderer)->render(*f), seed);
        for (std::size_t i = 0; i < clip.frames.size(); ++i) {
            char name[64];
            std::snprintf(name, sizeof name, "frame_%03zu.jpg", i);
            cv::imwrite((fs::path(out) / name).string(), clip.frames[i], {cv::IMWRITE_JPEG_QUALITY, 95});
        }
        std::ofstream(fs::path(out) / "clip.json")
            << nlohmann::json{{"fps", clip.fps},
                              {"appear", clip.appear},
                              {"steady", clip.steady},
                              {"frames", clip.frames.size()},
                              {"match_code_b", uk::pki::match_code_b(to_identity_spec(*f)).value_or("")}}
                   .dump(1)
            << "\n";
        return 0;
    }
    return usage();
}
