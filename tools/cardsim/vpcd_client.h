// The card side of vsmartcard's vpcd protocol, in C++ (no Python): connect to the vpcd driver inside pcscd
// (= insert the card), answer its frames, close the socket (= remove the card).
// Frame: 2-byte big-endian length + payload. A 1-byte payload is a control: 0 power off, 1 power on, 2 reset,
// 4 "send the ATR"; anything longer is a command APDU answered with data + SW1 SW2. TCP_QUICKACK is set
// around every recv, or vpcd's two-write frames meet delayed ACKs and every APDU costs ~40 ms (feasibility.md
// §3).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "kiosk/core/result.h"
#include "tools/cardsim/sim_card.h"

namespace uk::cardsim {

struct VpcdOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 35963;
    std::chrono::milliseconds connect_timeout{10000};  // retried every 100 ms while vpcd is not listening yet
};

// Serves until `stop` becomes true, vpcd closes the connection, or the card's removal fault is due; then
// closes the socket. Returns why it stopped ("stopped", "vpcd closed", "removed by fault") or an error.
Result<std::string> serve_vpcd(SimulatedCard& card, const VpcdOptions& options,
                               const std::atomic<bool>& stop);

}  // namespace uk::cardsim
