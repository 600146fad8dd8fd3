// The card through the real stack: pcscd + vsmartcard's vpcd driver + uketsuke-cardsim processes, with the
// kiosk's PcscTransport, CardMonitor and MyNumberCard. Each test starts its own pcscd and cards and stops
// them by PID.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kiosk/card/mynumber_card.h"
#include "platform/pcsc/pcsc.h"
#include "tests/card/card_test_data.h"
#include "tests/card/pcscd_fixture.h"

namespace uk::cardtest {
namespace {

using namespace std::chrono_literals;
using card::MyNumberCard;
using pcsc::CardMonitor;

template <class S>
S digits(std::string_view d) {
    S s;
    for (char c : d)
        s.push(c);
    return s;
}

class Pcsc : public ::testing::Test {
  protected:
    void SetUp() override {
        auto p = Pcscd::start();
        ASSERT_TRUE(p.ok()) << p.error();
        pcscd = std::move(p).value();
    }
    std::unique_ptr<SimCard> insert(const std::string& identity, const std::vector<std::string>& extra = {}) {
        auto c = std::make_unique<SimCard>(data.path(), identity, pcscd->port(), extra);
        EXPECT_TRUE(c->running());
        EXPECT_TRUE(wait_card_state(true, 10s)) << c->log();
        return c;
    }
    DataDir data;
    std::unique_ptr<Pcscd> pcscd;
};

TEST_F(Pcsc, ListsTheVirtualReader) {
    auto readers = pcsc::list_readers();
    ASSERT_TRUE(readers.ok()) << readers.error();
    // vpcd exposes two slots per DEVICENAME line: "... 00 00" on our port and "... 00 01" on the next.
    ASSERT_EQ(readers->size(), 2u);
    EXPECT_EQ(readers->front(), Pcscd::kReaderName);
    EXPECT_EQ(readers->back(), "Uketsuke Test VPCD 00 01");
    EXPECT_TRUE(pcsc::reader_matches(Pcscd::kReaderName, "Uketsuke*VPCD*"));
    EXPECT_FALSE(pcsc::reader_matches(Pcscd::kReaderName, "SONY*"));
}

TEST_F(Pcsc, InsertedCardGivesCertificateAndPhoto) {
    EventLog events, elsewhere;
    CardMonitor monitor("Uketsuke", events.callback());
    CardMonitor other_reader("SONY*",
                             elsewhere.callback());  // a configured pattern that matches nothing here
    monitor.start();
    other_reader.start();
    auto card = insert("yamada-taro");
    EXPECT_GE(events.wait_for(CardMonitor::Event::CardInserted, 5s), 0);
    EXPECT_EQ(elsewhere.size(), 0u);
    pcsc::PcscTransport transport("Uketsuke Test VPCD");
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(transport.reader(), Pcscd::kReaderName);
    EXPECT_EQ(card::to_hex(transport.atr()), "3be000ff8131fe4514");
    EXPECT_EQ(cert->der, data.identity("yamada-taro").auth_cert);
    auto code = digits<MatchCodeB>("60041220344821");
    ASSERT_TRUE(session.verify_match_code_b(code).ok());
    auto photo = session.read_face_photo();
    ASSERT_TRUE(photo.ok()) << photo.error().message;
    EXPECT_EQ(photo->jpeg2000, *data.identity("yamada-taro").face_jp2);
    EXPECT_EQ(session.apdu_count(), 10u);
    card->remove();
    EXPECT_GE(events.wait_for(CardMonitor::Event::CardRemoved, 5s), 0);
}

TEST_F(Pcsc, PinRightSignsAndTheCertificateVerifiesIt) {
    auto card = insert("yamada-taro");
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(*session.auth_pin_tries_left(), 3);
    auto wrong = digits<Pin>("0000");
    auto w = session.verify_auth_pin(wrong);
    EXPECT_EQ(w.fault(), CardFault::WrongPin);
    EXPECT_EQ(w.error().tries_left, 2);
    auto right = digits<Pin>("1234");
    ASSERT_TRUE(session.verify_auth_pin(right).ok());
    const card::Bytes challenge = card::bytes_of("challenge-from-reception-42");
    auto sig = session.sign_challenge(challenge);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_TRUE(card::verify_signature(*cert, challenge, *sig));
    EXPECT_FALSE(card::verify_signature(*cert, card::bytes_of("challenge-from-reception-43"), *sig));
}

TEST_F(Pcsc, NearlyBlockedPinBlocksAndStaysBlockedAcrossInsertions) {
    {
        auto card = insert("suzuki-hanako");
        pcsc::PcscTransport transport;
        MyNumberCard session(transport);
        EXPECT_EQ(*session.auth_pin_tries_left(), 1);
        auto wrong = digits<Pin>("1111");
        EXPECT_EQ(session.verify_auth_pin(wrong).fault(), CardFault::PinBlocked);
        card->remove();
        ASSERT_TRUE(wait_card_state(false, 5s));
    }
    auto card = insert("suzuki-hanako");  // the counter was persisted by the simulator
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    EXPECT_EQ(*session.auth_pin_tries_left(), 0);
    auto right = digits<Pin>("5678");
    EXPECT_EQ(session.verify_auth_pin(right).fault(), CardFault::PinBlocked);
}

TEST_F(Pcsc, RemovalMidReadIsACleanError) {
    auto card = insert("yamada-taro", {"--remove-after", "3"});
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_FALSE(cert.ok());
    EXPECT_TRUE(cert.fault() == CardFault::Removed || cert.fault() == CardFault::Transport)
        << to_string(cert.fault()) << ": " << cert.error().message;
    EXPECT_TRUE(wait_card_state(false, 5s));
    // The next card works with the same transport and session.
    auto second = insert("kobayashi-rei");
    auto again = session.read_auth_certificate();
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->der, data.identity("kobayashi-rei").auth_cert);
}

TEST_F(Pcsc, GetResponseChainsThroughPcscd) {
    auto card = insert("yamada-taro", {"--t0"});
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->der, data.identity("yamada-taro").auth_cert);
}

