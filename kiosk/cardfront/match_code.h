// The pure parser from what OCR (or the keypad) read on the card front to 照合番号B, the 14-digit key of the
// 券面事項確認AP's EF 0012:
//   birth date YYMMDD with YY the year in the Japanese era printed on the card (平成3年 -> 03, 元年 -> 01),
//   + the card's expiry year YYYY (Gregorian, as printed) + the 4-digit セキュリティコード.
// Checks that the birth date exists in its era, that the expiry date is plausible for a valid card, that the
// code is exactly 4 digits. Error messages name the field, never its digits (they are personal data).
// The result lives only in uk::MatchCodeB (memory only, wiped). Source for the era-year rule:
// docs/cardfront.md.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "kiosk/cardfront/era.h"
#include "kiosk/core/result.h"
#include "kiosk/core/secure.h"

namespace uk::cardfront {

using SecurityCode = SecretDigits<4>;

struct BirthDate {
    EraDate era_date;  // the year that goes into 照合番号B
    std::chrono::year_month_day gregorian;
    bool printed_in_era = true;  // false: the card printed it in the Western calendar (converted)
};

// "昭和55年 2月17日生", "平成元年1月8日生", "令和 3年12月 1日生"; also "1985年 4月12日生" (cards that print
// the Western calendar, converted to the era). Full-width digits and spaces are accepted; junk around the
// date is ignored; two different dates or none is an error.
Result<BirthDate> parse_birth_date(std::string_view text);

// "2035年 2月17日まで有効": the card's expiry date (Gregorian, four-digit year).
Result<std::chrono::year_month_day> parse_expiry_date(std::string_view text);

// Exactly one group of exactly four digits (spaces around it allowed).
Result<SecurityCode> parse_security_code(std::string_view text);

// Plausibility against `today` and assembly. Refuses a birth date in the future or more than 130 years ago,
// an expiry date before the birth date, a card that has expired, an expiry year more than 10 years ahead (a
// card is valid until at most the 10th birthday after issue), and an expiry date that is not the birthday
// (the card is valid until a birthday; this catches a digit misread in either line). Cards whose expiry
// follows a residence period instead (some foreign residents) are refused here and use the keypad.
Result<MatchCodeB> make_match_code_b(const BirthDate& birth, std::chrono::year_month_day expiry,
                                     const SecurityCode& code, std::chrono::year_month_day today);

// The card is valid until a birthday: true when the expiry date is the birth date's month and day (29
// February: 28 February or 1 March too). A misread day or month in either line shows up here.
bool expiry_is_birthday(const BirthDate& birth, std::chrono::year_month_day expiry);

// The three recognised lines of one frame. Wiped on destruction (they hold personal data).
struct FrontText {
    std::string birth;
    std::string expiry;
    std::string security_code;
    FrontText() = default;
    FrontText(const FrontText&) = delete;
    FrontText& operator=(const FrontText&) = delete;
    ~FrontText();
};

// parse_birth_date + parse_expiry_date + parse_security_code + make_match_code_b.
Result<MatchCodeB> parse_front(const FrontText& text, std::chrono::year_month_day today);

// Wipes a string's bytes (including its capacity) and empties it.
void wipe(std::string& s);

}  // namespace uk::cardfront
