// MyNumberCard against the simulator's card logic through the in-process transport: every operation the kiosk
// needs, the PIN rules, the fewest-APDU promise, and every injected fault ending in a clean typed error.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "kiosk/card/ids.h"
#include "kiosk/card/mynumber_card.h"
#include "tests/card/card_test_data.h"
#include "tools/cardsim/demo.h"
#include "tools/cardsim/in_process_transport.h"

namespace uk::card {
namespace {

using cardsim::Faults;
using cardsim::InProcessTransport;
using cardsim::SimulatedCard;

Pin pin_of(std::string_view digits) {
    Pin p;
    for (char c : digits)
        p.push(c);
    return p;
}

MatchCodeB code_of(std::string_view digits) {
    MatchCodeB p;
    for (char c : digits)
        p.push(c);
    return p;
}

class Session : public ::testing::Test {
  protected:
    cardtest::DataDir data;

    struct Rig {
        SimulatedCard card;
        InProcessTransport transport;
        MyNumberCard session;
        Rig(cardsim::Identity id, Faults f, CardOptions o = {})
            : card(std::move(id), std::move(f)), transport(card), session(transport, std::move(o)) {}
    };
    std::unique_ptr<Rig> rig(const std::string& name, Faults f = {}, CardOptions o = {}) {
        return std::make_unique<Rig>(data.identity(name), std::move(f), std::move(o));
    }
};

TEST_F(Session, ReadsTheUserAuthenticationCertificateInFourApdus) {
    auto r = rig("yamada-taro");
    auto cert = r->session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->serial_hex, "1001");
    EXPECT_NE(cert->issuer.find("CN=Uketsuke Test JPKI User Authentication CA"), std::string::npos);
    EXPECT_EQ(cert->subject, "CN=UKTEST00001001,C=JP");
    EXPECT_EQ(to_rfc3339(cert->not_after), "2030-03-31T14:59:59Z");
    EXPECT_EQ(cert->public_key_bits, 2048);
    EXPECT_EQ(cert->der, r->card.identity().auth_cert);
    EXPECT_EQ(r->session.apdu_count(), 4u);  // SELECT AP, SELECT EF, READ 256, READ rest
    auto again = r->session.read_auth_certificate();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(r->session.apdu_count(), 6u);  // read again (never cached), without re-selecting
}

TEST_F(Session, ShortReadsWhenTheCardRefusesExtendedLength) {
    Faults f;
    f.no_extended = true;
    auto r = rig("yamada-taro", f);
    auto cert = r->session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->der, r->card.identity().auth_cert);
    EXPECT_GT(r->session.apdu_count(), 5u);
}

TEST_F(Session, ReaderThatFailsExtendedApdusFallsBackToShortReads) {
    // A reader that cannot carry extended-length APDUs: the transport itself fails (no status word).
    SimulatedCard card(data.identity("yamada-taro"));
    InProcessTransport sim(card);
    FunctionTransport reader([&](ByteView cmd) -> CardResult<Bytes> {
        auto c = parse_command(cmd);
        if (c && c->extended) return make_error(CardFault::Transport, "reader: extended APDU not supported");
        return sim.transmit(cmd);
    });
    MyNumberCard s(reader);
    auto cert = s.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->der, card.identity().auth_cert);
    MatchCodeB code = code_of("60041220344821");
    ASSERT_TRUE(s.verify_match_code_b(code).ok());
    auto photo = s.read_face_photo();  // short reads from the start, no second VERIFY needed
    ASSERT_TRUE(photo.ok()) << photo.error().message;
    EXPECT_EQ(photo->jpeg2000, *card.identity().face_jp2);
}

TEST_F(Session, TriesLeftSpendsNoTry) {
    auto r = rig("yamada-taro");
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 3);
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 3);
    EXPECT_EQ(r->session.apdu_count(), 4u);  // SELECT AP, SELECT EF 0018, VERIFY, VERIFY (no re-select)
}

