// OCR on the generated card-front set: for every condition (clean, perspective, blur, glare, low light,
// thumb) frames of fictional cards are read one frame at a time (no agreement between frames). A reading is
// either the exact 照合番号B or refused - never a wrong one - and the read rate of readable frames stays
// above its floor. Frames where glare or a thumb covers a field must be refused or exact too.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "kiosk/cardfront/reader.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

namespace uk::cardfront {
namespace {

using namespace std::chrono;

constexpr year_month_day kToday = year{2026} / November / 25;
constexpr int kPerCondition = 25;
// Per-frame floor. The camera path needs two agreeing frames out of a stream of ~5 per second, so a per-frame
// rate well under 100% still answers in time; what may never happen is a wrong reading (asserted as 0 below).
constexpr double kMinReadRate = 0.92;
constexpr double kMinReadRateBlur = 0.60;

struct Tally {
    int exact = 0, refused = 0, wrong = 0;
};

class OcrSet : public ::testing::TestWithParam<Condition> {
  protected:
    static void SetUpTestSuite() {
        auto r = FrontRenderer::create();
        ASSERT_TRUE(r.ok()) << r.error();
        renderer_ = std::move(*r).release();
        auto rd = CardFrontReader::create();
        ASSERT_TRUE(rd.ok()) << rd.error();
        reader_ = std::move(*rd).release();
    }
    static void TearDownTestSuite() {
        delete renderer_;
        delete reader_;
    }

    // Reads one frame; compares with the test PKI's 照合番号B for the same fields.
    static void read(const FrontFields& f, const Scene& s, Tally& t, const std::string& label) {
        const auto expected = pki::match_code_b(to_identity_spec(f));
        ASSERT_TRUE(expected.has_value());
        auto code = reader_->read_once(s.frame, kToday);
        if (!code) {
            ++t.refused;
            return;
        }
        std::string got;
        for (auto b : code->bytes())
            got.push_back(static_cast<char>(b));
        if (got == *expected) {
            ++t.exact;
        } else {
            ++t.wrong;
            // Fictional test data: printing it here is how a failure gets diagnosed.
            ADD_FAILURE() << label << ": a wrong 照合番号B was accepted: " << got << " instead of "
                          << *expected;
        }
    }

    static FrontRenderer* renderer_;
    static CardFrontReader* reader_;
};

FrontRenderer* OcrSet::renderer_ = nullptr;
CardFrontReader* OcrSet::reader_ = nullptr;

TEST_P(OcrSet, ReadableFramesAreExactOrRefusedAndMostlyExact) {
    const Condition c = GetParam();
    Tally t;
    for (int i = 0; i < kPerCondition; ++i) {
        const std::uint64_t seed =
            5000 + static_cast<std::uint64_t>(c) * 1000 + static_cast<std::uint64_t>(i);
        const FrontFields f = random_fields(seed, kToday);
        const Scene s = make_scene(renderer_->render(f), c, seed);
        ASSERT_TRUE(s.readable);
        read(f, s, t, std::string(condition_name(c)) + " #" + std::to_string(i));
    }
    const double rate = static_cast<double>(t.exact) / kPerCondition;
    RecordProperty("exact", t.exact);
    RecordProperty("refused", t.refused);
    RecordProperty("wrong", t.wrong);
    std::printf("[cardfront] %s: %d exact, %d refused, %d wrong of %d\n",
                std::string(condition_name(c)).c_str(), t.exact, t.refused, t.wrong, kPerCondition);
    EXPECT_EQ(t.wrong, 0);
    EXPECT_GE(rate, c == Condition::Blur ? kMinReadRateBlur : kMinReadRate);
}

INSTANTIATE_TEST_SUITE_P(Conditions, OcrSet, ::testing::ValuesIn(kConditions),
                         [](const ::testing::TestParamInfo<Condition>& p) {
                             return std::string(condition_name(p.param));
                         });

// Glare, thumbs and strong motion blur allowed over the fields: whatever is read is exact; covered fields are
// refused.
TEST_F(OcrSet, CoveredFieldsAreNeverReadWrong) {
    Tally t;
    int unreadable = 0;
    for (Condition c : {Condition::Glare, Condition::Thumb, Condition::Blur}) {
        for (int i = 0; i < 15; ++i) {
            const std::uint64_t seed =
                9000 + static_cast<std::uint64_t>(c) * 1000 + static_cast<std::uint64_t>(i);
            const FrontFields f = random_fields(seed, kToday);
            const Scene s = make_scene(renderer_->render(f), c, seed, SceneOptions{{1280, 720}, true});
            unreadable += !s.readable;
            read(f, s, t, std::string(condition_name(c)) + " covered #" + std::to_string(i));
        }
    }
    std::printf("[cardfront] covered: %d unreadable frames; %d exact, %d refused, %d wrong of 45\n",
                unreadable, t.exact, t.refused, t.wrong);
    EXPECT_GE(unreadable, 15);  // the generator did cover fields
    EXPECT_EQ(t.wrong, 0);
}

}  // namespace
}  // namespace uk::cardfront
