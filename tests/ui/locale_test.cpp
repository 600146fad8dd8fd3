// The locale tables: every language parses, has every key the Japanese table has (the missing keys are
// listed by name), no unknown keys, every key the screens use exists, and placeholders survive translation.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kiosk/ui/screens.h"
#include "kiosk/ui/strings.h"

namespace uk::ui {
namespace {

const std::vector<std::string> kSix = {"ja", "en", "zh-Hans", "ko", "vi", "pt-BR"};

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += "\n  " + x;
    return s;
}

TEST(Locales, FromTheSourceFolderAllSixLanguagesParse) {
    auto s = Strings::from_dir(std::string(UK_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->languages(), kSix);
}

TEST(Locales, EmbeddedTablesMatchTheSourceFolder) {
    auto s = Strings::from_dir(std::string(UK_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(s) << s.error();
    const Strings& e = Strings::embedded();
    EXPECT_EQ(e.languages(), kSix);
    for (const auto& lang : kSix)
        for (const auto& key : keys_used_by_screens())
            EXPECT_EQ(e.get(lang, key), s->get(lang, key)) << lang << " " << key;
}

TEST(Locales, NoLanguageMissesAKey) {
    const Strings& s = Strings::embedded();
    std::string report;
    for (const auto& lang : s.languages()) {
        auto missing = s.missing_keys(lang);
        if (!missing.empty()) report += "\n" + lang + " lacks" + joined(missing);
    }
    EXPECT_TRUE(report.empty()) << "missing keys (they fall back to Japanese):" << report;
}

TEST(Locales, NoLanguageHasKeysJapaneseLacks) {
    const Strings& s = Strings::embedded();
    for (const auto& lang : s.languages())
        EXPECT_TRUE(s.unknown_keys(lang).empty()) << lang << joined(s.unknown_keys(lang));
}

TEST(Locales, EveryKeyTheScreensUseExistsInJapanese) {
    const Strings& s = Strings::embedded();
    for (const auto& key : keys_used_by_screens())
        EXPECT_TRUE(s.has("ja", key)) << key;
}

TEST(Locales, PlaceholdersAreKeptInEveryLanguage) {
    const Strings& s = Strings::embedded();
    for (const auto& [key, ph] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"pin.tries_left", {"{n}"}}, {"face.attempt", {"{n}"}}, {"consent.progress", {"{i}", "{n}"}}})
        for (const auto& lang : kSix)
            for (const auto& p : ph)
                EXPECT_NE(s.get(lang, key).find(p), std::string::npos) << lang << " " << key;
}

TEST(Locales, KeyInstructionsHavePlainJapaneseLines) {
    // やさしい日本語 under the instructions that decide whether a patient gets through.
    const Strings& s = Strings::embedded();
    for (const char* k :
         {"attract.easy", "place_card.easy", "reading.easy", "method.easy", "pin.easy", "pin_last.easy",
          "consent.easy", "confirm.easy", "done.easy", "take_card.easy", "help.easy"}) {
        ASSERT_TRUE(s.has("ja", k)) << k;
        // Kana, spaces and digits only: no kanji a child or a learner might not read.
        for (auto cp : utf8_codepoints(s.get("ja", k)))
            EXPECT_FALSE(cp >= 0x4E00 && cp <= 0x9FFF) << k;
    }
}

TEST(Locales, MissingKeyFallsBackToJapaneseThenTheKey) {
    auto s = Strings::from_json_texts({{"ja", R"({"a": "あ", "b": "い"})"}, {"en", R"({"a": "A"})"}});
    ASSERT_TRUE(s) << s.error();
    EXPECT_EQ(s->get("en", "a"), "A");
    EXPECT_EQ(s->get("en", "b"), "い");
    EXPECT_EQ(s->get("en", "nope"), "nope");
    EXPECT_EQ(s->get("xx", "a"), "あ");
    EXPECT_EQ(s->missing_keys("en"), std::vector<std::string>{"b"});
}

TEST(Locales, BrokenTablesAreRejectedWithTheLanguageNamed) {
    EXPECT_FALSE(Strings::from_json_texts({{"en", R"({"a": "A"})"}}));  // no Japanese
    auto bad = Strings::from_json_texts({{"ja", R"({"a": 3})"}});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("\"a\""), std::string::npos);
    auto trunc = Strings::from_json_texts({{"ja", R"({"a": "x")"}});
    ASSERT_FALSE(trunc);
    EXPECT_NE(trunc.error().find("ja"), std::string::npos);
}

TEST(Locales, FormatFillsPlaceholders) {
    EXPECT_EQ(format("残り{n}回", {{"n", "2"}}), "残り2回");
    EXPECT_EQ(format("{i} of {n}", {{"i", "1"}, {"n", "3"}}), "1 of 3");
    EXPECT_EQ(format("{x} stays", {{"n", "1"}}), "{x} stays");
}

}  // namespace
}  // namespace uk::ui
