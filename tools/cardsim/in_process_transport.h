// InProcessTransport: a CardTransport straight into a SimulatedCard in this process (unit tests, the demo
// without a reader). remove()/insert() act like taking the card out and putting it back; the simulator's
// removal fault ends in CardFault::Removed exactly like a real reader would report it.
#pragma once

#include "kiosk/card/transport.h"
#include "tools/cardsim/sim_card.h"

namespace uk::cardsim {

class InProcessTransport final : public card::CardTransport {
  public:
    explicit InProcessTransport(SimulatedCard& card) : card_(card) {}
    card::CardResult<card::Bytes> transmit(card::ByteView command) override;
    std::uint64_t card_generation() const override { return generation_; }
    void remove() { present_ = false; }
    void insert() {
        card_.reset();
        present_ = true;
        ++generation_;
    }
    bool present() const { return present_; }

  private:
    SimulatedCard& card_;
    bool present_ = true;
    std::uint64_t generation_ = 1;
};

}  // namespace uk::cardsim
