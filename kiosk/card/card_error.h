// CardError / CardResult<T>: what a card operation returns. The fault is the vocabulary the check-in flow
// understands (kiosk/core/card_fault.h); tries_left travels with WrongPin; the message is for IT staff and
// never holds a PIN or personal data.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "kiosk/core/card_fault.h"

namespace uk::card {

struct CardError {
    CardFault fault = CardFault::Unreadable;
    int tries_left = -1;             // with WrongPin (and 0 with PinBlocked); -1 when not applicable
    std::uint16_t sw = 0;            // the status word that caused it, 0 when it did not come from the card
    bool refused_by_policy = false;  // the application allow-list stopped the command before the card saw it
    std::string message;
};

struct Done {};  // the value of an operation that only succeeds or fails

template <class T>
class CardResult {
  public:
    CardResult(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
    CardResult(CardError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }
    const CardError& error() const { return std::get<CardError>(v_); }
    CardFault fault() const { return error().fault; }

  private:
    std::variant<T, CardError> v_;
};

inline CardError make_error(CardFault f, std::string message, std::uint16_t sw = 0, int tries_left = -1) {
    CardError e;
    e.fault = f;
    e.message = std::move(message);
    e.sw = sw;
    e.tries_left = tries_left;
    return e;
}

}  // namespace uk::card
