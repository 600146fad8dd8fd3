// Makes a card-style face photo from any image file: centre crop to 3:4, greyscale, 240x320, JPEG 2000 (JP2)
// - the form the card-face AP holds in tag DF27. Tests and the demo use it on ../shared/data/faces or a photo
// passed by path; nothing here is needed when an identity has no photo.
#pragma once

#include <filesystem>

#include "kiosk/card/bytes.h"
#include "kiosk/core/result.h"

namespace uk::cardsim {

Result<card::Bytes> card_photo_from_image(const std::filesystem::path& image);

}  // namespace uk::cardsim