TEST_F(Session, RightPinUnlocksASignatureTheCertificateVerifies) {
    auto r = rig("yamada-taro");
    auto cert = r->session.read_auth_certificate();
    ASSERT_TRUE(cert.ok());
    Pin pin = pin_of("1234");
    auto v = r->session.verify_auth_pin(pin);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_TRUE(pin.empty());  // wiped once the APDU was built
    const Bytes challenge = bytes_of("reception challenge 7f3a-01");
    auto sig = r->session.sign_challenge(challenge);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->size(), 256u);
    EXPECT_TRUE(verify_signature(*cert, challenge, *sig));
    EXPECT_FALSE(verify_signature(*cert, bytes_of("another challenge"), *sig));
}

TEST_F(Session, SignatureBeforePinIsRefused) {
    auto r = rig("yamada-taro");
    auto sig = r->session.sign_challenge(bytes_of("x"));
    ASSERT_FALSE(sig.ok());
    EXPECT_EQ(sig.fault(), CardFault::SecurityNotSatisfied);
}

TEST_F(Session, WrongPinCountsDownAndIsPersisted) {
    auto r = rig("yamada-taro");
    Pin wrong = pin_of("9999");
    auto v = r->session.verify_auth_pin(wrong);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.fault(), CardFault::WrongPin);
    EXPECT_EQ(v.error().tries_left, 2);
    EXPECT_TRUE(wrong.empty());
    std::ifstream state(data.path() / "identities/yamada-taro/state.json");
    EXPECT_EQ(nlohmann::json::parse(state).at("auth_pin_tries_left"), 2);
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 2);
    Pin right = pin_of("1234");
    ASSERT_TRUE(r->session.verify_auth_pin(right).ok());
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 3);
}

TEST_F(Session, LastTryWrongBlocksThePin) {
    auto r = rig("suzuki-hanako");
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 1);
    Pin wrong = pin_of("0000");
    auto v = r->session.verify_auth_pin(wrong);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.fault(), CardFault::PinBlocked);
    EXPECT_EQ(v.error().tries_left, 0);
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 0);
    Pin right = pin_of("5678");
    auto again = r->session.verify_auth_pin(right);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.fault(), CardFault::PinBlocked);
    EXPECT_EQ(again.error().sw, 0x6983);
}

TEST_F(Session, BlockedIdentityStaysBlocked) {
    auto r = rig("tanaka-ichiro");
    EXPECT_EQ(*r->session.auth_pin_tries_left(), 0);
    Pin right = pin_of("2468");
    EXPECT_EQ(r->session.verify_auth_pin(right).fault(), CardFault::PinBlocked);
}

TEST_F(Session, ShortPinIsNeverSent) {
    auto r = rig("yamada-taro");
    Pin three = pin_of("123");
    auto v = r->session.verify_auth_pin(three);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(r->session.apdu_count(), 0u);
    EXPECT_TRUE(three.empty());
    EXPECT_EQ(r->card.identity().counters.auth_pin_tries_left, 3);
}

TEST_F(Session, FacePhotoNeedsMatchCodeBThenReadsTheChipPhoto) {
    auto r = rig("yamada-taro");
    auto locked = r->session.read_face_photo();
    ASSERT_FALSE(locked.ok());
    EXPECT_EQ(locked.fault(), CardFault::SecurityNotSatisfied);
    EXPECT_EQ(*r->session.match_code_b_tries_left(), 10);
    MatchCodeB wrong = code_of("60041220340000");
    auto w = r->session.verify_match_code_b(wrong);
    EXPECT_EQ(w.fault(), CardFault::WrongPin);
    EXPECT_EQ(w.error().tries_left, 9);
    MatchCodeB right = code_of("60041220344821");  // 昭和60-04-12, 2034, 4821
    ASSERT_TRUE(r->session.verify_match_code_b(right).ok());
    EXPECT_TRUE(right.empty());
    auto photo = r->session.read_face_photo();
    ASSERT_TRUE(photo.ok()) << photo.error().message;
    ASSERT_TRUE(r->card.identity().face_jp2.has_value());
    EXPECT_EQ(photo->jpeg2000, *r->card.identity().face_jp2);
    EXPECT_EQ(photo->info.components, 1);
    EXPECT_EQ(photo->info.width, 240u);
    EXPECT_EQ(photo->info.height, 320u);
}

