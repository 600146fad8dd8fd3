// CardFrontReader over frame sequences: a clip of a card being shown is accepted after it appears and gives
// the exact 照合番号B; acceptance needs two agreeing readings; a card leaving the view restarts the run;
// guidance for no card and a card too far away.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <opencv2/imgproc.hpp>

#include "kiosk/cardfront/reader.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

namespace uk::cardfront {
namespace {

using namespace std::chrono;

constexpr year_month_day kToday = year{2026} / November / 25;

std::string digits(const MatchCodeB& c) {
    std::string s;
    for (auto b : c.bytes())
        s.push_back(static_cast<char>(b));
    return s;
}

class Reader : public ::testing::Test {
  protected:
    void SetUp() override {
        auto r = FrontRenderer::create();
        ASSERT_TRUE(r.ok()) << r.error();
        renderer = std::move(*r);
        auto rd = CardFrontReader::create();
        ASSERT_TRUE(rd.ok()) << rd.error();
        reader = std::move(*rd);
    }
    // A clean frame of card `seed` that reads on its own (searching a few poses), with its expected code.
    std::pair<cv::Mat, std::string> readable_frame(std::uint64_t seed) {
        const FrontFields f = random_fields(seed, kToday);
        const cv::Mat front = renderer->render(f);
        for (std::uint64_t k = 0; k < 8; ++k) {
            Scene s = make_scene(front, Condition::Clean, seed * 31 + k);
            if (reader->read_once(s.frame, kToday).ok()) {
                return {s.frame, *pki::match_code_b(to_identity_spec(f))};
            }
        }
        ADD_FAILURE() << "no readable frame for seed " << seed;
        return {};
    }
    std::unique_ptr<FrontRenderer> renderer;
    std::unique_ptr<CardFrontReader> reader;
};

TEST_F(Reader, ClipIsAcceptedAfterTheCardAppearsWithTheExactCode) {
    for (std::uint64_t seed : {11u, 12u, 13u}) {
        const FrontFields f = random_fields(seed, kToday);
        const Clip clip = make_clip(renderer->render(f), seed);
        reader->reset();
        int accepted_at = -1;
        for (int i = 0; i < static_cast<int>(clip.frames.size()); ++i) {
            const auto r = reader->process(clip.frames[static_cast<std::size_t>(i)], kToday);
            if (i < clip.appear - 1) {
                EXPECT_EQ(r.guidance, Guidance::NoCard) << "frame " << i;
            }
            if (r.accepted) {
                accepted_at = i;
                break;
            }
        }
        ASSERT_GE(accepted_at, clip.appear)
            << "seed " << seed << ": not accepted, or before the card was in view";
        auto code = reader->take();
        ASSERT_TRUE(code.has_value());
        EXPECT_EQ(digits(*code), *pki::match_code_b(to_identity_spec(f))) << "seed " << seed;
        EXPECT_FALSE(reader->take().has_value()) << "take() gives the code once";
    }
}

TEST_F(Reader, AcceptanceNeedsTwoAgreeingReadings) {
    auto [a, code_a] = readable_frame(21);
    auto [b, code_b] = readable_frame(22);
    ASSERT_NE(code_a, code_b);
    EXPECT_FALSE(reader->process(a, kToday).accepted);
    EXPECT_FALSE(reader->process(b, kToday).accepted);  // a different reading restarts the run
    EXPECT_FALSE(reader->process(a, kToday).accepted);
    const auto r = reader->process(a, kToday);
    EXPECT_TRUE(r.accepted);
    EXPECT_EQ(r.guidance, Guidance::Done);
    auto code = reader->take();
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(digits(*code), code_a);
}

TEST_F(Reader, CardLeavingTheViewRestartsTheRun) {
    auto [a, code_a] = readable_frame(23);
    const cv::Mat empty(720, 1280, CV_8UC3, cv::Scalar(60, 70, 80));
    EXPECT_FALSE(reader->process(a, kToday).accepted);
    EXPECT_EQ(reader->process(empty, kToday).guidance, Guidance::NoCard);
    EXPECT_FALSE(reader->process(a, kToday).accepted);
    EXPECT_TRUE(reader->process(a, kToday).accepted);
    reader->reset();
    EXPECT_FALSE(reader->take().has_value()) << "reset() forgets the accepted code";
}

TEST_F(Reader, GuidanceForNoCardAndTooFar) {
    const cv::Mat empty(720, 1280, CV_8UC3, cv::Scalar(60, 70, 80));
    EXPECT_EQ(reader->process(empty, kToday).guidance, Guidance::NoCard);
    EXPECT_EQ(reader->process(cv::Mat(), kToday).guidance, Guidance::NoCard);
    // The same card at a quarter of the size in the middle of the frame.
    auto [a, code_a] = readable_frame(24);
    cv::Mat small, far(720, 1280, CV_8UC3, cv::Scalar(60, 70, 80));
    cv::resize(a, small, cv::Size(), 0.3, 0.3, cv::INTER_AREA);
    small.copyTo(far(cv::Rect(500, 250, small.cols, small.rows)));
    const auto r = reader->process(far, kToday);
    EXPECT_EQ(r.guidance, Guidance::TooFar);
    EXPECT_TRUE(r.outline.has_value());
    EXPECT_FALSE(r.read);
}

TEST_F(Reader, GreyAndOddFramesAreHandled) {
    auto [a, code_a] = readable_frame(25);
    cv::Mat grey, bgra;
    cv::cvtColor(a, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(a, bgra, cv::COLOR_BGR2BGRA);
    auto g = reader->read_once(grey, kToday);
    ASSERT_TRUE(g.ok()) << g.error();
    EXPECT_EQ(digits(*g), code_a);
    auto b = reader->read_once(bgra, kToday);
    ASSERT_TRUE(b.ok()) << b.error();
    EXPECT_EQ(digits(*b), code_a);
    EXPECT_FALSE(reader->read_once(cv::Mat(1, 1, CV_8UC3, cv::Scalar(0, 0, 0)), kToday).ok());
    EXPECT_FALSE(reader->read_once(cv::Mat(720, 1280, CV_16UC3, cv::Scalar(0, 0, 0)), kToday).ok());
    EXPECT_FALSE(reader->read_once(cv::Mat(720, 1280, CV_8UC2, cv::Scalar(0, 0)), kToday).ok());
}

}  // namespace
}  // namespace uk::cardfront
