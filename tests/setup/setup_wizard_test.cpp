// The kiosk's set-up pages without a screen: the probes against real components (pcscd with the vpcd reader
// and the card simulator; a sysfs tree of video devices) and the steps as facility IT takes them, down to the
// saved kiosk-setup.toml that the next start reads.
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "kiosk/app/setup_wizard.h"
#include "tests/card/card_test_data.h"
#include "tests/card/pcscd_fixture.h"

namespace uk::app {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using cardtest::Pcscd;

// [SECTION] Probes

bool wait_card_on(const std::string& reader, bool present, std::chrono::seconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        auto st = pcsc::reader_statuses();
        if (st)
            for (const auto& r : *st)
                if (r.name == reader && r.card_present == present) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

TEST(SetupProbes, ReadersShowTheirCardAndTheTestCardReadSpendsNoTry) {
    auto p = Pcscd::start();
    ASSERT_TRUE(p.ok()) << p.error();
    auto pcscd = std::move(p).value();
    auto st = pcsc::reader_statuses();
    ASSERT_TRUE(st.ok()) << st.error();
    ASSERT_EQ(st->size(), 2u);
    EXPECT_EQ(st->front().name, Pcscd::kReaderName);
    EXPECT_FALSE(st->front().card_present);

    auto empty = read_test_card(Pcscd::kReaderName, std::chrono::system_clock::now());
    EXPECT_FALSE(empty.ok);
    EXPECT_NE(empty.text.find("No card on the reader"), std::string::npos) << empty.text;

    cardtest::DataDir data;
    cardtest::SimCard card(data.path(), "yamada-taro", pcscd->port());
    ASSERT_TRUE(card.running());
    ASSERT_TRUE(wait_card_on(Pcscd::kReaderName, true, 10s)) << card.log();
    for (int i = 0; i < 2; ++i) {  // twice: the tries stay where they were
        auto r = read_test_card(Pcscd::kReaderName, std::chrono::system_clock::now());
        EXPECT_TRUE(r.ok) << r.text;
        EXPECT_NE(r.text.find("certificate valid until 20"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find("PIN tries left 3"), std::string::npos) << r.text;
        EXPECT_NE(r.text.find("照合番号B tries left"), std::string::npos) << r.text;
    }
    // The other slot of the virtual reader has no card.
    auto other = read_test_card("Uketsuke Test VPCD 00 01", std::chrono::system_clock::now());
    EXPECT_FALSE(other.ok);
    card.remove();
    EXPECT_TRUE(wait_card_on(Pcscd::kReaderName, false, 10s));
}

TEST(SetupProbes, CameraDevicesComeFromSysfsWithoutMetadataNodes) {
    fs::path sys = fs::path(::testing::TempDir()) / "uk-v4l";
    fs::remove_all(sys);
    auto node = [&](const std::string& n, const std::string& index, const std::string& name) {
        fs::create_directories(sys / n);
        if (!index.empty()) std::ofstream(sys / n / "index") << index << "\n";
        std::ofstream(sys / n / "name") << name << "\n";
    };
    node("video0", "0", "HD Pro Webcam C920");
    node("video1", "1", "HD Pro Webcam C920");  // its metadata node
    node("video10", "0", "Document camera");
    node("video2", "", "Loopback");
    auto list = camera::list_camera_devices(sys);
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].path, "/dev/video0");
    EXPECT_EQ(list[0].name, "HD Pro Webcam C920");
    EXPECT_EQ(list[1].path, "/dev/video2");
    EXPECT_EQ(list[2].path, "/dev/video10");
    EXPECT_TRUE(camera::list_camera_devices(sys / "missing").empty());
    fs::remove_all(sys);
}

// [SECTION] Steps

class Wizard : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = fs::path(::testing::TempDir()) / "uk-setup-wizard";
        fs::remove_all(dir);
        auto r = config::parse_kiosk_config("[facility]\ntype = \"hospital\"\n", "kiosk.toml");
        ASSERT_TRUE(r.config);
        ctx.config = *r.config;
        ctx.data_dir = dir;
        ctx.need_admin_pin = true;
        ctx.log = [this](const std::string& s) {  // also called from the reader thread
            std::lock_guard lock(log_mu);
            log.push_back(s);
        };
    }
    void TearDown() override { fs::remove_all(dir); }
    static ui::AdminInput key(ui::AdminInput::Key k, std::string value = {}) {
        return {k, 0, std::move(value)};
    }
    void poll_until(SetupWizard& w, const std::function<bool()>& done) {
        for (int i = 0; i < 400 && !done(); ++i) {
            w.poll([](const cv::Mat&) -> void* { return nullptr; });
            std::this_thread::sleep_for(10ms);
        }
    }
    fs::path dir;
    SetupContext ctx;
    std::mutex log_mu;
    std::vector<std::string> log;
};

using Key = ui::AdminInput::Key;

