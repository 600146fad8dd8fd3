// Colours and measures of the kiosk screens: a high-contrast palette (text and button colours meet WCAG AAA
// 7:1 against their backgrounds) and the layout unit that scales the 1080p design to any display.
#pragma once

#include <cstdint>

namespace uk::ui::theme {

// 0xAABBGGRR as ImGui's IM_COL32 packs it.
constexpr std::uint32_t rgb(std::uint8_t r, std::uint8_t g, std::uint8_t b, std::uint8_t a = 255) {
    return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{g} << 8) | r;
}

inline constexpr std::uint32_t kBackground = rgb(0xFF, 0xFF, 0xFF);
inline constexpr std::uint32_t kText = rgb(0x11, 0x11, 0x11);
inline constexpr std::uint32_t kTextMuted = rgb(0x33, 0x33, 0x33);
inline constexpr std::uint32_t kEasyText = rgb(0x0B, 0x3D, 0x91);  // やさしい日本語 lines
inline constexpr std::uint32_t kBar = rgb(0x0B, 0x3D, 0x91);
inline constexpr std::uint32_t kBarText = rgb(0xFF, 0xFF, 0xFF);
inline constexpr std::uint32_t kPrimary = rgb(0x0B, 0x4F, 0xB0);
inline constexpr std::uint32_t kPrimaryPressed = rgb(0x06, 0x2F, 0x6B);
inline constexpr std::uint32_t kOnPrimary = rgb(0xFF, 0xFF, 0xFF);
inline constexpr std::uint32_t kSecondary = rgb(0xFF, 0xFF, 0xFF);
inline constexpr std::uint32_t kSecondaryPressed = rgb(0xD6, 0xE4, 0xF7);
inline constexpr std::uint32_t kSecondaryBorder = rgb(0x0B, 0x3D, 0x91);
inline constexpr std::uint32_t kStaff = rgb(0xFF, 0xB3, 0x00);  // "call staff": amber with black text
inline constexpr std::uint32_t kStaffPressed = rgb(0xC7, 0x8A, 0x00);
inline constexpr std::uint32_t kDanger = rgb(0xA8, 0x1B, 0x13);
inline constexpr std::uint32_t kDangerPale = rgb(0xFD, 0xEC, 0xEA);
inline constexpr std::uint32_t kSuccess = rgb(0x0A, 0x6B, 0x2E);
inline constexpr std::uint32_t kNoticeBg = rgb(0xFF, 0xF4, 0xCC);
inline constexpr std::uint32_t kDisabled = rgb(0xE2, 0xE2, 0xE2);
inline constexpr std::uint32_t kOnDisabled = rgb(0x44, 0x44, 0x44);
inline constexpr std::uint32_t kDemo = rgb(0x5B, 0x2A, 0x86);  // demo-only controls: purple, labelled DEMO
inline constexpr std::uint32_t kOverlay = rgb(0x00, 0x00, 0x00, 0xB0);

// Design measures at 1080 px on the short side (multiply by the unit).
inline constexpr float kTopBar = 110;
inline constexpr float kBottomBar = 140;
inline constexpr float kDemoBar = 100;
inline constexpr float kButtonH = 120;    // ordinary buttons
inline constexpr float kBarButtonH = 96;  // bar buttons: still >= 88 px at 1080p
inline constexpr float kPad = 32;
inline constexpr float kRound = 18;

}  // namespace uk::ui::theme
