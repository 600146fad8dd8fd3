// The pure 照合番号B parser: era boundaries, malformed readings, plausibility, and agreement with the test
// PKI's own (independently written) 照合番号B of every simulator identity.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kiosk/cardfront/era.h"
#include "kiosk/cardfront/match_code.h"
#include "tools/pki/pki.h"

namespace uk::cardfront {
namespace {

using namespace std::chrono;

constexpr year_month_day kToday = year{2026} / November / 25;

std::string digits(const MatchCodeB& c) {
    std::string s;
    for (auto b : c.bytes())
        s.push_back(static_cast<char>(b));
    return s;
}

// The six YYMMDD digits of a birth line, or "refused: <message>".
std::string birth_digits(std::string_view text) {
    auto b = parse_birth_date(text);
    if (!b) return "refused: " + b.error();
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d%02u%02u", b->era_date.year, b->era_date.month, b->era_date.day);
    return buf;
}

bool refused(std::string_view text) {
    return !parse_birth_date(text).ok();
}

// [SECTION] Eras

TEST(Era, BoundariesAreTheFirstAndLastDays) {
    EXPECT_EQ(era_start(Era::Showa), year{1926} / December / 25);
    EXPECT_EQ(*era_last_day(Era::Showa), year{1989} / January / 7);
    EXPECT_EQ(era_start(Era::Heisei), year{1989} / January / 8);
    EXPECT_EQ(*era_last_day(Era::Heisei), year{2019} / April / 30);
    EXPECT_EQ(era_start(Era::Reiwa), year{2019} / May / 1);
    EXPECT_FALSE(era_last_day(Era::Reiwa).has_value());
    EXPECT_EQ(*era_last_day(Era::Taisho), year{1926} / December / 24);
    EXPECT_EQ(*era_last_day(Era::Meiji), year{1912} / July / 29);
}

TEST(Era, ToEraAndBackAgreeOnEveryDayFrom1900To2030) {
    for (sys_days d = sys_days{year{1900} / 1 / 1}; d < sys_days{year{2031} / 1 / 1}; d += days{1}) {
        auto e = to_era(year_month_day{d});
        ASSERT_TRUE(e.ok());
        auto g = to_gregorian(*e);
        ASSERT_TRUE(g.ok()) << g.error();
        ASSERT_EQ(sys_days{*g}, d);
    }
}

TEST(Era, FirstDayOfAnEraIsGannen) {
    EXPECT_EQ(to_era(year{1989} / January / 8)->year, 1);
    EXPECT_EQ(to_era(year{1989} / January / 8)->era, Era::Heisei);
    EXPECT_EQ(to_era(year{1989} / January / 7)->era, Era::Showa);
    EXPECT_EQ(to_era(year{1989} / January / 7)->year, 64);
    EXPECT_EQ(to_era(year{2019} / May / 1)->era, Era::Reiwa);
    EXPECT_EQ(to_era(year{2019} / April / 30)->year, 31);
    EXPECT_FALSE(to_era(year{1868} / January / 24).ok());
}

// [SECTION] Birth date

TEST(BirthDate, EraBoundariesInPrintedForm) {
    EXPECT_EQ(birth_digits("昭和64年 1月 7日生"), "640107");
    EXPECT_TRUE(refused("昭和64年 1月 8日生"));
    EXPECT_EQ(birth_digits("平成元年 1月 8日生"), "010108");
    EXPECT_EQ(birth_digits("平成1年1月8日生"), "010108");
    EXPECT_TRUE(refused("平成元年 1月 7日生"));
    EXPECT_EQ(birth_digits("平成31年 4月30日生"), "310430");
    EXPECT_TRUE(refused("平成31年 5月 1日生"));
    EXPECT_EQ(birth_digits("令和元年 5月 1日生"), "010501");
    EXPECT_TRUE(refused("令和元年 4月30日生"));
    EXPECT_EQ(birth_digits("昭和元年12月25日生"), "011225");
    EXPECT_TRUE(refused("昭和元年12月24日生"));
    EXPECT_EQ(birth_digits("大正15年12月24日生"), "151224");
    EXPECT_TRUE(refused("大正15年12月25日生"));
    EXPECT_EQ(birth_digits("明治45年 7月29日生"), "450729");
    EXPECT_EQ(birth_digits("大正元年 7月30日生"), "010730");
    EXPECT_TRUE(refused("明治45年 7月30日生"));
}

TEST(BirthDate, CalendarChecks) {
    EXPECT_EQ(birth_digits("平成4年 2月29日生"), "040229");  // 1992 is a leap year
    EXPECT_TRUE(refused("平成5年 2月29日生"));
    EXPECT_TRUE(refused("昭和55年 2月30日生"));
    EXPECT_TRUE(refused("昭和55年13月 1日生"));
    EXPECT_TRUE(refused("昭和55年 0月 1日生"));
    EXPECT_TRUE(refused("昭和55年 1月 0日生"));
    EXPECT_TRUE(refused("昭和0年 1月 1日生"));
}

TEST(BirthDate, FullWidthDigitsSpacesAndJunkAround) {
    EXPECT_EQ(birth_digits("昭和５５年　２月１７日生"), "550217");
    EXPECT_EQ(birth_digits("  昭和 55 年 2 月 17 日 生  "), "550217");
    EXPECT_EQ(birth_digits("|昭和55年2月17日生 性別 男"), "550217");
}

TEST(BirthDate, GarbledEraCharacterStillNamesOneEra) {
    EXPECT_EQ(birth_digits("昭$55年 2月17日生"), "550217");
    EXPECT_EQ(birth_digits("x成 3年 4月 5日生"), "030405");
    EXPECT_TRUE(refused("x和 3年 4月 5日生"));  // 昭和 or 令和: ambiguous
    EXPECT_TRUE(refused("55年 2月17日生"));     // no era at all
}

TEST(BirthDate, WesternCalendarIsConvertedToTheEraYear) {
    auto b = parse_birth_date("1985年 4月12日生");
    ASSERT_TRUE(b.ok()) << b.error();
    EXPECT_FALSE(b->printed_in_era);
    EXPECT_EQ(b->era_date, (EraDate{Era::Showa, 60, 4, 12}));
    EXPECT_EQ(birth_digits("2019年 5月 1日生"), "010501");
}

TEST(BirthDate, MalformedReadingsAreRefused) {
    for (const char* t : {"", "昭和", "昭和年 2月17日生", "昭和55年 2月生", "昭和55年2月17",
                          "昭和555年 2月17日生", "昭和55年 2月17日 平成3年 4月 5日", "昭和55年 123月 1日生",
                          "\xff\xfe\x80", "昭和5５年", "198年 4月12日生", "19850年 4月12日生"}) {
        EXPECT_TRUE(refused(t)) << t;
    }
}

TEST(BirthDate, ErrorsNeverEchoTheDigits) {
    for (const char* t :
         {"昭和64年 1月 8日生", "昭和55年 2月30日生", "平成95年 2月17日生", "1776年 7月 4日生"}) {
        auto b = parse_birth_date(t);
        ASSERT_FALSE(b.ok()) << t;
        for (char c : b.error())
            EXPECT_FALSE(c >= '0' && c <= '9') << b.error();
    }
}

// [SECTION] Expiry and security code

TEST(Expiry, ParsesTheCardsOwnDate) {
    auto e = parse_expiry_date("2035年 2月17日まで有効");
    ASSERT_TRUE(e.ok()) << e.error();
    EXPECT_EQ(*e, year{2035} / February / 17);
    auto two = parse_expiry_date("2035年 2月17日まで有効 2030年 2月17日");
    ASSERT_TRUE(two.ok()) << two.error();
    EXPECT_EQ(two->year(), year{2035});
}

TEST(Expiry, MalformedReadingsAreRefused) {
    for (const char* t :
         {"", "35年 2月17日まで有効", "2035年 2月30日まで有効", "2035年まで有効",
          "2035年 2月17日 2036年 2月17日", "20355年 2月17日まで有効", "令和17年 2月17日まで有効"}) {
        EXPECT_FALSE(parse_expiry_date(t).ok()) << t;
    }
}

TEST(SecurityCode, ExactlyFourDigits) {
    EXPECT_TRUE(parse_security_code("4821").ok());
    EXPECT_TRUE(parse_security_code(" ４８２１ \n").ok());
    for (const char* t : {"", "482", "48211", "48a1", "4821 1234", "-4821"}) {
        EXPECT_FALSE(parse_security_code(t).ok()) << t;
    }
}

// [SECTION] 照合番号B

std::string code_of(const char* birth, const char* expiry, const char* sec, year_month_day today = kToday) {
    FrontText t;
    t.birth = birth;
    t.expiry = expiry;
    t.security_code = sec;
    auto c = parse_front(t, today);
    return c ? digits(*c) : "refused: " + c.error();
}

TEST(MatchCodeB, RealCardExampleFromPublicMiddleware) {
    // soltia48/myna-card (src/data.rs): confirmed on a real card, born 1980-02-17 (昭和55), expiry 2035, code
    // 2285.
    EXPECT_EQ(code_of("昭和55年 2月17日生", "2035年 2月17日まで有効", "2285"), "55021720352285");
    EXPECT_EQ(code_of("1980年 2月17日生", "2035年 2月17日まで有効", "2285"), "55021720352285");
}

TEST(MatchCodeB, PlausibilityAgainstToday) {
    EXPECT_EQ(code_of("令和 8年11月25日生", "2031年11月25日まで有効", "0001"), "08112520310001");
    EXPECT_NE(code_of("令和 8年11月26日生", "2031年11月25日まで有効", "0001").find("refused"),
              std::string::npos);
    EXPECT_NE(code_of("昭和55年 2月17日生", "2026年 2月17日まで有効", "2285").find("expired"),
              std::string::npos);
    EXPECT_EQ(code_of("昭和55年11月25日生", "2026年11月25日まで有効", "2285"), "55112520262285");
    EXPECT_NE(code_of("昭和55年 2月17日生", "2037年 2月17日まで有効", "2285").find("10 years"),
              std::string::npos);
    EXPECT_EQ(code_of("昭和55年 2月17日生", "2036年 2月17日まで有効", "2285"), "55021720362285");
    EXPECT_NE(code_of("明治 2年 2月17日生", "2030年 2月17日まで有効", "2285").find("130"), std::string::npos);
    EXPECT_NE(code_of("昭和55年 2月17日生", "2030年 2月17日まで有効", "228").find("security"),
              std::string::npos);
}

TEST(MatchCodeB, ExpiryMustBeTheBirthday) {
    EXPECT_NE(code_of("昭和55年 2月 1日生", "2030年 2月17日まで有効", "2285").find("birthday"),
              std::string::npos);
    EXPECT_NE(code_of("昭和55年 2月17日生", "2030年 3月17日まで有効", "2285").find("birthday"),
              std::string::npos);
    EXPECT_EQ(code_of("平成4年 2月29日生", "2030年 2月28日まで有効", "0229"), "04022920300229");
    EXPECT_EQ(code_of("平成4年 2月29日生", "2030年 3月 1日まで有効", "0229"), "04022920300229");
    EXPECT_EQ(code_of("平成4年 2月29日生", "2032年 2月29日まで有効", "0229"), "04022920320229");
}

TEST(MatchCodeB, AgreesWithTheTestPkiForEverySimulatorIdentity) {
    for (const auto& id : pki::default_identities()) {
        int y = 0;
        unsigned m = 0, d = 0;
        ASSERT_EQ(std::sscanf(id.birth_date.c_str(), "%d-%u-%u", &y, &m, &d), 3);
        auto era = to_era(year{y} / month{m} / day{d});
        ASSERT_TRUE(era.ok());
        const std::string year_text = era->year == 1 ? "元" : std::to_string(era->year);
        const std::string birth = std::string(era_name(era->era)) + year_text + "年" + std::to_string(m) +
                                  "月" + std::to_string(d) + "日生";
        // Valid until the birthday in the expiry year (28 February for a 29 February birthday).
        const year_month_day until = year{id.card_expiry_year} / month{m} / day{d};
        const unsigned until_day = until.ok() ? d : 28;
        const std::string expiry = std::to_string(id.card_expiry_year) + "年" + std::to_string(m) + "月" +
                                   std::to_string(until_day) + "日まで有効";
        auto expected = pki::match_code_b(id);
        ASSERT_TRUE(expected.has_value()) << id.name;
        EXPECT_EQ(code_of(birth.c_str(), expiry.c_str(), id.security_code.c_str()), *expected) << id.name;
    }
}

TEST(MatchCodeB, FrontTextIsWipedOnDestruction) {
    std::string s = "昭和55年 2月17日生";
    wipe(s);
    EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace uk::cardfront
