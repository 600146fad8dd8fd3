// The tries-first guard around the 照合番号B VERIFY, on the card simulator through the in-process transport,
// and the front-to-photo path without a reader: a rendered front read by the camera pipeline unlocks the
// photo.
#include <gtest/gtest.h>

#include <chrono>

#include "kiosk/card/mynumber_card.h"
#include "kiosk/cardfront/reader.h"
#include "kiosk/cardfront/unlock.h"
#include "tests/card/card_test_data.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"
#include "tools/cardsim/in_process_transport.h"

namespace uk::cardfront {
namespace {

using cardsim::InProcessTransport;
using cardsim::SimulatedCard;
using Status = PhotoUnlock::Status;

MatchCodeB code_of(std::string_view digits) {
    MatchCodeB c;
    for (char d : digits)
        c.push(d);
    return c;
}

struct Rig {
    explicit Rig(cardsim::Identity id) : sim(std::move(id)), transport(sim), card(transport) {}
    SimulatedCard sim;
    InProcessTransport transport;
    card::MyNumberCard card;
    int tries() { return *card.match_code_b_tries_left(); }
};

class Unlock : public ::testing::Test {
  protected:
    cardtest::DataDir data;
    std::unique_ptr<Rig> rig(const std::string& name, int tries_left = 10) {
        auto id = data.identity(name);
        id.counters.match_code_b_tries_left = tries_left;
        return std::make_unique<Rig>(std::move(id));
    }
};

TEST_F(Unlock, RightCodeReadsThePhotoAndWipesTheCode) {
    auto r = rig("yamada-taro");
    auto code = code_of(r->sim.identity().match_code_b);
    const auto u = unlock_face_photo(r->card, code);
    ASSERT_EQ(u.status, Status::Unlocked) << (u.error ? u.error->message : "");
    EXPECT_TRUE(code.empty());
    ASSERT_TRUE(u.photo.has_value());
    ASSERT_TRUE(r->sim.identity().face_jp2.has_value());
    EXPECT_EQ(u.photo->jpeg2000, *r->sim.identity().face_jp2);
    EXPECT_EQ(u.tries_left, 10);
    EXPECT_EQ(r->tries(), 10);
}

TEST_F(Unlock, WrongCodeSpendsExactlyOneTryAndIsWiped) {
    auto r = rig("suzuki-hanako");
    auto code = code_of("00000000000000");
    const auto u = unlock_face_photo(r->card, code);
    EXPECT_EQ(u.status, Status::WrongCode);
    EXPECT_EQ(u.tries_left, 9);
    EXPECT_TRUE(code.empty());
    EXPECT_FALSE(u.photo.has_value());
    EXPECT_EQ(r->tries(), 9);
}

TEST_F(Unlock, AtThreeTriesLeftNoVerifyIsSent) {
    auto r = rig("yamada-taro", 3);
    auto code = code_of(r->sim.identity().match_code_b);  // even the right code is not risked
    const auto u = unlock_face_photo(r->card, code);
    EXPECT_EQ(u.status, Status::TriesTooLow);
    EXPECT_EQ(u.tries_left, 3);
    EXPECT_TRUE(code.empty());
    EXPECT_EQ(r->tries(), 3);
}

TEST_F(Unlock, NeverGoesBelowThreeTriesLeft) {
    auto r = rig("tanaka-ichiro", 4);
    auto wrong = code_of("11111111111111");
    EXPECT_EQ(unlock_face_photo(r->card, wrong).status, Status::WrongCode);
    EXPECT_EQ(r->tries(), 3);
    for (int i = 0; i < 3; ++i) {
        auto again = code_of("11111111111111");
        const auto u = unlock_face_photo(r->card, again);
        EXPECT_EQ(u.status, Status::TriesTooLow);
        EXPECT_EQ(r->tries(), 3);
    }
}

TEST_F(Unlock, RemovedCardIsACardFailureNotAWrongCode) {
    auto r = rig("yamada-taro");
    r->transport.remove();
    auto code = code_of(r->sim.identity().match_code_b);
    const auto u = unlock_face_photo(r->card, code);
    EXPECT_EQ(u.status, Status::CardFailed);
    ASSERT_TRUE(u.error.has_value());
    EXPECT_EQ(u.error->fault, CardFault::Removed);
    EXPECT_TRUE(code.empty());
}

// Every simulator identity: its rendered front, shown to the camera (clean scene), read by the pipeline,
// opens its own card's photo.
TEST_F(Unlock, FrontReadByTheCameraUnlocksEverySimulatorIdentity) {
    auto renderer = FrontRenderer::create();
    ASSERT_TRUE(renderer.ok()) << renderer.error();
    auto reader = CardFrontReader::create();
    ASSERT_TRUE(reader.ok()) << reader.error();
    const auto today = std::chrono::year{2026} / std::chrono::November / 25;
    int unlocked = 0;
    for (const auto& spec : pki::default_identities()) {
        auto r = rig(spec.name);
        const cv::Mat front = (*renderer)->render(fields_from_identity(spec));
        std::optional<MatchCodeB> code;
        for (std::uint64_t seed = 1; seed <= 4 && !code; ++seed) {
            auto c = (*reader)->read_once(make_scene(front, Condition::Clean, seed).frame, today);
            if (c) code = std::move(*c);
        }
        ASSERT_TRUE(code.has_value()) << spec.name << ": front not read in 4 frames";
        const auto u = unlock_face_photo(r->card, *code);
        EXPECT_EQ(u.status, Status::Unlocked) << spec.name;
        EXPECT_EQ(r->tries(), 10) << spec.name << ": a try was spent";
        unlocked += u.status == Status::Unlocked;
    }
    EXPECT_EQ(unlocked, 6);
}

}  // namespace
}  // namespace uk::cardfront
