// Fuzz target: the DER certificate parser (OpenSSL underneath) and the checks run on what it returns.
#include <cstddef>
#include <cstdint>

#include "kiosk/card/certificate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace uk::card;
    const ByteView in(data, size);
    if (auto c = parse_certificate(in)) {
        (void)c->ref();
        (void)check_validity(*c, uk::WallTime{});
        (void)verify_signature(*c, in, in);
        (void)is_revoked(*c, in);
    }
    return 0;
}
