// ApplicationGuard: the allow-list at the transport layer. Only the JPKI AP and the card-face confirmation AP
// may be selected, by their exact DF names; inside them only the files the kiosk needs may be selected; only
// the instructions the kiosk needs may be sent. Everything else - the 券面事項入力補助AP that holds the My
// Number, any prefix or partial name of it, SELECT by path or by short file id, the signing certificate (name
// and address), 照合番号A (which is the My Number), writes, PIN changes - is refused here before it reaches
// the card, whatever code asks. MyNumberCard always talks through one; tests/security proves it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/card/transport.h"

namespace uk::card {

class ApplicationGuard final : public CardTransport {
  public:
    explicit ApplicationGuard(CardTransport& inner) : inner_(inner) {}
    CardResult<Bytes> transmit(ByteView command) override;
    std::uint64_t card_generation() const override { return inner_.card_generation(); }
    void begin_exclusive() override { inner_.begin_exclusive(); }
    void end_exclusive() override { inner_.end_exclusive(); }

    std::size_t refused_count() const { return refused_; }
    const std::string& last_refusal() const { return last_refusal_; }

    // What the guard allows, for docs and tests.
    static bool aid_allowed(ByteView aid);

  private:
    enum class Ap { None, Jpki, Kenkaku };
    CardResult<Bytes> refuse(std::string why);
    std::optional<std::string> check(ByteView command);

    CardTransport& inner_;
    Ap ap_ = Ap::None;
    std::optional<std::uint16_t> ef_;
    std::uint64_t generation_ = 0;
    std::size_t refused_ = 0;
    std::string last_refusal_;
    // What the command being sent would select if the card says 9000.
    Ap pending_ap_ = Ap::None;
    std::optional<std::uint16_t> pending_ef_;
    bool pending_select_ = false;
};

}  // namespace uk::card
