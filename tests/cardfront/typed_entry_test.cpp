// The keypad fallback's editor model: what the patient types becomes exactly the 照合番号B the card expects,
// and implausible entries are refused before any VERIFY, naming the field and keeping nothing secret.
#include <gtest/gtest.h>

#include <string>

#include "kiosk/cardfront/typed_entry.h"

namespace uk::cardfront {
namespace {

using namespace std::chrono;
constexpr year_month_day kToday = 2026y / November / 25d;

void type(TypedCardFront& t, std::string_view digits) {
    for (char c : digits)
        t.digit(c);
}

std::string digits_of(const MatchCodeB& m) {
    std::string s;
    for (auto b : m.bytes())
        s.push_back(static_cast<char>(b));
    return s;
}

TEST(TypedCardFront, EraBirthDateExpiryYearAndCodeMakeThe14Digits) {
    TypedCardFront t;
    t.choose_calendar(BirthCalendar::Showa);
    type(t,
         "550217"
         "2030"
         "4821");  // one run: each full field moves on to the next
    EXPECT_TRUE(t.complete());
    EXPECT_EQ(t.birth_digits(), "550217");
    EXPECT_EQ(t.expiry_digits(), "2030");
    EXPECT_EQ(t.code_length(), 4u);
    auto m = t.build(kToday);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(digits_of(*m), "55021720304821");
    EXPECT_EQ(t.code_length(), 0u);  // the code is wiped once used
}

TEST(TypedCardFront, WesternCalendarCardsAreConvertedToTheEraYear) {
    TypedCardFront t;
    t.choose_calendar(BirthCalendar::Western);
    EXPECT_EQ(t.birth_length(), 8u);
    type(t,
         "19850412"
         "2031"
         "0007");
    auto m = t.build(kToday);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(digits_of(*m), "60041220310007");  // 1985 = 昭和60年
}

TEST(TypedCardFront, GannenAndEraBoundaries) {
    TypedCardFront t;
    t.choose_calendar(BirthCalendar::Heisei);
    type(t,
         "010108"
         "2029"
         "1111");  // 平成元年1月8日, the era's first day
    auto m = t.build(kToday);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(digits_of(*m), "01010820291111");

    for (auto [cal, birth] : {std::pair{BirthCalendar::Showa, "640108"},   // 昭和64年1月8日 is 平成
                              std::pair{BirthCalendar::Reiwa, "010430"},   // 令和元年4月30日 is 平成
                              std::pair{BirthCalendar::Heisei, "310501"},  // 平成31年5月1日 is 令和
                              std::pair{BirthCalendar::Showa, "550230"}}) {  // no 30 February
        TypedCardFront u;
        u.choose_calendar(cal);
        type(u, std::string(birth) + "2030" + "1234");
        auto r = u.build(kToday);
        EXPECT_FALSE(r) << birth;
        EXPECT_EQ(u.problem(), "card_front_keypad.problem.birth") << birth;
        EXPECT_EQ(u.field(), TypedField::Birth);
        EXPECT_EQ(r.error().find(birth), std::string::npos) << "the message must not repeat the digits";
        EXPECT_EQ(u.code_length(), 0u);
    }
}

TEST(TypedCardFront, ImplausibleDatesAreRefusedBeforeAnyVerify) {
    struct Case {
        BirthCalendar cal;
        const char* digits;
        const char* problem;
    };
    for (const auto& c : {Case{BirthCalendar::Reiwa,
                               "0812012030"
                               "1234",
                               "card_front_keypad.problem.birth"},
                          Case{BirthCalendar::Western,
                               "18800101"
                               "2030"
                               "1234",
                               "card_front_keypad.problem.birth"},  // 146 years old
                          Case{BirthCalendar::Showa,
                               "550217"
                               "2025"
                               "1234",
                               "card_front_keypad.problem.expiry"},  // expired
                          Case{BirthCalendar::Showa,
                               "550217"
                               "2037"
                               "1234",
                               "card_front_keypad.problem.expiry"}}) {  // more than ten years ahead
        TypedCardFront t;
        t.choose_calendar(c.cal);
        type(t, c.digits);
        ASSERT_TRUE(t.complete()) << c.digits;
        EXPECT_FALSE(t.build(kToday)) << c.digits;
        EXPECT_EQ(t.problem(), c.problem) << c.digits;
    }
}

TEST(TypedCardFront, IncompleteEntriesSayWhichFieldIsMissing) {
    TypedCardFront t;
    EXPECT_FALSE(t.build(kToday));
    EXPECT_EQ(t.problem(), "card_front_keypad.problem.calendar");
    t.choose_calendar(BirthCalendar::Heisei);
    type(t, "0304052031");
    EXPECT_EQ(t.field(), TypedField::Code);
    EXPECT_FALSE(t.build(kToday));
    EXPECT_EQ(t.problem(), "card_front_keypad.problem.code");
    t.digit('5');
    EXPECT_TRUE(t.problem().empty());  // typing clears the message
}

TEST(TypedCardFront, EraseWalksBackAcrossFieldsAndClearWipesAll) {
    TypedCardFront t;
    t.choose_calendar(BirthCalendar::Heisei);
    type(t,
         "030405"
         "2031"
         "12");
    t.erase();
    t.erase();
    EXPECT_EQ(t.code_length(), 0u);
    t.erase();  // the code is empty: back into the expiry year
    EXPECT_EQ(t.field(), TypedField::Expiry);
    EXPECT_EQ(t.expiry_digits(), "203");
    t.select(TypedField::Birth);
    t.digit('9');  // a full field takes no more digits
    EXPECT_EQ(t.birth_digits(), "030405");
    t.clear();
    EXPECT_FALSE(t.calendar());
    EXPECT_EQ(t.birth_digits(), "");
    EXPECT_EQ(t.expiry_digits(), "");
    EXPECT_EQ(t.field(), TypedField::Birth);
}

TEST(TypedCardFront, SwitchingCalendarKeepsWhatStillFits) {
    TypedCardFront t;
    t.choose_calendar(BirthCalendar::Western);
    type(t, "19850412");
    t.choose_calendar(BirthCalendar::Showa);  // 8 digits do not fit an era date: typed again
    EXPECT_EQ(t.birth_digits(), "");
    type(t, "6004");
    t.choose_calendar(BirthCalendar::Western);
    EXPECT_EQ(t.birth_digits(), "6004");
}

}  // namespace
}  // namespace uk::cardfront
