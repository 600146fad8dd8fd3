// CardChannel: sends CommandApdu values through a transport and resolves the ISO 7816-3/-4 transport-level
// status words so that callers see final answers only: 61xx -> GET RESPONSE (chained until 9000), 6Cxx -> the
// same command again with Le = xx. Counts APDUs (the benchmark reports it) and offers a log hook whose lines
// never contain VERIFY data. Wipes the encoded command after sending it (it may hold a PIN).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "kiosk/card/apdu.h"
#include "kiosk/card/transport.h"

namespace uk::card {

class CardChannel {
  public:
    using LogFn = std::function<void(const std::string&)>;
    explicit CardChannel(CardTransport& transport) : t_(transport) {}

    // The final response; a response shorter than 2 bytes, or longer than the caller's Le allows, is
    // CardFault::Unreadable. Status words other than 61xx/6Cxx are returned as they are (not errors).
    CardResult<ResponseApdu> transmit(const CommandApdu& command);

    std::size_t apdu_count() const { return count_; }
    void set_log(LogFn fn) { log_ = std::move(fn); }
    CardTransport& transport() { return t_; }

  private:
    CardResult<ResponseApdu> send_once(const CommandApdu& command);
    CardTransport& t_;
    std::size_t count_ = 0;
    LogFn log_;
};

}  // namespace uk::card
