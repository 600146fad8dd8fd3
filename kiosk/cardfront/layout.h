// Where the card front prints the fields 照合番号B is made of, in millimetres from the card's top-left corner
// (ID-1: 85.60 x 53.98 mm, landscape, front up). The fictional renderer (tools/cardfront) prints there and
// the reader crops there, with margins for an imperfect perspective estimate. The places follow the real
// card's layout as publicly described (birth date line under the address, the card's expiry in a box under
// it, the 16-digit serial and the 4-digit security code under the photo); docs/cardfront.md.
#pragma once

namespace uk::cardfront::layout {

struct RectMm {
    double x, y, w, h;
};

inline constexpr double kCardWidthMm = 85.60;
inline constexpr double kCardHeightMm = 53.98;
inline constexpr double kCardAspect = kCardWidthMm / kCardHeightMm;  // 1.586

// [SECTION] Printed fields (where the text's em box sits)

inline constexpr RectMm kName{11.0, 7.6, 46.0, 4.4};
inline constexpr RectMm kAddress{11.0, 14.6, 46.0, 8.0};
inline constexpr RectMm kBirth{11.0, 26.4, 34.0, 3.6};   // 昭和55年 2月17日生
inline constexpr RectMm kSex{48.0, 26.4, 9.0, 3.6};      // 性別 男
inline constexpr RectMm kExpiry{11.0, 33.0, 40.0, 3.6};  // 2035年 2月17日まで有効
inline constexpr RectMm kExpiryBox{9.4, 32.0, 44.0, 5.6};
inline constexpr RectMm kCertExpiry{3.5, 39.6, 52.0, 3.6};  // 電子証明書の有効期限 box (a distractor date)
inline constexpr RectMm kPhoto{60.5, 8.0, 21.5, 27.6};
inline constexpr RectMm kSerial{58.5, 37.0, 23.5, 2.0};       // 16-digit serial under the photo
inline constexpr RectMm kSecurityCode{72.5, 40.2, 9.5, 2.8};  // 4-digit security code, right-aligned at 82

// [SECTION] What the reader crops (printed field + margin)

inline constexpr RectMm kReadBirth{8.5, 25.0, 38.5, 6.4};
inline constexpr RectMm kReadExpiry{8.5, 31.9, 45.0, 5.8};
inline constexpr RectMm kReadSecurityCode{69.5, 39.9, 15.0, 4.0};

}  // namespace uk::cardfront::layout
