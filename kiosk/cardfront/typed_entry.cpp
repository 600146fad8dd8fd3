#include "kiosk/cardfront/typed_entry.h"

#include <string>

#include "kiosk/cardfront/era.h"
#include "kiosk/cardfront/match_code.h"

namespace uk::cardfront {

using namespace std::chrono;

std::string_view to_string(BirthCalendar c) {
    switch (c) {
        case BirthCalendar::Taisho:
            return "taisho";
        case BirthCalendar::Showa:
            return "showa";
        case BirthCalendar::Heisei:
            return "heisei";
        case BirthCalendar::Reiwa:
            return "reiwa";
        case BirthCalendar::Western:
            return "western";
    }
    return "western";
}

std::string_view to_string(TypedField f) {
    switch (f) {
        case TypedField::Birth:
            return "birth";
        case TypedField::Expiry:
            return "expiry";
        case TypedField::Code:
            return "code";
    }
    return "birth";
}

namespace {

int number(std::string_view digits) {
    int v = 0;
    for (char c : digits)
        v = v * 10 + (c - '0');
    return v;
}

Era era_of(BirthCalendar c) {
    switch (c) {
        case BirthCalendar::Taisho:
            return Era::Taisho;
        case BirthCalendar::Showa:
            return Era::Showa;
        case BirthCalendar::Heisei:
            return Era::Heisei;
        case BirthCalendar::Reiwa:
        case BirthCalendar::Western:
            break;
    }
    return Era::Reiwa;
}

}  // namespace

std::size_t TypedCardFront::birth_length() const {
    return calendar_ == BirthCalendar::Western ? 8 : 6;
}

std::string& TypedCardFront::text(TypedField f) {
    return f == TypedField::Birth ? birth_ : expiry_;
}

void TypedCardFront::choose_calendar(BirthCalendar c) {
    calendar_ = c;
    if (birth_.size() > birth_length()) {
        wipe(birth_);
    }
    field_ = TypedField::Birth;
    problem_.clear();
}

void TypedCardFront::select(TypedField f) {
    field_ = f;
}

bool TypedCardFront::complete() const {
    return calendar_ && birth_.size() == birth_length() && expiry_.size() == 4 && code_.size() == 4;
}

void TypedCardFront::digit(char d) {
    if (d < '0' || d > '9') return;
    problem_.clear();
    if (field_ == TypedField::Code) {
        code_.push(d);
    } else {
        std::string& t = text(field_);
        std::size_t cap = field_ == TypedField::Birth ? birth_length() : 4;
        if (t.size() >= cap) return;
        t.push_back(d);
    }
    // Full: on to the next field that still needs digits.
    auto full = [&](TypedField f) {
        return f == TypedField::Birth    ? birth_.size() == birth_length()
               : f == TypedField::Expiry ? expiry_.size() == 4
                                         : code_.size() == 4;
    };
    if (!full(field_)) return;
    for (TypedField f : {TypedField::Birth, TypedField::Expiry, TypedField::Code})
        if (!full(f)) {
            field_ = f;
            return;
        }
}

void TypedCardFront::erase() {
    problem_.clear();
    auto empty = [&](TypedField f) { return f == TypedField::Code ? code_.empty() : text(f).empty(); };
    if (empty(field_) && field_ != TypedField::Birth)
        field_ = field_ == TypedField::Code ? TypedField::Expiry : TypedField::Birth;
    if (field_ == TypedField::Code) {
        code_.pop();
    } else if (std::string& t = text(field_); !t.empty()) {
        t.back() = '\0';
        t.pop_back();
    }
}

void TypedCardFront::clear() {
    wipe(birth_);
    wipe(expiry_);
    code_.clear();
    calendar_.reset();
    field_ = TypedField::Birth;
    problem_.clear();
}

Result<MatchCodeB> TypedCardFront::build(year_month_day today) {
    auto fail = [&](TypedField f, const char* key, const char* what) -> Result<MatchCodeB> {
        problem_ = key;
        field_ = f;
        code_.clear();
        return Error{std::string(to_string(f)) + ": " + what};
    };
    if (!calendar_)
        return fail(TypedField::Birth, "card_front_keypad.problem.calendar", "no calendar chosen");
    if (birth_.size() != birth_length())
        return fail(TypedField::Birth, "card_front_keypad.problem.birth", "incomplete");
    if (expiry_.size() != 4)
        return fail(TypedField::Expiry, "card_front_keypad.problem.expiry", "incomplete");
    if (code_.size() != 4) return fail(TypedField::Code, "card_front_keypad.problem.code", "incomplete");

    // The birth date: it must exist in the chosen calendar (and era).
    EraDate era_date;
    year_month_day born;
    if (*calendar_ == BirthCalendar::Western) {
        std::string_view b(birth_);
        born = year{number(b.substr(0, 4))} / month{static_cast<unsigned>(number(b.substr(4, 2)))} /
               day{static_cast<unsigned>(number(b.substr(6, 2)))};
        if (!born.ok()) return fail(TypedField::Birth, "card_front_keypad.problem.birth", "not a date");
        auto e = to_era(born);
        if (!e) return fail(TypedField::Birth, "card_front_keypad.problem.birth", "before the eras");
        era_date = *e;
    } else {
        std::string_view b(birth_);
        era_date.era = era_of(*calendar_);
        era_date.year = number(b.substr(0, 2));
        era_date.month = static_cast<unsigned>(number(b.substr(2, 2)));
        era_date.day = static_cast<unsigned>(number(b.substr(4, 2)));
        auto g = to_gregorian(era_date);
        if (!g) return fail(TypedField::Birth, "card_front_keypad.problem.birth", "not a date in that era");
        born = *g;
    }
    if (sys_days{born} > sys_days{today})
        return fail(TypedField::Birth, "card_front_keypad.problem.birth", "in the future");
    if (born.year() < today.year() - years{130})
        return fail(TypedField::Birth, "card_front_keypad.problem.birth", "more than 130 years ago");
    if (era_date.year < 1 || era_date.year > 99)
        return fail(TypedField::Birth, "card_front_keypad.problem.birth", "era year out of range");

    // The expiry year: a card that is still valid, at most ten years ahead, after the birth.
    int expiry_year = number(expiry_);
    int this_year = static_cast<int>(today.year());
    if (expiry_year < this_year || expiry_year > this_year + 10 ||
        expiry_year <= static_cast<int>(born.year()))
        return fail(TypedField::Expiry, "card_front_keypad.problem.expiry", "not a plausible expiry year");

    MatchCodeB out;
    std::string digits =
        std::string(1, static_cast<char>('0' + era_date.year / 10)) +
        static_cast<char>('0' + era_date.year % 10) + static_cast<char>('0' + era_date.month / 10) +
        static_cast<char>('0' + era_date.month % 10) + static_cast<char>('0' + era_date.day / 10) +
        static_cast<char>('0' + era_date.day % 10) + expiry_;
    for (char c : digits)
        out.push(c);
    wipe(digits);
    for (auto b : code_.bytes())
        out.push(static_cast<char>(b));
    code_.clear();
    problem_.clear();
    if (out.size() != MatchCodeB::capacity()) {
        out.clear();
        return Error{"照合番号B: not 14 digits"};
    }
    return out;
}

}  // namespace uk::cardfront
