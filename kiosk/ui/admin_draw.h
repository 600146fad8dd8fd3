// Drawing helpers the admin and set-up pages share (kiosk/ui/admin_screens.cpp, setup_screens.cpp): a button
// that records its touch target, wrapped text, a choice row and the digit keypad. Internal to kiosk/ui.
#pragma once

#include <string>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/admin_screens.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

inline constexpr const char* kAdminDelete = "1字消す Delete";  // the admin keypads' delete key

struct Draw {
    const FontSet& f;
    std::vector<ButtonRect>& buttons;
    std::vector<AdminInput>& out;
    ImDrawList* dl;
    float u;

    bool button(const char* id, const std::string& label, float x, float y, float w, float h, bool primary,
                bool enabled = true) {
        ImGui::SetCursorScreenPos({x, y});
        bool clicked = ImGui::InvisibleButton(id, {w, h});
        buttons.push_back({id, x, y, w, h, enabled});
        std::uint32_t bg = !enabled ? theme::kDisabled : primary ? theme::kPrimary : theme::kSecondary;
        std::uint32_t fg = !enabled ? theme::kOnDisabled : primary ? theme::kOnPrimary : theme::kText;
        dl->AddRectFilled({x, y}, {x + w, y + h}, bg, theme::kRound * u);
        if (!primary && enabled)
            dl->AddRect({x, y}, {x + w, y + h}, theme::kSecondaryBorder, theme::kRound * u, 0, 3 * u);
        // The body face when the label fits on one line, else the smaller ones.
        ImFont* font = f.body;
        ImVec2 ts = font->CalcTextSizeA(font->FontSize, 1e9f, 0, label.c_str());
        for (ImFont* smaller : {f.small, f.chrome}) {
            if (ts.x <= w - 24 * u || !smaller || smaller->FontSize >= font->FontSize) continue;
            font = smaller;
            ts = font->CalcTextSizeA(font->FontSize, 1e9f, 0, label.c_str());
        }
        if (ts.x >
            w - 24 * u) {  // still too wide (a narrow portrait screen): wrapped, each line left-aligned
            float wrap = w - 24 * u;
            ts = font->CalcTextSizeA(font->FontSize, 1e9f, wrap, label.c_str());
            dl->AddText(font, font->FontSize, {x + 12 * u, y + (h - ts.y) / 2}, fg, label.c_str(), nullptr,
                        wrap);
        } else {
            dl->AddText(font, font->FontSize, {x + (w - ts.x) / 2, y + (h - ts.y) / 2}, fg, label.c_str());
        }
        return clicked && enabled;
    }
    // A row of a list to choose from: a round mark, the label, the detail on the right (green or red), or
    // under the label when the row is too narrow for both. Returns the row's height (at least `min_h`).
    float choice(const std::string& id, const SetupChoice& c, float x, float y, float w, float min_h,
                 bool* clicked);
    // The 3x4 digit keypad (ids <prefix>.0-9, <prefix>.delete, <prefix>.ok) at the top of the given box.
    void keypad(const std::string& prefix, float y, float W, float H, float bottom, std::size_t typed,
                bool busy);
    float text(ImFont* font, const std::string& t, float x, float y, float w, std::uint32_t col) {
        dl->AddText(font, font->FontSize, {x, y}, col, t.c_str(), nullptr, w);
        return font->CalcTextSizeA(font->FontSize, 1e9f, w, t.c_str()).y;
    }
};

// The set-up pages' fixed labels (for the glyph atlas).
std::vector<std::string> setup_texts();
// The set-up pages' part of draw_admin(): from `y` down to the bottom row at `row_y`.
void draw_setup(const SetupView& v, Draw& d, float y, float W, float row_y);

}  // namespace uk::ui
