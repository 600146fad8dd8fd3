#include "kiosk/cardfront/era.h"

#include <array>
#include <string>

namespace uk::cardfront {

using namespace std::chrono;

namespace {

struct EraInfo {
    Era era;
    std::string_view name;
    year_month_day start;
};

constexpr std::array<EraInfo, 5> kEras = {{
    {Era::Meiji, "明治", year{1868} / January / 25},
    {Era::Taisho, "大正", year{1912} / July / 30},
    {Era::Showa, "昭和", year{1926} / December / 25},
    {Era::Heisei, "平成", year{1989} / January / 8},
    {Era::Reiwa, "令和", year{2019} / May / 1},
}};

const EraInfo& info(Era e) {
    return kEras[static_cast<std::size_t>(e)];
}

}  // namespace

std::string_view era_name(Era e) {
    return info(e).name;
}

year_month_day era_start(Era e) {
    return info(e).start;
}

std::optional<year_month_day> era_last_day(Era e) {
    const auto i = static_cast<std::size_t>(e);
    if (i + 1 >= kEras.size()) return std::nullopt;
    return year_month_day{sys_days{kEras[i + 1].start} - days{1}};
}

Result<year_month_day> to_gregorian(const EraDate& d) {
    const auto& e = info(d.era);
    if (d.year < 1 || d.year > 99) {
        return Error{"the year is out of range for " + std::string(e.name)};
    }
    const int gy = static_cast<int>(e.start.year()) + d.year - 1;
    const year_month_day g{year{gy}, month{d.month}, day{d.day}};
    if (!g.ok()) return Error{"the birth date does not exist in the calendar"};
    if (sys_days{g} < sys_days{e.start}) {
        return Error{"the birth date is before the first day of " + std::string(e.name)};
    }
    if (auto last = era_last_day(d.era); last && sys_days{g} > sys_days{*last}) {
        return Error{"the birth date is after the last day of " + std::string(e.name)};
    }
    return g;
}

Result<EraDate> to_era(year_month_day d) {
    if (!d.ok()) return Error{"not a calendar date"};
    for (auto it = kEras.rbegin(); it != kEras.rend(); ++it) {
        if (sys_days{d} >= sys_days{it->start}) {
            return EraDate{it->era, static_cast<int>(d.year()) - static_cast<int>(it->start.year()) + 1,
                           static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day())};
        }
    }
    return Error{"dates before 明治 are not supported"};
}

}  // namespace uk::cardfront
