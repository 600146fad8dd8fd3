// Fuzz target: a whole MyNumberCard session against a card whose answers come from the input (after OpenSC's
// fuzzer_reader.c): the input is a list of responses, each a 2-byte big-endian length and that many bytes;
// when they run out the card is "removed". Every operation must end in a value or a typed error.
#include <cstddef>
#include <cstdint>

#include "kiosk/card/mynumber_card.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace uk::card;
    std::size_t pos = 0;
    FunctionTransport card([&](ByteView) -> CardResult<Bytes> {
        if (size - pos < 2) return make_error(uk::CardFault::Removed, "fuzz input exhausted");
        std::size_t n = static_cast<std::size_t>(data[pos] << 8 | data[pos + 1]);
        pos += 2;
        if (n > size - pos) n = size - pos;
        Bytes r(data + pos, data + pos + n);
        pos += n;
        return r;
    });
    MyNumberCard s(card);
    (void)s.read_auth_certificate();
    (void)s.auth_pin_tries_left();
    uk::Pin pin;
    for (char c : {'1', '2', '3', '4'})
        pin.push(c);
    (void)s.verify_auth_pin(pin);
    (void)s.sign_challenge(bytes_of("challenge"));
    (void)s.match_code_b_tries_left();
    uk::MatchCodeB code;
    for (char c : std::string_view("60041220344821"))
        code.push(c);
    (void)s.verify_match_code_b(code);
    (void)s.read_face_photo();
    return 0;
}
