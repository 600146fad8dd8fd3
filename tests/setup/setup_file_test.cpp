// The kiosk's own set-up file (<data>/kiosk-setup.toml): what the set-up pages write reads back as the same
// choices over the configuration file; keys that belong in kiosk.toml are refused with the file, line, key
// and fix; the file is written with mode 0600 and atomically.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "kiosk/config/config.h"

namespace uk::config {
namespace {

namespace fs = std::filesystem;

KioskConfig base() {
    auto r = parse_kiosk_config(R"(
[facility]
code = "1312345678"
type = "hospital"
consent_items = ["surgery"]
[kiosk]
id = "kiosk-3"
languages = ["ja", "en", "ko"]
[card]
transport = "pcsc"
reader = "SONY*"
)",
                                "kiosk.toml");
    EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].message());
    return r.config.value_or(KioskConfig{});
}

TEST(SetupFile, WhatTheSetupPagesWriteReadsBackOverTheConfiguration) {
    KioskConfig cfg = base();
    SetupChoices ch = setup_choices_of(cfg);
    EXPECT_EQ(ch.reader, "SONY*");
    EXPECT_EQ(ch.consent_items, std::set<ConsentItem>{ConsentItem::Surgery});
    ch.reader = "Uketsuke Test VPCD 00 00";
    ch.camera = "/dev/video2";
    ch.card_front_camera = "/dev/video4";
    ch.languages = {"ja", "en", "vi"};
    ch.default_language = "en";
    ch.consent_items = {ConsentItem::MedicalTreatment};
    ch.admin_pin_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
    std::string text = render_setup_file(ch, "2026-11-25 09:00");
    EXPECT_NE(text.find("# Written by the kiosk's set-up pages on 2026-11-25 09:00"), std::string::npos)
        << text;

    auto errors = apply_setup_text(cfg, text, "kiosk-setup.toml");
    ASSERT_TRUE(errors.empty()) << errors[0].message() << "\n" << text;
    EXPECT_EQ(cfg.card.reader, "Uketsuke Test VPCD 00 00");
    EXPECT_EQ(cfg.camera.device, "/dev/video2");
    EXPECT_EQ(cfg.camera.card_front_device, "/dev/video4");
    EXPECT_EQ(cfg.languages, (std::vector<std::string>{"ja", "en", "vi"}));
    EXPECT_EQ(cfg.flow.default_language, "en");
    // The list replaces the configuration file's choice (surgery off, treatment on).
    EXPECT_EQ(cfg.flow.facility.enabled_optional_items, std::set<ConsentItem>{ConsentItem::MedicalTreatment});
    EXPECT_EQ(cfg.admin_pin_hash, ch.admin_pin_hash);
    // What the set-up does not choose stays as configured.
    EXPECT_EQ(cfg.flow.kiosk_id, "kiosk-3");
    EXPECT_EQ(cfg.card.transport, "pcsc");
    EXPECT_EQ(cfg.flow.facility.code, "1312345678");
}

TEST(SetupFile, ACameraChosenOnTheKioskIsInUseEvenIfTheFileTurnedItOff) {
    KioskConfig cfg = base();
    cfg.camera.enabled = false;
    EXPECT_EQ(setup_choices_of(cfg).camera, "none");
    KioskConfig off = cfg;
    ASSERT_TRUE(apply_setup_text(off, "[camera]\ndevice = \"none\"\n", "kiosk-setup.toml").empty());
    EXPECT_FALSE(off.camera.enabled);
    ASSERT_TRUE(apply_setup_text(cfg, "[camera]\ndevice = \"/dev/video0\"\n", "kiosk-setup.toml").empty());
    EXPECT_TRUE(cfg.camera.enabled);
    EXPECT_EQ(cfg.camera.device, "/dev/video0");
}

TEST(SetupFile, KeysThatBelongInTheConfigurationFileAreRefused) {
    KioskConfig cfg = base();
    auto errors =
        apply_setup_text(cfg, "[card]\nreader = \"X\"\ntransport = \"sim\"\n[timeouts]\ndone_s = 5\n",
                         "/var/lib/uketsuke-kiosk/kiosk-setup.toml");
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].message(),
              "/var/lib/uketsuke-kiosk/kiosk-setup.toml:3: card.transport: is not set on the kiosk's set-up "
              "pages. Fix: set it in the configuration file (kiosk.toml), or delete this file and run the "
              "set-up again");
    EXPECT_EQ(errors[1].key, "timeouts.done_s");
    EXPECT_EQ(errors[1].line, 5);
    // Nothing of a refused file is applied.
    EXPECT_EQ(cfg.card.reader, "SONY*");
}

TEST(SetupFile, ValuesAreCheckedLikeTheConfigurationFile) {
    KioskConfig cfg = base();
    auto errors = apply_setup_text(cfg, "[kiosk]\nlanguages = [\"ja\", \"fr\"]\n", "kiosk-setup.toml");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].message(),
              "kiosk-setup.toml:2: kiosk.languages: \"fr\" has no locale file. Fix: use some of ja, en, "
              "zh-Hans, ko, vi, pt-BR");
    errors = apply_setup_text(cfg, "[kiosk]\nlanguages = [\"en\"]\n", "kiosk-setup.toml");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].key, "kiosk.default_language");  // "ja" is no longer offered
    errors = apply_setup_text(cfg, "[kiosk\n", "kiosk-setup.toml");
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].fix, "delete this file and run the set-up again (admin menu -> 設定 Set-up)");
}

TEST(SetupFile, IsSavedPrivatelyAndLoadedFromTheDataFolder) {
    fs::path dir = fs::path(::testing::TempDir()) / "uk-setup-file";
    fs::remove_all(dir);
    fs::path cfg_file = dir / "kiosk.toml";
    fs::create_directories(dir);
    std::ofstream(cfg_file) << "[kiosk]\nid = \"kiosk-9\"\n";
    // No set-up file yet: the configuration alone.
    auto r = load_kiosk_config_with_setup(cfg_file, dir / "data");
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->languages.size(), 6u);

    SetupChoices ch = setup_choices_of(*r.config);
    ch.languages = {"ja", "en"};
    fs::path file = dir / "data" / kSetupFileName;
    ASSERT_EQ(save_setup_file(file, render_setup_file(ch, "now")), "");
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(fs::exists(dir / "data" / "kiosk-setup.toml.tmp"));

    r = load_kiosk_config_with_setup(cfg_file, dir / "data");
    ASSERT_TRUE(r.config) << r.errors[0].message();
    EXPECT_EQ(r.config->languages, (std::vector<std::string>{"ja", "en"}));
    EXPECT_EQ(r.config->flow.kiosk_id, "kiosk-9");
    // The demo defaults take the set-up file too.
    r = load_kiosk_config_with_setup({}, dir / "data");
    ASSERT_TRUE(r.config);
    EXPECT_EQ(r.config->languages.size(), 2u);
    // A broken set-up file stops the start with its name.
    std::ofstream(file) << "[camera]\nenabled = false\n";
    r = load_kiosk_config_with_setup(cfg_file, dir / "data");
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].file, file.string());
    fs::remove_all(dir);
}

}  // namespace
}  // namespace uk::config
