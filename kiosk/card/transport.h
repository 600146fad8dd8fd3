// CardTransport: how the card code reaches a card. Implementations: platform/pcsc PcscTransport (a real
// reader through pcscd), tools/cardsim InProcessTransport (the simulator's card logic in this process), and
// the test doubles below. Every transport the kiosk uses is wrapped by ApplicationGuard (application_guard.h)
// inside MyNumberCard, so no caller can reach the card around the allow-list.
//
// transmit() takes one command APDU and returns the card's raw answer (data + SW1 SW2) or an error:
//   CardFault::Removed   the card left the reader (SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD, socket closed)
//   CardFault::Transport reader gone, pcscd gone, time-out, protocol error
// It does not interpret status words. Not thread-safe: one session uses it from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "kiosk/card/bytes.h"
#include "kiosk/card/card_error.h"

namespace uk::card {

class CardTransport {
  public:
    virtual ~CardTransport() = default;
    virtual CardResult<Bytes> transmit(ByteView command) = 0;
    // Changes whenever the card was reset, re-inserted or reconnected: callers forget what they had selected.
    virtual std::uint64_t card_generation() const { return 0; }
    // Exclusive use of the card for a multi-APDU operation (PC/SC: SCardBeginTransaction), so that another
    // application sharing the reader cannot interleave its commands and change the selection. Failing to get
    // it is not an error: the APDUs then report what is wrong. Default: nothing to do.
    virtual void begin_exclusive() {}
    virtual void end_exclusive() {}
};

// A transport that forwards to another and keeps a copy of every command, with VERIFY data zeroed (the copy
// keeps the command's shape, never its secret). Used by the security tests and the benchmark to prove what
// the kiosk sent.
class RecordingTransport final : public CardTransport {
  public:
    explicit RecordingTransport(CardTransport& inner) : inner_(inner) {}
    CardResult<Bytes> transmit(ByteView command) override;
    std::uint64_t card_generation() const override { return inner_.card_generation(); }
    void begin_exclusive() override { inner_.begin_exclusive(); }
    void end_exclusive() override { inner_.end_exclusive(); }
    const std::vector<Bytes>& commands() const { return commands_; }
    void clear() { commands_.clear(); }

  private:
    CardTransport& inner_;
    std::vector<Bytes> commands_;
};

// A transport whose answers come from a function: for unit tests and the fuzz targets (after OpenSC's
// fuzzer_reader.c, which feeds scripted responses to the card driver).
class FunctionTransport final : public CardTransport {
  public:
    using Fn = std::function<CardResult<Bytes>(ByteView)>;
    explicit FunctionTransport(Fn fn) : fn_(std::move(fn)) {}
    CardResult<Bytes> transmit(ByteView command) override { return fn_(command); }
    std::uint64_t card_generation() const override { return generation_; }
    void bump_generation() { ++generation_; }

  private:
    Fn fn_;
    std::uint64_t generation_ = 0;
};

}  // namespace uk::card
