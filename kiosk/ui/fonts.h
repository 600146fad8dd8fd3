// The kiosk's type: BIZ UD Gothic (Universal Design) for Japanese and Latin text, with a per-language primary
// face where BIZ UD lacks the script (Noto Sans CJK SC for 简体中文, Noto Sans CJK KR for 한국어, DejaVu Sans
// for Tiếng Việt's stacked diacritics) and the other faces merged in for whatever the primary lacks (the
// language picker shows every language's name in its own script).
//
// The glyph atlas holds only the codepoints of the texts on screen (the current language's strings, every
// language's name, the facility name, ASCII), never a whole CJK range: about 4096x1024 at 1080p instead of
// the 16384-pixel GL texture limit a full range would break. It is rebuilt when the language or the text
// size changes. missing_codepoints() says which codepoints of those texts no loaded face has (the test
// fails on any: a missing glyph would show as '?').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct ImFont;
struct ImFontAtlas;

namespace uk::ui {

struct FontFiles {
    std::string biz_regular, biz_bold;            // BIZUDPGothic-{Regular,Bold}.ttf
    std::string noto_cjk_regular, noto_cjk_bold;  // NotoSansCJK-{Regular,Bold}.ttc (optional)
    std::string dejavu_regular, dejavu_bold;      // DejaVuSans{,-Bold}.ttf (optional)
};

// Looks in the Debian font folders (and UK_FONT_DIR if set). An error names the package to install.
struct FontLookup {
    std::optional<FontFiles> files;
    std::string problem;
};
FontLookup find_font_files();

// Pixel sizes of the four faces the screens use.
struct FontSizes {
    float small = 30, body = 40, title = 56, huge = 200;
    float chrome = 28;  // bars (language, text size, sound, demo): does not grow with "larger text"
};
FontSizes font_sizes_for(float display_w, float display_h, bool larger_text);

struct FontSet {
    ImFont* small = nullptr;
    ImFont* body = nullptr;
    ImFont* title = nullptr;
    ImFont* huge = nullptr;  // digits only: the queue number
    ImFont* chrome = nullptr;
    FontSizes sizes;
    std::string language;
    int atlas_width = 0, atlas_height = 0;
    int glyph_count = 0;
};

// Clears `atlas` and loads the faces for `language` at `sizes`, covering exactly the codepoints of `texts`
// (plus ASCII). Returns nullopt with `error` set if the primary face could not be loaded. Builds the atlas
// pixels (RGBA32) so the caller can upload them.
std::optional<FontSet> build_fonts(ImFontAtlas& atlas, const FontFiles& files, std::string_view language,
                                   const std::vector<std::string>& texts, const FontSizes& sizes,
                                   std::string* error);

// Codepoints of `texts` that `font` has no glyph for (after build_fonts), sorted and unique.
std::vector<std::uint32_t> missing_codepoints(const ImFont& font, const std::vector<std::string>& texts);

// Decodes UTF-8; invalid bytes become U+FFFD.
std::vector<std::uint32_t> utf8_codepoints(std::string_view s);

}  // namespace uk::ui
