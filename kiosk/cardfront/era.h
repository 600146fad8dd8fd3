// Japanese eras (和暦) and their Gregorian boundaries, for the birth date printed on the card front and for
// 照合番号B, whose first two digits are the birth year in the era (平成3年 -> "03", 元年 -> "01").
// Pure: no I/O, no clock. Sources and choices: docs/cardfront.md.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk::cardfront {

enum class Era { Meiji, Taisho, Showa, Heisei, Reiwa };

// 明治 / 大正 / 昭和 / 平成 / 令和 (UTF-8).
std::string_view era_name(Era e);

// First day of the era (that day's year is 元年 = year 1). The era ends the day before the next one starts.
//   明治 1868-01-25 (Gregorian date of 明治元年1月1日; dates before 1873 were lunar, nobody alive was born
//   then) 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.
std::chrono::year_month_day era_start(Era e);
// The day before the next era starts; nullopt for the current era (令和).
std::optional<std::chrono::year_month_day> era_last_day(Era e);

struct EraDate {
    Era era = Era::Reiwa;
    int year = 1;  // 1 = 元年
    unsigned month = 1;
    unsigned day = 1;
    bool operator==(const EraDate&) const = default;
};

// Era date -> Gregorian; an error when the date does not exist in the calendar or not in that era
// (昭和64年1月8日, 平成31年5月1日, 令和元年4月30日 are refused).
Result<std::chrono::year_month_day> to_gregorian(const EraDate& d);

// Gregorian -> era date; an error before 明治.
Result<EraDate> to_era(std::chrono::year_month_day d);

}  // namespace uk::cardfront
