#include "kiosk/card/image_header.h"

#include <optional>
#include <string>

namespace uk::card {

namespace {

std::uint32_t be32(ByteView b, std::size_t at) {
    return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
           static_cast<std::uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
std::uint16_t be16(ByteView b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

Result<ImageInfo> checked(ImageInfo info) {
    if (info.width == 0 || info.height == 0 || info.width > kMaxPhotoSide || info.height > kMaxPhotoSide) {
        return Error{"photo: size " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                     " is out of range"};
    }
    if (info.components != 1 && info.components != 3) {
        return Error{"photo: " + std::to_string(info.components) + " colour components"};
    }
    return info;
}

// SIZ marker segment right after SOC (FF4F FF51 Lsiz Rsiz Xsiz Ysiz XOsiz YOsiz ... Csiz).
Result<ImageInfo> parse_codestream(ByteView b) {
    if (b.size() < 4 + 38 || b[0] != 0xFF || b[1] != 0x4F || b[2] != 0xFF || b[3] != 0x51) {
        return Error{"photo: JPEG 2000 codestream without SOC/SIZ"};
    }
    const std::uint16_t lsiz = be16(b, 4);
    if (lsiz < 41 || static_cast<std::size_t>(lsiz) + 4 > b.size())
        return Error{"photo: truncated SIZ segment"};
    const std::uint32_t xsiz = be32(b, 8), ysiz = be32(b, 12), xo = be32(b, 16), yo = be32(b, 20);
    if (xo >= xsiz || yo >= ysiz) return Error{"photo: SIZ image offset outside the image"};
    ImageInfo info;
    info.format = ImageFormat::J2kCodestream;
    info.width = xsiz - xo;
    info.height = ysiz - yo;
    info.components = be16(b, 40);
    if (lsiz != 38 + 3 * info.components) return Error{"photo: SIZ length does not match its components"};
    return checked(info);
}

}  // namespace

Result<ImageInfo> parse_image_header(ByteView b) {
    static constexpr std::uint8_t kJp2Signature[12] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50,
                                                       0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A};
    if (b.size() >= 2 && b[0] == 0xFF && b[1] == 0x4F) return parse_codestream(b);
    if (!starts_with(b, kJp2Signature))
        return Error{"photo: not JPEG 2000 (no JP2 signature, no codestream)"};
    // Walk the top-level boxes: ftyp must come second; jp2h holds ihdr; jp2c holds the codestream.
    std::size_t pos = 12;
    bool have_ftyp = false, have_codestream = false;
    std::optional<ImageInfo> info;
    while (pos < b.size()) {
        if (b.size() - pos < 8) return Error{"photo: truncated JP2 box header"};
        std::uint64_t len = be32(b, pos);
        const std::uint32_t type = be32(b, pos + 4);
        std::size_t header = 8;
        if (len == 1) {
            if (b.size() - pos < 16) return Error{"photo: truncated JP2 extended box header"};
            len = static_cast<std::uint64_t>(be32(b, pos + 8)) << 32 | be32(b, pos + 12);
            header = 16;
        } else if (len == 0) {
            len = b.size() - pos;  // box runs to the end of the file
        }
        if (len < header || len > b.size() - pos)
            return Error{"photo: JP2 box runs past the end of the data"};
        const ByteView body = b.subspan(pos + header, static_cast<std::size_t>(len) - header);
        if (type == 0x66747970) {  // 'ftyp'
            if (body.size() < 8 || be32(body, 0) != 0x6A703220)
                return Error{"photo: JP2 brand is not 'jp2 '"};
            have_ftyp = true;
        } else if (type == 0x6A703268) {  // 'jp2h'
            if (body.size() < 22 || be32(body, 4) != 0x69686472 ||
                be32(body, 0) != 22) {  // 'ihdr' first, 22 bytes
                return Error{"photo: jp2h box without a valid ihdr box first"};
            }
            ImageInfo i;
            i.format = ImageFormat::Jp2;
            i.height = be32(body, 8);
            i.width = be32(body, 12);
            i.components = be16(body, 16);
            info = i;
        } else if (type == 0x6A703263) {  // 'jp2c'
            auto cs = parse_codestream(body);
            if (!cs) return cs;
            if (info && (cs->width != info->width || cs->height != info->height)) {
                return Error{"photo: ihdr and codestream disagree on the size"};
            }
            have_codestream = true;
        }
        pos += static_cast<std::size_t>(len);
    }
    if (!have_ftyp) return Error{"photo: JP2 without ftyp box"};
    if (!info) return Error{"photo: JP2 without jp2h/ihdr"};
    if (!have_codestream) return Error{"photo: JP2 without codestream"};
    return checked(*info);
}

}  // namespace uk::card
