// The My Number card's applications, files, try limits and ATR as named constants (the facts OpenSC's
// src/libopensc/jpki.h and AokiApp/jsapdu packages/mynacard/src/constants.ts agree on; docs/card.md says
// which source gave what). Only the JPKI AP and the card-face confirmation AP are ever selected by the kiosk.
#pragma once

#include <array>
#include <cstdint>

namespace uk::card {

// [SECTION] Applications (DF names)

// 公的個人認証AP (JPKI): user-authentication and signing keys and certificates.
inline constexpr std::array<std::uint8_t, 10> kAidJpki = {0xD3, 0x92, 0xF0, 0x00, 0x26,
                                                          0x01, 0x00, 0x00, 0x00, 0x01};
// 券面事項確認AP (kenkaku): the card front as signed data, including the face photo (tag DF27).
inline constexpr std::array<std::uint8_t, 10> kAidKenkaku = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                                             0x00, 0x01, 0x01, 0x04, 0x02};
// 券面事項入力補助AP (kenhojo): holds the 12-digit My Number. NEVER selected; named only so that the guard
// and the tests can refuse and look for it.
inline constexpr std::array<std::uint8_t, 10> kAidKenhojoForbidden = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                                                      0x00, 0x01, 0x01, 0x04, 0x08};
// 住民基本台帳AP: NEVER selected.
inline constexpr std::array<std::uint8_t, 10> kAidJukiForbidden = {0xD3, 0x92, 0x10, 0x00, 0x31,
                                                                   0x00, 0x01, 0x01, 0x01, 0x00};

// [SECTION] Elementary files

namespace jpki_ef {
inline constexpr std::uint16_t kSignCert =
    0x0001;  // 署名用電子証明書 (holds name/address: never read by the kiosk)
inline constexpr std::uint16_t kSignCaCert = 0x0002;  // 署名用CA証明書
inline constexpr std::uint16_t kAuthCert = 0x000A;    // 利用者証明用電子証明書
inline constexpr std::uint16_t kAuthCaCert = 0x000B;  // 利用者証明用CA証明書
inline constexpr std::uint16_t kAuthKey = 0x0017;  // 利用者証明用秘密鍵 (COMPUTE DIGITAL SIGNATURE)
inline constexpr std::uint16_t kAuthPin = 0x0018;  // 利用者証明用暗証番号 (4 digits)
inline constexpr std::uint16_t kSignKey = 0x001A;  // 署名用秘密鍵
inline constexpr std::uint16_t kSignPin = 0x001B;  // 署名用パスワード (6-16 alphanumerics)
}  // namespace jpki_ef

namespace kenkaku_ef {
inline constexpr std::uint16_t kBirth = 0x0001;     // 生年月日 (signed)
inline constexpr std::uint16_t kEntries = 0x0002;   // 券面事項: FF20 { DF21 .. DF2A }, face photo in DF27
inline constexpr std::uint16_t kMyNumber = 0x0005;  // 個人番号 image: NEVER read
inline constexpr std::uint16_t kMatchCodeB = 0x0012;  // 照合番号B (14 digits)
inline constexpr std::uint16_t kMatchCodeA = 0x0013;  // 照合番号A (= the My Number): NEVER verified
}  // namespace kenkaku_ef

// TLV tags inside kenkaku EF 0002 (private class, two-byte tags).
inline constexpr std::uint32_t kTagEntries = 0xFF20;
inline constexpr std::uint32_t kTagFacePhoto = 0xDF27;
inline constexpr std::uint32_t kTagExpiry = 0xDF29;

// [SECTION] Try limits

inline constexpr int kAuthPinMaxTries = 3;  // jpki.h JPKI_AUTH_PIN_MAX_TRIES
inline constexpr int kSignPinMaxTries = 5;  // jpki.h JPKI_SIGN_PIN_MAX_TRIES
inline constexpr int kMatchCodeBMaxTries =
    10;  // no public source found; our simulator's choice (docs/card.md)

// [SECTION] ATR

// The ATR OpenSC's card-jpki.c matches ("3b:e0:00:ff:81:31:fe:45:14").
inline constexpr std::array<std::uint8_t, 9> kMyNumberAtr = {0x3B, 0xE0, 0x00, 0xFF, 0x81,
                                                             0x31, 0xFE, 0x45, 0x14};

}  // namespace uk::card
