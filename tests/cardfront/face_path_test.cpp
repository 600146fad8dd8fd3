// The whole face path through the real stack: pcscd + vpcd + uketsuke-cardsim as the card, the card front
// read from a clip by the camera pipeline, the tries read first, 照合番号B VERIFYed once, the photo read and
// decoded, and the holder's face matched against it (and a stranger's not). Starts pcscd (RESOURCE_LOCK
// pcscd).
#include <gtest/gtest.h>

#include <chrono>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/card/mynumber_card.h"
#include "kiosk/cardfront/reader.h"
#include "kiosk/cardfront/unlock.h"
#include "kiosk/face/verifier.h"
#include "platform/pcsc/pcsc.h"
#include "tests/card/card_test_data.h"
#include "tests/card/pcscd_fixture.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

namespace uk::cardfront {
namespace {

using namespace std::chrono_literals;
using Status = PhotoUnlock::Status;

constexpr std::chrono::year_month_day kToday = std::chrono::year{2026} / std::chrono::November / 25;

pki::IdentitySpec spec_of(const std::string& name) {
    for (const auto& s : pki::default_identities()) {
        if (s.name == name) return s;
    }
    ADD_FAILURE() << "no identity " << name;
    return {};
}

class FacePath : public ::testing::Test {
  protected:
    void SetUp() override {
        auto p = cardtest::Pcscd::start();
        ASSERT_TRUE(p.ok()) << p.error();
        pcscd = std::move(p).value();
        auto r = FrontRenderer::create();
        ASSERT_TRUE(r.ok()) << r.error();
        renderer = std::move(*r);
        auto rd = CardFrontReader::create();
        ASSERT_TRUE(rd.ok()) << rd.error();
        reader = std::move(*rd);
    }
    std::unique_ptr<cardtest::SimCard> insert(const std::string& identity) {
        auto c = std::make_unique<cardtest::SimCard>(data.path(), identity, pcscd->port());
        EXPECT_TRUE(c->running());
        EXPECT_TRUE(cardtest::wait_card_state(true, 10s)) << c->log();
        return c;
    }
    // The front of `name` (with the holder's photo) shown to the camera in a clip; the accepted code.
    std::optional<MatchCodeB> read_front(const std::string& name, std::uint64_t seed) {
        const cv::Mat photo = cv::imread(cardtest::face_source_for(name).string());
        const Clip clip = make_clip(renderer->render(fields_from_identity(spec_of(name)), photo), seed);
        reader->reset();
        for (const auto& frame : clip.frames) {
            if (reader->process(frame, kToday).accepted) return reader->take();
        }
        return std::nullopt;
    }

    cardtest::DataDir data;
    std::unique_ptr<cardtest::Pcscd> pcscd;
    std::unique_ptr<FrontRenderer> renderer;
    std::unique_ptr<CardFrontReader> reader;
};

TEST_F(FacePath, FrontFromAClipUnlocksThePhotoAndTheHolderMatches) {
    auto card = insert("yamada-taro");
    auto code = read_front("yamada-taro", 5);
    ASSERT_TRUE(code.has_value()) << "the card front was not read from the clip";

    pcsc::PcscTransport transport("Uketsuke Test VPCD");
    card::MyNumberCard session(transport);
    const auto u = unlock_face_photo(session, *code);
    ASSERT_EQ(u.status, Status::Unlocked) << (u.error ? u.error->message : "");
    EXPECT_TRUE(code->empty());
    EXPECT_EQ(u.tries_left, 10);
    ASSERT_TRUE(u.photo.has_value());

    face::FaceConfig config;
    config.models_dir = UK_SHARED_DIR "/data/models";
    auto verifier = face::FaceVerifier::create(config);
    ASSERT_TRUE(verifier.ok()) << verifier.error();
    auto reference = (*verifier)->reference_from_photo(u.photo->jpeg2000);
    ASSERT_TRUE(reference.ok()) << reference.error();
    // The live frames: the holder (the photo the chip's was made from, in colour and full size) and a
    // stranger.
    auto holder = (*verifier)->embed_largest(cv::imread(cardtest::face_source_for("yamada-taro").string()));
    auto stranger =
        (*verifier)->embed_largest(cv::imread(cardtest::face_source_for("suzuki-hanako").string()));
    ASSERT_TRUE(holder.ok()) << holder.error();
    ASSERT_TRUE(stranger.ok()) << stranger.error();
    EXPECT_TRUE((*verifier)->compare(*reference, *holder).match);
    EXPECT_FALSE((*verifier)->compare(*reference, *stranger).match);
}

TEST_F(FacePath, AnotherPersonsFrontSpendsOneTryAndNeverTheSameDigitsTwice) {
    auto card = insert("sato-jiro");
    auto code = read_front("ito-yoko", 6);  // the wrong card's front in front of the camera
    ASSERT_TRUE(code.has_value());
    pcsc::PcscTransport transport("Uketsuke Test VPCD");
    card::MyNumberCard session(transport);
    const auto u = unlock_face_photo(session, *code);
    EXPECT_EQ(u.status, Status::WrongCode);
    EXPECT_EQ(u.tries_left, 9);
    EXPECT_TRUE(code->empty()) << "the digits are gone: a blind retry is impossible";
    EXPECT_EQ(*session.match_code_b_tries_left(), 9);
}

}  // namespace
}  // namespace uk::cardfront