TEST_F(Session, CertificateAndPhotoFromInsertionInTenApdus) {
    auto r = rig("yamada-taro");
    ASSERT_TRUE(r->session.read_auth_certificate().ok());
    MatchCodeB code = code_of("60041220344821");
    ASSERT_TRUE(r->session.verify_match_code_b(code).ok());
    ASSERT_TRUE(r->session.read_face_photo().ok());
    EXPECT_EQ(r->session.apdu_count(), 10u);
}

TEST_F(Session, T0StyleGetResponseChainsAreFollowed) {
    Faults f;
    f.t0_get_response = true;
    auto r = rig("kobayashi-rei", f);
    auto cert = r->session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->der, r->card.identity().auth_cert);
    MatchCodeB code = code_of("01050120308526");  // 令和元年 05-01
    ASSERT_TRUE(r->session.verify_match_code_b(code).ok());
    auto photo = r->session.read_face_photo();
    ASSERT_TRUE(photo.ok()) << photo.error().message;
    EXPECT_EQ(photo->jpeg2000, *r->card.identity().face_jp2);
}

TEST_F(Session, ExpiredAndRevokedCertificatesAreRecognised) {
    std::ifstream crl_file(data.path() / "ca/auth-ca.crl", std::ios::binary);
    const Bytes crl((std::istreambuf_iterator<char>(crl_file)), std::istreambuf_iterator<char>());
    const WallTime now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 25};
    auto expired = rig("sato-jiro")->session.read_auth_certificate();
    ASSERT_TRUE(expired.ok());
    auto e = check_validity(*expired, now);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->fault, CardFault::CertificateExpired);
    auto revoked = rig("ito-yoko")->session.read_auth_certificate();
    ASSERT_TRUE(revoked.ok());
    EXPECT_FALSE(check_validity(*revoked, now).has_value());
    EXPECT_TRUE(*is_revoked(*revoked, crl));
    auto valid = rig("yamada-taro")->session.read_auth_certificate();
    EXPECT_FALSE(*is_revoked(*valid, crl));
    EXPECT_FALSE(check_validity(*valid, now).has_value());
}

TEST_F(Session, RemovalMidReadIsACleanErrorAndANewCardStartsAfresh) {
    Faults f;
    f.remove_after = 3;  // after SELECT AP, SELECT EF, first READ BINARY
    auto r = rig("yamada-taro", f);
    auto cert = r->session.read_auth_certificate();
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.fault(), CardFault::Removed);
    r->card.faults().remove_after = 0;
    r->transport.insert();
    auto again = r->session.read_auth_certificate();
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->der, r->card.identity().auth_cert);
}

TEST_F(Session, GarbageAnswersAreUnreadable) {
    for (std::size_t from : {0u, 1u, 2u, 3u}) {
        Faults f;
        f.garbage_from = from;
        auto r = rig("yamada-taro", f);
        auto cert = r->session.read_auth_certificate();
        ASSERT_FALSE(cert.ok()) << from;
        EXPECT_EQ(cert.fault(), CardFault::Unreadable) << from << ": " << cert.error().message;
    }
}

TEST_F(Session, TruncatedAnswersAreUnreadable) {
    for (std::size_t from : {0u, 2u, 3u}) {
        Faults f;
        f.truncate_from = from;
        auto r = rig("yamada-taro", f);
        auto cert = r->session.read_auth_certificate();
        ASSERT_FALSE(cert.ok()) << from;
        EXPECT_EQ(cert.fault(), CardFault::Unreadable) << from;
    }
}