TEST_F(Wizard, TakesEveryStepAndSavesWhatItShows) {
    SetupWizard w(ctx);
    std::vector<std::string> names;
    for (int i = 0; i < 7; ++i) {
        names.push_back(w.step_name());
        if (w.step() == SetupWizard::Step::AdminPin) break;
        w.handle(key(Key::SetupNext));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"setup_reader", "setup_camera", "setup_reception",
                                               "setup_languages", "setup_consent", "setup_admin_pin"}));
    w.handle(key(Key::SetupNext));  // no PIN yet: stays
    EXPECT_EQ(w.step_name(), "setup_admin_pin");
    EXPECT_FALSE(w.view().can_next);

    // Languages: Japanese stays; one off and on again keeps the picker's order; the default follows.
    w.handle(key(Key::SetupPrev));
    w.handle(key(Key::SetupPrev));
    ASSERT_EQ(w.step_name(), "setup_languages");
    w.handle(key(Key::SetupChoose, "ja"));
    w.handle(key(Key::SetupChoose, "ko"));
    w.handle(key(Key::SetupChoose, "en"));
    w.handle(key(Key::SetupChoose, "en"));
    w.handle(key(Key::SetupAction, "default:vi"));
    EXPECT_EQ(w.choices().languages, (std::vector<std::string>{"ja", "en", "zh-Hans", "vi", "pt-BR"}));
    EXPECT_EQ(w.choices().default_language, "vi");
    w.handle(key(Key::SetupChoose, "vi"));  // the default turned off: back to Japanese
    EXPECT_EQ(w.choices().default_language, "ja");
    w.handle(key(Key::SetupAction, "default:ko"));  // not offered: refused
    EXPECT_EQ(w.choices().default_language, "ja");
    w.handle(key(Key::SetupAction, "default:en"));

    // Consent at a hospital: medication and checkup always asked (not toggled), treatment and surgery opt-in.
    w.handle(key(Key::SetupNext));
    ASSERT_EQ(w.step_name(), "setup_consent");
    w.handle(key(Key::SetupChoose, "medication"));
    w.handle(key(Key::SetupChoose, "surgery"));
    auto v = w.view();
    ASSERT_EQ(v.choices.size(), 4u);
    EXPECT_TRUE(v.choices[0].selected);
    EXPECT_FALSE(v.choices[0].enabled);
    EXPECT_TRUE(v.choices[3].selected);
    EXPECT_EQ(w.choices().consent_items, std::set<ConsentItem>{ConsentItem::Surgery});

    // The admin PIN: two different entries are refused, the same twice is hashed.
    w.handle(key(Key::SetupNext));
    auto type = [&](const char* digits) {
        for (const char* c = digits; *c; ++c)
            w.handle({Key::Digit, *c});
        w.handle(key(Key::Ok));
    };
    type("1357");
    EXPECT_TRUE(w.view().pin_confirming);
    type("1358");
    EXPECT_FALSE(w.view().pin_set);
    EXPECT_NE(w.view().pin_message.find("differ"), std::string::npos);
    type("1357");
    type("1357");
    poll_until(w, [&] { return w.view().pin_set; });
    ASSERT_TRUE(w.view().pin_set);
    const std::string hash = w.choices().admin_pin_hash;
    ASSERT_EQ(sodium_init() >= 0, true);
    EXPECT_EQ(crypto_pwhash_str_verify(hash.c_str(), "1357", 4), 0);
    {
        std::lock_guard lock(log_mu);
        for (const auto& line : log)
            EXPECT_EQ(line.find("1357"), std::string::npos) << line;
    }

    w.handle(key(Key::SetupNext));
    ASSERT_EQ(w.step_name(), "setup_finish");
    EXPECT_EQ(w.handle(key(Key::SetupNext)), SetupWizard::Outcome::Saved);

    // What the next start reads.
    config::KioskConfig next = ctx.config;
    auto errors = config::apply_setup_file(next, dir / config::kSetupFileName);
    ASSERT_TRUE(errors.empty()) << errors[0].message();
    EXPECT_EQ(next.languages, (std::vector<std::string>{"ja", "en", "zh-Hans", "pt-BR"}));
    EXPECT_EQ(next.flow.default_language, "en");
    EXPECT_EQ(next.flow.facility.enabled_optional_items, std::set<ConsentItem>{ConsentItem::Surgery});
    EXPECT_EQ(next.admin_pin_hash, hash);
}

TEST_F(Wizard, AKioskWithAnAdminPinHasNoPinStepAndTheEnrolmentLeavesTheSteps) {
    ctx.need_admin_pin = false;
    SetupWizard w(ctx);
    for (int i = 0; i < 5; ++i)
        w.handle(key(Key::SetupNext));
    EXPECT_EQ(w.step_name(), "setup_finish");
    EXPECT_EQ(w.view().count, 6);
    w.handle(key(Key::SetupPrev));
    w.handle(key(Key::SetupPrev));
    w.handle(key(Key::SetupPrev));
    ASSERT_EQ(w.step_name(), "setup_reception");
    EXPECT_EQ(w.handle(key(Key::SetupAction, "enrol")), SetupWizard::Outcome::Enrol);
}

}  // namespace
}  // namespace uk::app
