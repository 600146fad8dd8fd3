// ISO 7816-4 command and response APDUs: building (short and extended length), parsing (the simulator and the
// application guard parse what the kiosk sends), and a description for logs that never shows VERIFY data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kiosk/card/bytes.h"
#include "kiosk/core/result.h"

namespace uk::card {

namespace ins {
inline constexpr std::uint8_t kVerify = 0x20;
inline constexpr std::uint8_t kComputeSignature = 0x2A;  // PERFORM SECURITY OPERATION, CLA 0x80 on this card
inline constexpr std::uint8_t kSelect = 0xA4;
inline constexpr std::uint8_t kReadBinary = 0xB0;
inline constexpr std::uint8_t kGetResponse = 0xC0;
}  // namespace ins

struct CommandApdu {
    std::uint8_t cla = 0x00;
    std::uint8_t ins = 0x00;
    std::uint8_t p1 = 0x00;
    std::uint8_t p2 = 0x00;
    Bytes data;                       // Lc = data.size(), 0..65535
    std::optional<std::uint32_t> le;  // expected length 1..65536 (256 = short "00", 65536 = extended "0000")
    bool extended = false;            // force the extended-length encoding

    // The wire form. Chooses extended encoding when data > 255, le > 256, or `extended` is set.
    Bytes encode() const;
};

// Parses a command APDU in any of the ISO cases (1, 2S, 3S, 4S, 2E, 3E, 4E). Rejects trailing bytes.
Result<CommandApdu> parse_command(ByteView bytes);

struct ResponseApdu {
    Bytes data;
    std::uint16_t sw = 0;
    std::uint8_t sw1() const { return static_cast<std::uint8_t>(sw >> 8); }
    std::uint8_t sw2() const { return static_cast<std::uint8_t>(sw & 0xFF); }
    bool ok() const { return sw == 0x9000; }
};

// Splits data and SW1 SW2; fails on fewer than 2 bytes.
Result<ResponseApdu> parse_response(ByteView bytes);
Bytes encode_response(ByteView data, std::uint16_t sw);

// "SELECT P1=04 P2=0C Lc=10 d392f000260100000001" for logs; VERIFY data is shown as its length only.
std::string describe(const CommandApdu& c);

// Builders for the commands this card uses.
CommandApdu select_aid(ByteView aid);
CommandApdu select_ef(std::uint16_t fid);
CommandApdu read_binary(std::uint32_t offset, std::uint32_t le, bool extended);
CommandApdu verify_status();  // VERIFY without data: asks tries left without spending one

}  // namespace uk::card
