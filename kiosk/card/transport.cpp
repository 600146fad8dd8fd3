#include "kiosk/card/transport.h"

#include "kiosk/card/apdu.h"
#include "kiosk/core/secure.h"

namespace uk::card {

CardResult<Bytes> RecordingTransport::transmit(ByteView command) {
    Bytes copy(command.begin(), command.end());
    if (copy.size() > 5 && copy[1] == ins::kVerify) {
        // Zero the data field (short Lc form: header 4 + Lc 1; extended: header 4 + 3).
        const std::size_t start = copy[4] == 0 && copy.size() > 7 ? 7 : 5;
        for (std::size_t i = start; i < copy.size(); ++i)
            copy[i] = 0;
    }
    commands_.push_back(std::move(copy));
    return inner_.transmit(command);
}

}  // namespace uk::card