TEST_F(Pcsc, GarbageFromTheCardIsUnreadable) {
    auto card = insert("yamada-taro", {"--garbage-from", "2"});
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.fault(), CardFault::Unreadable) << cert.error().message;
}

TEST_F(Pcsc, PcscdRestartIsRecovered) {
    EventLog events;
    CardMonitor monitor("", events.callback());
    monitor.start();
    auto card = insert("yamada-taro");
    ASSERT_GE(events.wait_for(CardMonitor::Event::CardInserted, 5s), 0);
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    ASSERT_TRUE(session.read_auth_certificate().ok());

    card->remove();
    auto r = pcscd->restart();
    ASSERT_TRUE(r.ok()) << r.error();
    const int lost = events.wait_for(CardMonitor::Event::ServiceLost, 5s);
    const int removed = events.wait_for(CardMonitor::Event::CardRemoved, 5s);
    EXPECT_TRUE(lost >= 0 || removed >= 0);
    const int mark = static_cast<int>(events.size()) - 1;
    auto card2 = insert("kobayashi-rei");
    EXPECT_GE(events.wait_for(CardMonitor::Event::CardInserted, 10s, mark), 0);
    // The transport's old context died with pcscd: the first call may report it, the next re-establishes.
    auto cert = session.read_auth_certificate();
    if (!cert.ok()) {
        EXPECT_EQ(cert.fault(), CardFault::Transport) << cert.error().message;
        cert = session.read_auth_certificate();
    }
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    EXPECT_EQ(cert->der, data.identity("kobayashi-rei").auth_cert);
}

TEST_F(Pcsc, NoCardIsAClearError) {
    pcsc::PcscTransport transport;
    MyNumberCard session(transport);
    auto cert = session.read_auth_certificate();
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.fault(), CardFault::Removed) << cert.error().message;
    pcsc::PcscTransport nowhere("No Such Reader");
    auto c = nowhere.connect();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.fault(), CardFault::Transport);
    EXPECT_NE(c.error().message.find("No Such Reader"), std::string::npos);
}

}  // namespace
}  // namespace uk::cardtest

