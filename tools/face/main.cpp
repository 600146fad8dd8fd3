// uketsuke-face: face verification and liveness from the command line, for facilities and tests (issue 5).
//
//   uketsuke-face [OPTIONS] verify IMAGE_A IMAGE_B     one JSON line: distance, threshold, match
//   uketsuke-face [OPTIONS] verify-pairs FILE          lines "IMAGE_A<TAB>IMAGE_B" -> one JSON line each, in
//   order uketsuke-face [OPTIONS] liveness CLIP              challenge-response + passive liveness on a
//   recorded clip
//
// An unreadable image or one without a face gives a JSON line with "error", never a crash. Images are read
// into memory only; nothing is written.
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kiosk/face/liveness.h"
#include "kiosk/face/verifier.h"

using namespace uk::face;

namespace {

constexpr const char* kUsage =
    "usage: uketsuke-face [OPTIONS] verify IMAGE_A IMAGE_B\n"
    "       uketsuke-face [OPTIONS] verify-pairs FILE        (lines: IMAGE_A<TAB>IMAGE_B)\n"
    "       uketsuke-face [OPTIONS] liveness CLIP\n"
    "options:\n"
    "  --models DIR          model folder from scripts/setup.d/10-models.sh (default: the repository's "
    "models/)\n"
    "  --embedder NAME       arcface (default), dlib_resnet or fusion\n"
    "  --threshold X         match when distance <= X (default: the embedder's, see docs/face.md)\n"
    "  --landmarks FILE      68-point dlib shape predictor (default: Debian's libdlib-data file, NOT for\n"
    "                        commercial use)\n"
    "  --grey                convert IMAGE_A to greyscale first (as the card's chip photo)\n"
    "  --liveness-model NAME fr_liveness (default) or minifas, with --liveness-path FILE\n"
    "  --steps LIST          liveness: the challenge, e.g. blink,turn_left (default: random, see --seed)\n"
    "  --seed N              liveness: seed of the random challenge\n"
    "  --fps X               liveness: frame rate when the clip does not say\n";

struct Options {
    FaceConfig config;
    bool grey = false;
    std::string liveness_model = "fr_liveness";
    std::string liveness_path;
    std::string steps;
    std::uint64_t seed = 0;
    double fps = 0.0;
};

void print(const nlohmann::json& j) {
    std::cout << j.dump() << std::endl;
}

nlohmann::json with_error(nlohmann::json j, const std::string& message) {
    j["error"] = message;
    return j;
}

int fail(nlohmann::json j, const std::string& message) {
    print(with_error(std::move(j), message));
    return 1;
}

nlohmann::json verify_one(FaceVerifier& v, const Options& o, const std::string& a, const std::string& b) {
    nlohmann::json j;
    j["image_a"] = a;
    j["image_b"] = b;
    auto ia = FaceVerifier::read_image(a);
    if (!ia) return with_error(j, ia.error());
    auto ib = FaceVerifier::read_image(b);
    if (!ib) return with_error(j, ib.error());
    if (o.grey) {
        cv::Mat g;
        cv::cvtColor(*ia, g, cv::COLOR_BGR2GRAY);
        cv::cvtColor(g, *ia, cv::COLOR_GRAY2BGR);
    }
    auto ea = v.embed_largest(*ia);
    if (!ea) return with_error(j, ea.error() + ": " + a);
    auto eb = v.embed_largest(*ib);
    if (!eb) return with_error(j, eb.error() + ": " + b);
    const MatchResult m = v.compare(*ea, *eb);
    j["distance"] = m.distance;
    j["threshold"] = m.threshold;
    j["match"] = m.match;
    j["embedder"] = v.embedder().name();
    return j;
}

std::vector<ChallengeStep> parse_steps(const std::string& s, std::string& error) {
    std::vector<ChallengeStep> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item == "blink")
            out.push_back(ChallengeStep::Blink);
        else if (item == "turn_left")
            out.push_back(ChallengeStep::TurnLeft);
        else if (item == "turn_right")
            out.push_back(ChallengeStep::TurnRight);
        else
            error = "unknown challenge step \"" + item + "\" (blink, turn_left, turn_right)";
    }
    return out;
}

