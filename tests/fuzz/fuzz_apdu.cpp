// Fuzz target: response and command APDU parsing, the log description, the ISO channel (61xx/6Cxx) and the
// application guard, on arbitrary bytes.
#include <cstddef>
#include <cstdint>

#include "kiosk/card/apdu.h"
#include "kiosk/card/application_guard.h"
#include "kiosk/card/channel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace uk::card;
    const ByteView in(data, size);
    (void)parse_response(in);
    if (auto c = parse_command(in)) {
        (void)describe(*c);
        (void)c->encode();
    }
    // The input as a card answering every command (the channel must terminate and never overread).
    FunctionTransport card([&](ByteView) -> CardResult<Bytes> { return Bytes(in.begin(), in.end()); });
    CardChannel channel(card);
    (void)channel.transmit(read_binary(0, 256, false));
    // The input as a command through the guard (must never crash; refusals are fine).
    FunctionTransport ok([](ByteView) -> CardResult<Bytes> { return Bytes{0x90, 0x00}; });
    ApplicationGuard guard(ok);
    (void)guard.transmit(in);
    return 0;
}