namespace uk::cardtest {
namespace {

std::string run_card_tool(const std::filesystem::path& dir, int& status) {
    const auto log = dir / "uketsuke-card.out";
    const pid_t pid = spawn({UK_CARD_EXE}, log);
    int st = 0;
    ::waitpid(pid, &st, 0);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    std::ifstream f(log);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST_F(Pcsc, DiagnosticsToolPrintsOneLinePerReaderAndNoPersonalData) {
    auto card = insert("sato-jiro");
    int status = -1;
    const std::string out = run_card_tool(data.path(), status);
    EXPECT_EQ(status, 0) << out;
    std::istringstream lines(out);
    std::string line;
    int with_card = 0, without = 0;
    while (std::getline(lines, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << line;
        if (j.at("card_present").get<bool>()) {
            ++with_card;
            EXPECT_EQ(j.at("reader"), Pcscd::kReaderName);
            EXPECT_EQ(j.at("auth_pin_tries_left"), 3);
            EXPECT_EQ(j.at("cert_not_after"), "2024-09-30T14:59:59Z");  // the expired identity
            EXPECT_NE(j.at("cert_issuer").get<std::string>().find("Uketsuke Test JPKI"), std::string::npos);
            for (const char* personal : {"subject", "serial", "name", "birth", "UKTEST"}) {
                EXPECT_EQ(line.find(personal), std::string::npos) << line;
            }
        } else {
            ++without;
        }
    }
    EXPECT_EQ(with_card, 1) << out;
    EXPECT_EQ(without, 1) << out;  // the second vpcd slot
}

}  // namespace
}  // namespace uk::cardtest

namespace uk::cardtest {
namespace {

int run_tool(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    const pid_t pid = spawn(argv, log);
    if (pid <= 0) return -1;
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

card::Bytes slurp(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return card::Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The simulator is faithful enough for the established middleware: OpenSC's jpki driver recognises it, reads
// the user-authentication certificate, and its PKCS#11 module signs with the card after the PIN.
TEST_F(Pcsc, OpenScReadsAndSignsWithTheSimulatedCard) {
    ASSERT_TRUE(std::filesystem::exists("/usr/bin/pkcs15-tool")) << "install the Debian package opensc";
    auto card = insert("yamada-taro");
    const auto dir = data.path();
    ASSERT_EQ(run_tool({"/usr/bin/opensc-tool", "-r", "0", "-n"}, dir / "name.txt"), 0);
    EXPECT_EQ(slurp(dir / "name.txt"), card::bytes_of("jpki\n"));
    ASSERT_EQ(run_tool({"/usr/bin/pkcs15-tool", "-r", "0", "--read-certificate", "01", "-o",
                        (dir / "cert.pem").string()},
                       dir / "pkcs15.log"),
              0)
        << std::string(slurp(dir / "pkcs15.log").begin(), slurp(dir / "pkcs15.log").end());
    std::ofstream(dir / "msg.bin") << "challenge signed through OpenSC";
    ASSERT_EQ(run_tool({"/usr/bin/pkcs11-tool", "--module", "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
                        "--slot-index", "0", "--login", "--pin", "1234", "--sign", "-m", "SHA256-RSA-PKCS",
                        "--id", "01", "-i", (dir / "msg.bin").string(), "-o", (dir / "sig.bin").string()},
                       dir / "pkcs11.log"),
              0);
    const auto cert = card::parse_certificate(data.identity("yamada-taro").auth_cert);
    ASSERT_TRUE(cert.ok());
    EXPECT_TRUE(card::verify_signature(*cert, slurp(dir / "msg.bin"), slurp(dir / "sig.bin")));
    EXPECT_EQ(data.identity("yamada-taro").counters.auth_pin_tries_left, 3);
}

}  // namespace
}  // namespace uk::cardtest

namespace uk::cardtest {
namespace {

TEST_F(Pcsc, PcscdGoneIsATransportErrorForItStaff) {
    EventLog events;
    CardMonitor monitor("", events.callback());
    monitor.start();
    auto card = insert("yamada-taro");
    ASSERT_GE(events.wait_for(CardMonitor::Event::CardInserted, 5s), 0);
    pcscd->stop();
    EXPECT_GE(events.wait_for(CardMonitor::Event::CardRemoved, 5s), 0);
    EXPECT_GE(events.wait_for(CardMonitor::Event::ServiceLost, 5s), 0);
    pcsc::PcscTransport transport;
    auto c = transport.connect();
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.fault(), CardFault::Transport);
    EXPECT_NE(c.error().message.find("pcscd"), std::string::npos) << c.error().message;
    int status = -1;
    const std::string out = run_card_tool(data.path(), status);
    EXPECT_EQ(status, 1);
    EXPECT_NE(out.find("\"error\""), std::string::npos) << out;
    monitor.stop();  // returns although pcscd is gone (no context to cancel; the back-off loop checks stop)
}

}  // namespace
}  // namespace uk::cardtest

namespace uk::cardtest {
namespace {

TEST(CardsimCli, ListPrintsEveryIdentityWithPinAndState) {
    DataDir data;
    const auto out = data.path() / "list.json";
    ASSERT_EQ(run_tool({UK_CARDSIM_EXE, "--list", "--data", data.path().string()}, out), 0);
    std::ifstream f(out);
    auto j = nlohmann::json::parse(f, nullptr, false);
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 6u);
    std::map<std::string, nlohmann::json> by_name;
    for (const auto& e : j)
        by_name[e.at("name").get<std::string>()] = e;
    EXPECT_EQ(by_name.at("yamada-taro").at("pin"), "1234");
    EXPECT_EQ(by_name.at("yamada-taro").at("photo"), true);
    EXPECT_EQ(by_name.at("suzuki-hanako").at("state").at("auth_pin_tries_left"), 1);
    EXPECT_EQ(by_name.at("tanaka-ichiro").at("state").at("auth_pin_blocked"), true);
    EXPECT_EQ(by_name.at("sato-jiro").at("state").at("certificate"), "expired");
    EXPECT_EQ(by_name.at("ito-yoko").at("state").at("certificate"), "revoked");
    EXPECT_EQ(run_tool({UK_CARDSIM_EXE, "--identity", "nobody", "--data", data.path().string()}, out), 1);
    EXPECT_EQ(run_tool({UK_CARDSIM_EXE, "--port", "not-a-number", "--identity", "yamada-taro"}, out), 2);
    EXPECT_EQ(run_tool({UK_CARDSIM_EXE}, out), 2);
}

}  // namespace
}  // namespace uk::cardtest
