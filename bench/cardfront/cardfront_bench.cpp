// cardfront_bench: the camera path to 照合番号B on this machine, printed as one JSON object.
//   time_to_code: clips of a card being shown (tools/cardfront make_clip, 15 fps) played in real time against
//     the reader: the reader always takes the newest frame when it is free (latest-frame camera semantics),
//     and the time from the first frame with the whole card in view to the accepted reading (two agreeing
//     frames) is measured with the reader's real processing times. Also from the first steady frame.
//   read_rate: per-frame reads (read_once, no agreement between frames) of the generated set's readable
//   frames
//     by condition (exact / refused / wrong), with the time per frame of each condition.
//   covered: frames where glare, a thumb or strong motion blur may cover a field (allow_unreadable): every
//     reading must be exact or refused.
//   frame_ms: per-frame processing time (detection + warp + both recognisers + parse), all frames.
// Usage: cardfront_bench [--clips N] [--per-condition N] [--covered N]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kiosk/cardfront/reader.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

using namespace uk::cardfront;
using namespace std::chrono;
using Clock = steady_clock;

namespace {

constexpr year_month_day kToday = year{2026} / November / 25;

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return -1;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

nlohmann::json stats(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v)
        sum += x;
    return {{"n", v.size()},
            {"mean", v.empty() ? -1 : sum / static_cast<double>(v.size())},
            {"p50", percentile(v, 0.5)},
            {"p90", percentile(v, 0.9)},
            {"max", v.empty() ? -1 : *std::max_element(v.begin(), v.end())}};
}

std::string digits(const uk::MatchCodeB& c) {
    std::string s;
    for (auto b : c.bytes())
        s.push_back(static_cast<char>(b));
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    int clips = 8, per_condition = 20, covered = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--clips" && i + 1 < argc) {
            clips = std::atoi(argv[++i]);
        } else if (a == "--per-condition" && i + 1 < argc) {
            per_condition = std::atoi(argv[++i]);
        } else if (a == "--covered" && i + 1 < argc) {
            covered = std::atoi(argv[++i]);
        } else {
            std::cerr << "usage: cardfront_bench [--clips N] [--per-condition N] [--covered N]\n";
            return 2;
        }
    }
    auto renderer = FrontRenderer::create();
    if (!renderer) {
        std::cerr << renderer.error() << "\n";
        return 1;
    }
    const auto t_init = Clock::now();
    auto reader = CardFrontReader::create();
    if (!reader) {
        std::cerr << reader.error() << "\n";
        return 1;
    }
    const double init_ms = duration<double, std::milli>(Clock::now() - t_init).count();

    // [SECTION] Time from the card appearing to 照合番号B
    std::vector<double> from_appear, from_steady, frame_ms;
    int accepted = 0, wrong = 0, timed_out = 0;
    for (int k = 0; k < clips; ++k) {
        const std::uint64_t seed = 700 + static_cast<std::uint64_t>(k);
        const FrontFields f = random_fields(seed, kToday);
        const std::string expected = *uk::pki::match_code_b(to_identity_spec(f));
        const Clip clip = make_clip((*renderer)->render(f), seed);
        (*reader)->reset();
        // Virtual camera time: frame i is available from i / fps on. The reader starts when frame 0 arrives.
        double t = 0;
        bool done = false;
        while (!done) {
            const auto i = static_cast<std::size_t>(t * clip.fps);
            if (i >= clip.frames.size()) break;
            const auto t0 = Clock::now();
            const auto r = (*reader)->process(clip.frames[i], kToday);
            const double dt = duration<double>(Clock::now() - t0).count();
            frame_ms.push_back(dt * 1000);
            t += dt;
            // An idle reader waits for the next frame.
            t = std::max(t, static_cast<double>(i + 1) / clip.fps);
            if (r.accepted) {
                done = true;
                auto code = (*reader)->take();
                if (code && digits(*code) == expected) {
                    ++accepted;
                    from_appear.push_back(t - clip.appear / clip.fps);
                    from_steady.push_back(t - clip.steady / clip.fps);
                } else {
                    ++wrong;
                }
            }
        }
        if (!done) ++timed_out;
    }

    // [SECTION] Read rate by condition
    nlohmann::json rates = nlohmann::json::object();
    int all_exact = 0, all_total = 0, all_wrong = 0;
    for (Condition c : kConditions) {
        int exact = 0, refused = 0, bad = 0;
        std::vector<double> ms;
        for (int i = 0; i < per_condition; ++i) {
            const std::uint64_t seed =
                30000 + static_cast<std::uint64_t>(c) * 1000 + static_cast<std::uint64_t>(i);
            const FrontFields f = random_fields(seed, kToday);
            const Scene s = make_scene((*renderer)->render(f), c, seed);
            const auto t0 = Clock::now();
            auto code = (*reader)->read_once(s.frame, kToday);
            ms.push_back(duration<double, std::milli>(Clock::now() - t0).count());
            frame_ms.push_back(ms.back());
            if (!code) {
                ++refused;
            } else if (digits(*code) == *uk::pki::match_code_b(to_identity_spec(f))) {
                ++exact;
            } else {
                ++bad;
            }
        }
        rates[std::string(condition_name(c))] = {{"frames", per_condition},
                                                 {"exact", exact},
                                                 {"refused", refused},
                                                 {"wrong", bad},
                                                 {"read_rate", static_cast<double>(exact) / per_condition},
                                                 {"frame_ms", stats(ms)}};
        all_exact += exact;
        all_total += per_condition;
        all_wrong += bad;
    }
    rates["all"] = {{"frames", all_total},
                    {"exact", all_exact},
                    {"wrong", all_wrong},
                    {"read_rate", all_total ? static_cast<double>(all_exact) / all_total : 0}};

    // [SECTION] Covered fields: exact or refused
    nlohmann::json cov = nlohmann::json::object();
    int cov_wrong = 0;
    for (Condition c : {Condition::Glare, Condition::Thumb, Condition::Blur}) {
        int unreadable = 0, exact = 0, refused = 0, bad = 0;
        for (int i = 0; i < covered; ++i) {
            const std::uint64_t seed =
                60000 + static_cast<std::uint64_t>(c) * 1000 + static_cast<std::uint64_t>(i);
            const FrontFields f = random_fields(seed, kToday);
            const Scene s = make_scene((*renderer)->render(f), c, seed, SceneOptions{{1280, 720}, true});
            unreadable += !s.readable;
            auto code = (*reader)->read_once(s.frame, kToday);
            if (!code) {
                ++refused;
            } else if (digits(*code) == *uk::pki::match_code_b(to_identity_spec(f))) {
                ++exact;
            } else {
                ++bad;
            }
        }
        cov[std::string(condition_name(c))] = {{"frames", covered},
                                               {"unreadable", unreadable},
                                               {"exact", exact},
                                               {"refused", refused},
                                               {"wrong", bad}};
        cov_wrong += bad;
    }

    nlohmann::json out = {
        {"bench", "cardfront"},
        {"frame_size", "1280x720"},
        {"ocr_init_ms", init_ms},
        {"time_to_code_s",
         {{"goal_s", 1.5},
          {"clips", clips},
          {"accepted", accepted},
          {"wrong", wrong},
          {"not_accepted", timed_out},
          {"from_card_in_view", stats(from_appear)},
          {"from_card_steady", stats(from_steady)}}},
        {"frame_ms", stats(frame_ms)},
        {"read_rate", rates},
        {"covered", cov},
    };
    std::cout << out.dump() << "\n";
    return wrong == 0 && all_wrong == 0 && cov_wrong == 0 ? 0 : 1;
}
