#include "tools/cardsim/in_process_transport.h"

namespace uk::cardsim {

card::CardResult<card::Bytes> InProcessTransport::transmit(card::ByteView command) {
    if (present_ && card_.removal_due()) present_ = false;
    if (!present_)
        return card::make_error(CardFault::Removed, "the card was removed from the (in-process) reader");
    return card_.process(command);
}

}  // namespace uk::cardsim
