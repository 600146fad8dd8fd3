// The demo's card reader: the in-process simulated My Number card behind a reader that can be "touched"
// from the UI thread. Insertion runs on the card thread (it resets the card); removal is immediate and
// thread-safe, so a card pulled out mid-read fails the next APDU with CardFault::Removed exactly as a real
// reader would report it.
#pragma once

#include <atomic>

#include "kiosk/card/transport.h"
#include "tools/cardsim/in_process_transport.h"

namespace uk::app {

class SimReader final : public card::CardTransport {
  public:
    explicit SimReader(cardsim::SimulatedCard& card) : inner_(card) { inner_.remove(); }
    card::CardResult<card::Bytes> transmit(card::ByteView command) override {
        if (!present_.load()) return card::make_error(CardFault::Removed, "the card left the reader");
        return inner_.transmit(command);
    }
    std::uint64_t card_generation() const override { return inner_.card_generation(); }
    // Card thread only.
    void insert() {
        inner_.insert();
        present_ = true;
    }
    // Any thread.
    void remove() { present_ = false; }
    bool present() const { return present_.load(); }

  private:
    cardsim::InProcessTransport inner_;
    std::atomic<bool> present_{false};
};

}  // namespace uk::app
