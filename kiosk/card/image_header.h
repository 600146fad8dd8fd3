// Checks the face photo's bytes before anything decodes them: the card holds a greyscale JPEG 2000 image, as
// a JP2 file (boxes) or a raw codestream. Reads width, height and components from the JP2 ihdr box or the SIZ
// marker, and refuses anything else, sizes out of range included.
#pragma once

#include <cstdint>

#include "kiosk/card/bytes.h"
#include "kiosk/core/result.h"

namespace uk::card {

enum class ImageFormat { Jp2, J2kCodestream };

struct ImageInfo {
    ImageFormat format = ImageFormat::Jp2;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint16_t components = 0;  // 1 = greyscale
};

inline constexpr std::uint32_t kMaxPhotoSide = 4096;

Result<ImageInfo> parse_image_header(ByteView bytes);

}  // namespace uk::card
