// Every class of configuration error gives its exact message: file, line, key, problem and fix.
#include <gtest/gtest.h>

#include <fstream>

#include "kiosk/config/config.h"

namespace uk::config {
namespace {

std::vector<std::string> messages(const LoadResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors)
        out.push_back(e.message());
    return out;
}

TEST(KioskConfig, NoFileContentGivesTheDemoDefaults) {
    auto r = parse_kiosk_config("", "kiosk.toml");
    ASSERT_TRUE(r.config) << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.config->card.transport, "sim");
    EXPECT_EQ(r.config->flow.facility.type, FacilityType::Clinic);
    EXPECT_EQ(r.config->languages.size(), 6u);
}

TEST(KioskConfig, AFullValidFileIsRead) {
    auto r = parse_kiosk_config(R"(
[facility]
code = "1312345678"
name = "さくら薬局"
type = "pharmacy"
consent_items = ["medical_treatment"]

[kiosk]
id = "kiosk-2"
languages = ["ja", "en"]
default_language = "en"

[card]
transport = "pcsc"
reader = "SONY*"

[camera]
device = "/dev/video2"

[reception]
url = "https://reception.local:8443"
token_file = "/etc/uketsuke/kiosk.token"

[timeouts]
interaction_s = 90
face_capture_s = 30

[face]
threshold = 0.42

[methods]
staff_visual = false
)",
                                "kiosk.toml");
    ASSERT_TRUE(r.config) << ::testing::PrintToString(messages(r));
    const auto& c = *r.config;
    EXPECT_EQ(c.flow.facility.code, "1312345678");
    EXPECT_EQ(c.flow.facility.type, FacilityType::Pharmacy);
    EXPECT_EQ(offered_consent_items(c.flow.facility),
              (std::vector{ConsentItem::Medication, ConsentItem::MedicalTreatment}));
    EXPECT_EQ(c.flow.kiosk_id, "kiosk-2");
    EXPECT_EQ(c.flow.default_language, "en");
    EXPECT_EQ(c.card.transport, "pcsc");
    EXPECT_EQ(c.card.reader, "SONY*");
    EXPECT_EQ(c.camera.device, "/dev/video2");
    EXPECT_EQ(c.flow.timeouts.interaction, std::chrono::seconds(90));
    EXPECT_EQ(c.flow.timeouts.face_capture, std::chrono::seconds(30));
    EXPECT_EQ(c.face.threshold, 0.42);
    EXPECT_FALSE(c.flow.staff_visual_enabled);
}

struct ErrorCase {
    const char* name;
    const char* toml;
    const char* message;
};

class KioskConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(KioskConfigErrors, GiveTheExactMessage) {
    auto r = parse_kiosk_config(GetParam().toml, "/etc/uketsuke/kiosk.toml");
    EXPECT_FALSE(r.config.has_value());
    ASSERT_EQ(r.errors.size(), 1u) << ::testing::PrintToString(messages(r));
    EXPECT_EQ(r.errors[0].message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    EveryClass, KioskConfigErrors,
    ::testing::Values(
        ErrorCase{
            "Syntax", "[facility]\ncode = 1312345678x\n",
            "/etc/uketsuke/kiosk.toml:2: Error while parsing decimal integer: expected digit, saw 'x'. Fix: "
            "correct the TOML syntax at this line (strings need quotes, sections [name], key = value)"},
        ErrorCase{"UnknownKeyWithSuggestion", "[facility]\ncdoe = \"1312345678\"\n",
                  "/etc/uketsuke/kiosk.toml:2: facility.cdoe: unknown key. Fix: did you mean \"code\"?"},
        ErrorCase{
            "UnknownSection", "[camrea]\ndevice = \"0\"\n",
            "/etc/uketsuke/kiosk.toml:1: camrea: unknown section or key. Fix: did you mean \"camera\"?"},
        ErrorCase{
            "WrongType", "[facility]\ncode = 1312345678\n",
            "/etc/uketsuke/kiosk.toml:2: facility.code: expected a string, found 1312345678. Fix: put the "
            "value in quotes"},
        ErrorCase{"FacilityCode", "[facility]\ncode = \"13123\"\n",
                  "/etc/uketsuke/kiosk.toml:2: facility.code: \"13123\" is not 10 digits. Fix: use the "
                  "facility's 10-digit 医療機関コード / 薬局コード (2 prefecture + 1 table + 7 number)"},
        ErrorCase{
            "EnumValue", "[facility]\ntype = \"spa\"\n",
            "/etc/uketsuke/kiosk.toml:2: facility.type: \"spa\" is not a facility type. Fix: use one of "
            "clinic, hospital, dental_clinic, pharmacy"},
        ErrorCase{
            "ConsentItem", "[facility]\nconsent_items = [\"genome\"]\n",
            "/etc/uketsuke/kiosk.toml:2: facility.consent_items: \"genome\" is not a consent item. Fix: use "
            "medical_treatment or surgery (medication and health_checkup are always asked)"},
        ErrorCase{"OutOfRange", "[timeouts]\ninteraction_s = 5\n",
                  "/etc/uketsuke/kiosk.toml:2: timeouts.interaction_s: 5 is out of range. Fix: use 15 to 600 "
                  "seconds"},
        ErrorCase{
            "PlainHttp", "[reception]\nurl = \"http://reception.local\"\n",
            "/etc/uketsuke/kiosk.toml:2: reception.url: \"http://reception.local\" is not an https:// URL. "
            "Fix: use the reception's https:// address, e.g. \"https://reception.local:8443\" (check-ins "
            "carry personal data: plain http is refused)"},
        ErrorCase{"UnknownLanguage", "[kiosk]\nlanguages = [\"ja\", \"fr\"]\n",
                  "/etc/uketsuke/kiosk.toml:2: kiosk.languages: \"fr\" has no locale file. Fix: use some of "
                  "ja, en, "
                  "zh-Hans, ko, vi, pt-BR"},
        ErrorCase{"DefaultLanguageNotOffered",
                  "[kiosk]\nlanguages = [\"ja\", \"en\"]\ndefault_language = \"ko\"\n",
                  "/etc/uketsuke/kiosk.toml:3: kiosk.default_language: \"ko\" is not in kiosk.languages. "
                  "Fix: add it "
                  "to kiosk.languages or choose one of them"},
        ErrorCase{
            "NoMethodLeft", "[methods]\nface = false\npin = false\nstaff_visual = false\n",
            "/etc/uketsuke/kiosk.toml:1: methods: every verification method is turned off. Fix: turn on at "
            "least one of face, pin, staff_visual"},
        ErrorCase{
            "PlainAdminPin", "[kiosk]\nadmin_pin_hash = \"1234\"\n",
            "/etc/uketsuke/kiosk.toml:2: kiosk.admin_pin_hash: \"1234\" is not an Argon2id hash. Fix: set it "
            "with `uketsuke-kiosk --set-admin-pin`, never a plain PIN"},
        ErrorCase{"ThresholdRange", "[face]\nthreshold = 7.5\n",
                  "/etc/uketsuke/kiosk.toml:2: face.threshold: 7.500000 is out of range. Fix: use a value "
                  "between 0 "
                  "and 2 measured for the chosen model (docs/face.md)"},
        ErrorCase{"RealReaderNeedsFacilityCode", "[card]\ntransport = \"pcsc\"\n",
                  "/etc/uketsuke/kiosk.toml: facility.code: is required with a real card reader. Fix: add "
                  "[facility] "
                  "code = \"<your 10-digit 医療機関コード>\""}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(KioskConfig, ReportsEveryErrorNotJustTheFirst) {
    auto r =
        parse_kiosk_config("[facility]\ncode = \"1\"\ntype = \"spa\"\n[timeouts]\ndone_s = 0\n", "k.toml");
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].line, 2);
    EXPECT_EQ(r.errors[1].line, 3);
    EXPECT_EQ(r.errors[2].line, 5);
}

TEST(KioskConfig, MissingFileIsNamed) {
    auto r = load_kiosk_config("/nonexistent/kiosk.toml");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(
        r.errors[0].message(),
        "/nonexistent/kiosk.toml: cannot be read (missing or no permission). Fix: check the path, or run "
        "without --config to use the demo defaults");
}

TEST(KioskConfig, ShippedExampleFileIsValid) {
    auto r = load_kiosk_config(std::string(UK_SOURCE_DIR) + "/deploy/kiosk.example.toml");
    EXPECT_TRUE(r.config) << ::testing::PrintToString(messages(r));
}

}  // namespace
}  // namespace uk::config
