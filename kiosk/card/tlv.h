// BER-TLV as the card uses it (ISO 7816-4 §5.2 / X.690): tags of 1-3 bytes, definite lengths of up to 4
// bytes. Every function checks bounds against the buffer it was given; card bytes are untrusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "kiosk/card/bytes.h"
#include "kiosk/core/result.h"

namespace uk::card {

struct TlvHeader {
    std::uint32_t tag = 0;        // the tag bytes as a big-endian number (0xDF27, 0x30, 0xFF20)
    bool constructed = false;     // bit 6 of the first tag byte
    std::size_t header_size = 0;  // tag + length bytes
    std::size_t value_size = 0;
    std::size_t total_size() const { return header_size + value_size; }
};

// Parses the tag and length at the start of `b`. It does not require the value to be present, so it can size
// a file from its first bytes. Fails on an indefinite length, a length over 4 bytes, or a truncated header.
Result<TlvHeader> parse_tlv_header(ByteView b);

struct Tlv {
    TlvHeader header;
    ByteView value;  // points into the buffer given to the parser
};

// Splits `b` into consecutive TLVs; every TLV must fit completely. 00 and FF padding between or after TLVs is
// skipped (cards fill unused file space with FF).
Result<std::vector<Tlv>> parse_tlv_sequence(ByteView b);

// Finds the first TLV with `tag` among the children of a constructed TLV's value.
std::optional<ByteView> find_tlv(ByteView sequence, std::uint32_t tag);

}  // namespace uk::card
