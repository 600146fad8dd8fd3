// The card rules the law and our users rely on, as tests that can fail:
//  - nothing the kiosk does selects the 券面事項入力補助AP (the My Number) or the 住基AP, reads the My Number
//    image or verifies 照合番号A: every APDU of a full session is recorded and searched, in-process and
//    through real pcscd + vpcd;
//  - the allow-list holds whatever code asks, including raw transmits;
//  - a PIN or 照合番号B is never written anywhere: not in logs, not in recorded APDUs, not in files, and the
//    secret objects are empty after the VERIFY.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "kiosk/card/ids.h"
#include "kiosk/card/mynumber_card.h"
#include "platform/pcsc/pcsc.h"
#include "tests/card/card_test_data.h"
#include "tests/card/pcscd_fixture.h"
#include "tools/cardsim/in_process_transport.h"

namespace uk::card {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

template <class S>
S digits(std::string_view d) {
    S s;
    for (char c : d)
        s.push(c);
    return s;
}

bool contains(ByteView hay, ByteView needle) {
    if (needle.empty() || hay.size() < needle.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
        if (equal(hay.subspan(i, needle.size()), needle)) return true;
    }
    return false;
}

// Runs everything the check-in flow can ask of the card, PIN path and face path.
void full_session(MyNumberCard& s) {
    ASSERT_TRUE(s.read_auth_certificate().ok());
    ASSERT_TRUE(s.auth_pin_tries_left().ok());
    auto pin = digits<Pin>("1234");
    ASSERT_TRUE(s.verify_auth_pin(pin).ok());
    ASSERT_TRUE(s.sign_challenge(bytes_of("challenge")).ok());
    ASSERT_TRUE(s.match_code_b_tries_left().ok());
    auto code = digits<MatchCodeB>("60041220344821");
    ASSERT_TRUE(s.verify_match_code_b(code).ok());
    ASSERT_TRUE(s.read_face_photo().ok());
    auto wrong = digits<Pin>("9999");
    EXPECT_EQ(s.verify_auth_pin(wrong).fault(), CardFault::WrongPin);
}

void expect_only_allowed(const std::vector<Bytes>& commands) {
    ASSERT_FALSE(commands.empty());
    const ByteView kenhojo(kAidKenhojoForbidden);
    const ByteView juki(kAidJukiForbidden);
    for (const auto& c : commands) {
        EXPECT_FALSE(contains(c, kenhojo)) << to_hex(c);
        EXPECT_FALSE(contains(c, juki)) << to_hex(c);
        ASSERT_GE(c.size(), 4u);
        if (c[1] == ins::kSelect && c[2] == 0x04) {
            auto parsed = parse_command(c);
            ASSERT_TRUE(parsed.ok());
            // Exactly the JPKI or the card-face AID: no partial name that the card could complete to kenhojo
            // (the card-face AID shares its first 9 bytes with it).
            EXPECT_TRUE(ApplicationGuard::aid_allowed(parsed->data)) << to_hex(c);
        }
        if (c[1] == ins::kSelect && c[2] == 0x02) {
            // Never the My Number image (kenkaku 0005), 照合番号A (0013), the signing certificate or
            // password.
            const std::uint16_t fid = static_cast<std::uint16_t>(c[5] << 8 | c[6]);
            EXPECT_NE(fid, kenkaku_ef::kMatchCodeA);
            EXPECT_NE(fid, kenkaku_ef::kMyNumber);
            EXPECT_NE(fid, jpki_ef::kSignPin);
            EXPECT_NE(fid, jpki_ef::kSignKey);
        }
        EXPECT_TRUE(c[1] == ins::kSelect || c[1] == ins::kReadBinary || c[1] == ins::kVerify ||
                    c[1] == ins::kComputeSignature || c[1] == ins::kGetResponse)
            << to_hex(c);
    }
}

TEST(CardSecurity, FullSessionNeverSendsTheMyNumberApplication) {
    cardtest::DataDir data;
    cardsim::SimulatedCard card(data.identity("yamada-taro"));
    cardsim::InProcessTransport sim(card);
    RecordingTransport recorder(sim);
    MyNumberCard session(recorder);
    full_session(session);
    expect_only_allowed(recorder.commands());
    EXPECT_EQ(card.forbidden_selects(), 0u);
    EXPECT_EQ(session.guard().refused_count(), 0u);  // and the kiosk never even tried
}

TEST(CardSecurity, FullSessionThroughPcscdNeverSendsTheMyNumberApplication) {
    cardtest::DataDir data;
    auto pcscd = cardtest::Pcscd::start();
    ASSERT_TRUE(pcscd.ok()) << pcscd.error();
    cardtest::SimCard card(data.path(), "yamada-taro", (*pcscd)->port());
    ASSERT_TRUE(cardtest::wait_card_state(true, 10s)) << card.log();
    pcsc::PcscTransport transport;
    RecordingTransport recorder(transport);
    MyNumberCard session(recorder);
    full_session(session);
    expect_only_allowed(recorder.commands());
}

TEST(CardSecurity, RawTransmitOfTheMyNumberApplicationNeverReachesTheCard) {
    cardtest::DataDir data;
    cardsim::SimulatedCard card(data.identity("yamada-taro"));
    cardsim::InProcessTransport sim(card);
    ApplicationGuard guard(sim);
    // Whatever code asks: exact AID, short and extended encodings, with FCI, the 住基AP.
    for (bool ext : {false, true}) {
        for (std::uint8_t p2 : {0x0C, 0x00}) {
            CommandApdu c = select_aid(kAidKenhojoForbidden);
            c.p2 = p2;
            c.extended = ext;
            auto r = guard.transmit(c.encode());
            ASSERT_FALSE(r.ok());
            EXPECT_TRUE(r.error().refused_by_policy);
        }
    }
    EXPECT_FALSE(guard.transmit(select_aid(kAidJukiForbidden).encode()).ok());
    EXPECT_EQ(card.forbidden_selects(), 0u);
    EXPECT_EQ(card.apdu_count(), 0u);
    // The simulator itself would answer: the guard, not the card, is what stops it.
    card.process(select_aid(kAidKenhojoForbidden).encode());
    EXPECT_EQ(card.forbidden_selects(), 1u);
}

TEST(CardSecurity, PinAndMatchCodeNeverWrittenAnywhere) {
    cardtest::DataDir data;
    const fs::path out = data.path() / "kiosk-output";
    fs::create_directories(out);
    std::vector<std::string> log_lines;
    {
        cardsim::SimulatedCard card(data.identity("yamada-taro"));
        cardsim::InProcessTransport sim(card);
        RecordingTransport recorder(sim);
        CardOptions o;
        o.log = [&](const std::string& line) { log_lines.push_back(line); };
        MyNumberCard session(recorder, o);
        auto pin = digits<Pin>("1234");
        ASSERT_TRUE(session.verify_auth_pin(pin).ok());
        EXPECT_TRUE(pin.empty());
        EXPECT_EQ(pin.bytes().size(), 0u);
        auto code = digits<MatchCodeB>("60041220344821");
        ASSERT_TRUE(session.verify_match_code_b(code).ok());
        EXPECT_TRUE(code.empty());
        auto wrong = digits<Pin>("8642");
        EXPECT_FALSE(session.verify_auth_pin(wrong).ok());
        EXPECT_TRUE(wrong.empty());
        for (const auto& c : recorder.commands()) {
            EXPECT_FALSE(contains(c, bytes_of("1234"))) << to_hex(c);
            EXPECT_FALSE(contains(c, bytes_of("8642"))) << to_hex(c);
            EXPECT_FALSE(contains(c, bytes_of("60041220344821"))) << to_hex(c);
        }
        std::ofstream(out / "apdu.log") << [&] {
            std::string all;
            for (const auto& l : log_lines)
                all += l + "\n";
            return all;
        }();
    }
    ASSERT_FALSE(log_lines.empty());
    for (const auto& l : log_lines) {
        for (const char* secret : {"1234", "8642", "31323334", "60041220344821", "4821"}) {
            EXPECT_EQ(l.find(secret), std::string::npos) << l;
        }
    }
    // Nothing the session wrote to disk holds a secret: the simulator's counters file and our log are the
    // only files that changed, and neither has one.
    for (const fs::path& p : {out / "apdu.log", data.path() / "identities/yamada-taro/state.json"}) {
        std::ifstream f(p);
        const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        EXPECT_FALSE(text.empty()) << p;
        EXPECT_EQ(text.find("1234"), std::string::npos) << p;
        EXPECT_EQ(text.find("8642"), std::string::npos) << p;
        EXPECT_EQ(text.find("60041220344821"), std::string::npos) << p;
    }
}

}  // namespace
}  // namespace uk::card
