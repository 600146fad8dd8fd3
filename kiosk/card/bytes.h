// Byte buffers and hex helpers shared by the card code, the simulator and the tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uk::card {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// "d392f0" -> {0xd3, 0x92, 0xf0}; spaces and colons are ignored; nullopt on anything else.
std::optional<Bytes> from_hex(std::string_view hex);
// {0xd3, 0x92} -> "d392" (lowercase, no separators).
std::string to_hex(ByteView bytes);

inline Bytes bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

inline bool starts_with(ByteView b, ByteView prefix) {
    if (prefix.size() > b.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (b[i] != prefix[i]) return false;
    }
    return true;
}

inline bool equal(ByteView a, ByteView b) {
    return a.size() == b.size() && starts_with(a, b);
}

}  // namespace uk::card
