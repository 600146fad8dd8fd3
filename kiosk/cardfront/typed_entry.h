// The keypad fallback for 照合番号B: the patient types what the card front prints (the birth date with its
// calendar, the expiry year, the 4-digit security code) when the camera cannot read it. A small editor model
// for the screen (kiosk/ui draws it, kiosk/app feeds it the taps) and the assembly into 照合番号B with the
// same rules as the camera's parser where they apply: the birth date must exist in the chosen era, not be in
// the future or more than 130 years ago; the expiry year must be this year or up to 10 years ahead. Unlike
// the camera path, the expiry need not be the birthday (the patient types only its year, and residence-card
// holders' cards expire on another day), so a typo there is caught by the card's VERIFY, which the tries
// guard and the flow (one VERIFY, then type again) keep safe.
// The digits are wiped on clear(), on destruction and after build(); problem() names a field, never digits.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"
#include "kiosk/core/secure.h"

namespace uk::cardfront {

// How the card prints the birth date: in an era (most cards) or in the Western calendar.
enum class BirthCalendar { Taisho, Showa, Heisei, Reiwa, Western };
inline constexpr BirthCalendar kBirthCalendars[] = {BirthCalendar::Showa, BirthCalendar::Heisei,
                                                    BirthCalendar::Reiwa, BirthCalendar::Taisho,
                                                    BirthCalendar::Western};
std::string_view to_string(BirthCalendar c);  // "showa" ... "western" (locale keys)

enum class TypedField { Birth, Expiry, Code };
std::string_view to_string(TypedField f);  // "birth", "expiry", "code"

class TypedCardFront {
  public:
    TypedCardFront() = default;
    TypedCardFront(const TypedCardFront&) = delete;
    TypedCardFront& operator=(const TypedCardFront&) = delete;
    ~TypedCardFront() { clear(); }

    void choose_calendar(BirthCalendar c);  // keeps the digits that still fit
    void select(TypedField f);
    // One digit into the current field; when the field is full the next empty one becomes current.
    void digit(char d);
    void erase();  // the last digit of the current field (or of the previous field when it is empty)
    void clear();  // everything, wiped

    std::optional<BirthCalendar> calendar() const { return calendar_; }
    TypedField field() const { return field_; }
    std::size_t birth_length() const;  // YYMMDD = 6 in an era, YYYYMMDD = 8 in the Western calendar
    const std::string& birth_digits() const { return birth_; }  // shown on screen to the patient
    const std::string& expiry_digits() const { return expiry_; }
    std::size_t code_length() const { return code_.size(); }  // the code itself is never shown
    bool complete() const;
    // A locale key saying what is wrong after a failed build(), else empty.
    const std::string& problem() const { return problem_; }

    // 照合番号B when the entry is plausible; otherwise an error naming the field, the problem() key set and
    // the wrong field selected. The security code is wiped either way (typed again on a retry).
    Result<MatchCodeB> build(std::chrono::year_month_day today);

  private:
    std::string& text(TypedField f);
    std::optional<BirthCalendar> calendar_;
    TypedField field_ = TypedField::Birth;
    std::string birth_, expiry_;
    SecretDigits<4> code_;
    std::string problem_;
};

}  // namespace uk::cardfront