int liveness(const Options& o, const std::string& clip) {
    nlohmann::json j;
    j["clip"] = clip;
    DlibFinderOptions fo;
    fo.landmark_model = o.config.landmark_model;
    fo.detect_max_side = o.config.detect_max_side;
    auto finder = make_dlib_finder(fo);
    if (!finder) return fail(j, finder.error());
    const std::string path =
        !o.liveness_path.empty() ? o.liveness_path : o.config.models_dir + "/faceplugin/fr_liveness.onnx";
    auto preset = passive_preset(o.liveness_model, path);
    if (!preset) return fail(j, preset.error());
    auto passive = PassiveLiveness::load(*preset);
    if (!passive) return fail(j, passive.error());

    std::vector<ChallengeStep> steps;
    std::uint64_t seed = o.seed;
    if (!o.steps.empty()) {
        std::string err;
        steps = parse_steps(o.steps, err);
        if (!err.empty()) return fail(j, err);
    } else {
        if (seed == 0) seed = std::random_device{}();
        std::mt19937_64 rng(seed);
        steps = ChallengeTracker::random_steps(rng);
        j["seed"] = seed;
    }
    cv::VideoCapture cap;
    try {
        cap.open(clip, cv::CAP_FFMPEG);
    } catch (const cv::Exception&) {
    }
    if (!cap.isOpened()) return fail(j, "cannot open clip " + clip);
    double fps = cap.get(cv::CAP_PROP_FPS);
    if (o.fps > 0) fps = o.fps;
    if (!(fps > 1 && fps < 240)) fps = 15.0;

    ChallengeTracker tracker(steps);
    const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    std::vector<double> scores;
    int frames = 0, with_face = 0;
    cv::Mat frame;
    while (cap.read(frame) && !frame.empty()) {
        const auto t = t0 + std::chrono::microseconds(static_cast<long long>(frames * 1e6 / fps));
        ++frames;
        auto faces = (*finder)->detect(frame);
        if (!faces.empty()) {
            ++with_face;
            if (auto s = (*passive)->score(frame, faces.front())) scores.push_back(*s);
        }
        if (tracker.feed(faces.empty() ? nullptr : &faces.front(), t) != ChallengeOutcome::InProgress) break;
    }
    frame.release();
    std::vector<std::string> names;
    for (auto s : steps)
        names.emplace_back(to_string(s));
    std::sort(scores.begin(), scores.end());
    const double passive_score = scores.empty() ? 0.0 : scores[scores.size() / 2];
    const bool challenge_ok = tracker.outcome() == ChallengeOutcome::Passed;
    const bool passive_ok = !scores.empty() && (*passive)->is_live(passive_score);
    j["frames"] = frames;
    j["frames_with_face"] = with_face;
    j["fps"] = fps;
    j["steps"] = names;
    j["steps_done"] = tracker.steps_done();
    j["challenge"] = tracker.outcome() == ChallengeOutcome::InProgress
                         ? "incomplete"
                         : std::string(to_string(tracker.outcome()));
    if (!tracker.failure().empty()) j["detail"] = tracker.failure();
    j["passive_score"] = passive_score;
    j["passive_live"] = passive_ok;
    j["live"] = challenge_ok && passive_ok;
    print(j);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    o.config.models_dir = UK_DEFAULT_MODELS_DIR;
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "uketsuke-face: " << a << " needs a value\n" << kUsage;
                std::exit(2);
            }
            return argv[++i];
        };
        try {
            if (a == "--models")
                o.config.models_dir = value();
            else if (a == "--embedder")
                o.config.embedder = value();
            else if (a == "--threshold")
                o.config.threshold = std::stod(value());
            else if (a == "--landmarks")
                o.config.landmark_model = value();
            else if (a == "--grey")
                o.grey = true;
            else if (a == "--liveness-model")
                o.liveness_model = value();
            else if (a == "--liveness-path")
                o.liveness_path = value();
            else if (a == "--steps")
                o.steps = value();
            else if (a == "--seed")
                o.seed = std::stoull(value());
            else if (a == "--fps")
                o.fps = std::stod(value());
            else if (a == "-h" || a == "--help")
                return std::cout << kUsage, 0;
            else if (a.rfind("--", 0) == 0)
                return std::cerr << "uketsuke-face: unknown option " << a << "\n" << kUsage, 2;
            else
                args.push_back(a);
        } catch (const std::exception&) {
            std::cerr << "uketsuke-face: bad value for " << a << "\n";
            return 2;
        }
    }
    if (args.empty()) return std::cerr << kUsage, 2;
    const std::string cmd = args[0];
    if (cmd == "liveness") {
        if (args.size() != 2) return std::cerr << kUsage, 2;
        return liveness(o, args[1]);
    }
    if (cmd != "verify" && cmd != "verify-pairs")
        return std::cerr << "uketsuke-face: unknown command " << cmd << "\n" << kUsage, 2;
    if ((cmd == "verify" && args.size() != 3) || (cmd == "verify-pairs" && args.size() != 2)) {
        return std::cerr << kUsage, 2;
    }
    auto v = FaceVerifier::create(o.config);
    if (!v) {
        print({{"error", v.error()}});
        return 1;
    }
    if (cmd == "verify") {
        const auto j = verify_one(**v, o, args[1], args[2]);
        print(j);
        return j.contains("error") ? 1 : 0;
    }
    std::ifstream in(args[1]);
    if (!in) {
        print({{"error", "cannot read pairs file " + args[1]}});
        return 1;
    }
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const auto tab = line.find('\t');
        if (tab == std::string::npos) {
            print({{"line", line_no},
                   {"error", "line " + std::to_string(line_no) + " has no TAB between two images"}});
            continue;
        }
        auto j = verify_one(**v, o, line.substr(0, tab), line.substr(tab + 1));
        j["line"] = line_no;
        print(j);
    }
    return 0;
}
