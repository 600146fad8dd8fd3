// Fuzz target: the JPEG 2000 (JP2 boxes / codestream SIZ) header check of the chip photo.
#include <cstddef>
#include <cstdint>

#include "kiosk/card/image_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)uk::card::parse_image_header(uk::card::ByteView(data, size));
    return 0;
}