TEST_F(Session, UnexpectedStatusWordsBecomeTypedErrors) {
    struct Row {
        std::uint8_t ins;
        std::uint16_t sw;
        CardFault fault;
    };
    for (const Row& row :
         {Row{0xA4, 0x6A82, CardFault::Unreadable},  // no JPKI AP: not a My Number card
          Row{0xB0, 0x6F00, CardFault::Unreadable}, Row{0xB0, 0x6982, CardFault::SecurityNotSatisfied},
          Row{0xB0, 0x6B00, CardFault::Unreadable}}) {
        Faults f;
        f.force_sw[row.ins] = row.sw;
        auto r = rig("yamada-taro", f);
        auto cert = r->session.read_auth_certificate();
        ASSERT_FALSE(cert.ok());
        EXPECT_EQ(cert.fault(), row.fault) << std::hex << row.sw;
    }
    Faults f;
    f.force_sw[0x20] = 0x6A82;
    auto r = rig("yamada-taro", f);
    EXPECT_EQ(r->session.auth_pin_tries_left().fault(), CardFault::NotFound);
}

TEST_F(Session, SlowCardStillAnswers) {
    Faults f;
    f.delay = std::chrono::milliseconds(5);
    auto r = rig("yamada-taro", f);
    EXPECT_TRUE(r->session.read_auth_certificate().ok());
}

TEST_F(Session, LogLinesNeverCarryTheSecret) {
    std::vector<std::string> lines;
    CardOptions o;
    o.log = [&](const std::string& l) { lines.push_back(l); };
    auto r = rig("yamada-taro", {}, o);
    Pin pin = pin_of("1234");
    ASSERT_TRUE(r->session.verify_auth_pin(pin).ok());
    ASSERT_FALSE(lines.empty());
    for (const auto& l : lines) {
        EXPECT_EQ(l.find("31323334"), std::string::npos) << l;
        EXPECT_EQ(l.find("1234"), std::string::npos) << l;
    }
}

}  // namespace
}  // namespace uk::card

namespace uk::card {
namespace {

TEST(DemoCard, WorksWithoutSharedDataAndWithoutAPhoto) {
    const auto dir = std::filesystem::temp_directory_path() / ("uk-demo-card-" + std::to_string(::getpid()));
    auto demo = cardsim::open_demo_card(dir);
    ASSERT_TRUE(demo.ok()) << demo.error();
    MyNumberCard s(*demo->transport);
    auto cert = s.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    MatchCodeB code = code_of("60041220344821");
    ASSERT_TRUE(s.verify_match_code_b(code).ok());
    EXPECT_EQ(s.read_face_photo().fault(), CardFault::NotFound);
    auto missing = cardsim::open_demo_card(dir, "nobody");
    EXPECT_FALSE(missing.ok());
    auto bad_photo = cardsim::open_demo_card(dir, "yamada-taro", dir / "no-such-photo.png");
    EXPECT_FALSE(bad_photo.ok());
    std::filesystem::remove_all(dir);
}

TEST(DemoCard, TakesAPhotoByPath) {
    const auto dir = std::filesystem::temp_directory_path() / ("uk-demo-photo-" + std::to_string(::getpid()));
    auto demo = cardsim::open_demo_card(dir, "kobayashi-rei", cardtest::face_source_for("kobayashi-rei"));
    ASSERT_TRUE(demo.ok()) << demo.error();
    MyNumberCard s(*demo->transport);
    MatchCodeB code = code_of("01050120308526");
    ASSERT_TRUE(s.verify_match_code_b(code).ok());
    auto photo = s.read_face_photo();
    ASSERT_TRUE(photo.ok()) << photo.error().message;
    EXPECT_EQ(photo->info.components, 1);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace uk::card
