// Secrets (PINs, 照合番号B) live in SecretDigits: fixed capacity, never copied implicitly, wiped on
// destruction and on clear(). Nothing in the project formats one into a log line: there is no operator<< and
// no to_string.
#pragma once

#include <string.h>  // explicit_bzero (glibc)

// Declares VerificationMethod::Pin before the uk::Pin alias below: GCC's -Wshadow flags an enumerator
// declared after a namespace-scope name it matches, whatever order a file includes the two headers in.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include "kiosk/core/types.h"

namespace uk {

inline void secure_wipe(void* p, std::size_t n) {
    if (p != nullptr && n != 0)
        ::explicit_bzero(p, n);  // an empty std::vector gives data() == nullptr (UBSan)
}

template <std::size_t Capacity>
class SecretDigits {
  public:
    SecretDigits() = default;
    SecretDigits(const SecretDigits&) = delete;
    SecretDigits& operator=(const SecretDigits&) = delete;
    SecretDigits(SecretDigits&& o) noexcept : buf_(o.buf_), len_(o.len_) { o.clear(); }
    SecretDigits& operator=(SecretDigits&& o) noexcept {
        if (this != &o) {
            clear();
            buf_ = o.buf_;
            len_ = o.len_;
            o.clear();
        }
        return *this;
    }
    ~SecretDigits() { clear(); }

    // Appends one ASCII digit; returns false when full or not a digit.
    bool push(char c) {
        if (len_ >= Capacity || c < '0' || c > '9') return false;
        buf_[len_++] = static_cast<std::uint8_t>(c);
        return true;
    }
    void pop() {
        if (len_ > 0) buf_[--len_] = 0;
    }
    void clear() {
        secure_wipe(buf_.data(), buf_.size());
        len_ = 0;
    }
    std::size_t size() const { return len_; }
    bool empty() const { return len_ == 0; }
    static constexpr std::size_t capacity() { return Capacity; }
    // The bytes as the card's VERIFY wants them (ASCII digits). Only the APDU builder should call this.
    std::span<const std::uint8_t> bytes() const { return {buf_.data(), len_}; }

  private:
    std::array<std::uint8_t, Capacity> buf_{};
    std::size_t len_ = 0;
};

using Pin = SecretDigits<4>;  // 利用者証明用電子証明書の暗証番号: 4 digits
using MatchCodeB =
    SecretDigits<14>;  // 照合番号B: birth date YYMMDD + expiry year YYYY + security code 4 digits

}  // namespace uk
