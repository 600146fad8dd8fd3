// Internal to kiosk/ui: the drawing parts the screen files (screens.cpp, card_front_screens.cpp,
// face_screens.cpp, pin_screens.cpp, consent_screens.cpp, result_screens.cpp) share: text wrapping, the
// Painter (boxes, buttons, icons), the Column layout, the camera panel and the digit keypad. Not for use
// outside kiosk/ui.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

#include "kiosk/ui/screens.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

// [SECTION] Text wrapping (screens.cpp)

struct Wrapped {
    std::vector<std::string> lines;
    float width = 0;          // widest line
    bool word_split = false;  // a word longer than the box had to be cut
};

Wrapped wrap_text(ImFont* font, float size, std::string_view text, float max_w);

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    ImVec2 min() const { return {x, y}; }
    ImVec2 max() const { return {x + w, y + h}; }
    ImVec2 center() const { return {x + w / 2, y + h / 2}; }
};

enum class Align { Left, Center };
enum class Style { Primary, Secondary, Staff, Danger, Demo, Bar, Choice };

// [SECTION] Painter

class Painter {
  public:
    Painter(Screens& s, const ViewModel& vm, const FontSet& fonts, UiOutput& out)
        : s_(s), vm_(vm), f_(fonts), out_(out) {
        ImGuiIO& io = ImGui::GetIO();
        W = io.DisplaySize.x;
        H = io.DisplaySize.y;
        u = std::min(W, H) / 1080.0f;
        ts = vm.larger_text ? 1.25f : 1.0f;
        dl = ImGui::GetWindowDrawList();
        lang =
            vm.state->session.language.empty() ? std::string(kFallbackLanguage) : vm.state->session.language;
    }

    const std::string& tr(std::string_view key) const { return vm_.strings->get(lang, key); }
    bool has_easy(std::string_view key) const {
        return lang == kFallbackLanguage && vm_.strings->has(kFallbackLanguage, key);
    }

    void issue(const std::string& where, const std::string& text, const std::string& what) {
        s_.issues_.push_back({where, text, what});
    }

    // Wrapped text starting at (x, y) within width w; returns the height used. Records an issue if a word
    // had to be split or the text goes below `max_y`.
    float text(const std::string& id, ImFont* font, const std::string& t, float x, float y, float w,
               std::uint32_t col, Align a = Align::Center, float max_y = 1e9f) {
        float size = font->FontSize;
        Wrapped wr = wrap_text(font, size, t, w);
        float line_h = size * 1.3f;
        float h = line_h * static_cast<float>(wr.lines.size());
        if (wr.word_split) issue(id, t, "a word is wider than its box");
        if (y + h > max_y + 0.5f)
            issue(id, t,
                  "text overflows its box by " + std::to_string(static_cast<int>(y + h - max_y)) + " px");
        float yy = y + (line_h - size) / 2;
        for (const auto& line : wr.lines) {
            float lw = font->CalcTextSizeA(size, 1e9f, 0, line.c_str()).x;
            float xx = a == Align::Center ? x + (w - lw) / 2 : x;
            dl->AddText(font, size, {std::round(xx), std::round(yy)}, col, line.c_str());
            yy += line_h;
        }
        return h;
    }
    float text_height(ImFont* font, const std::string& t, float w) {
        return font->FontSize * 1.3f * static_cast<float>(wrap_text(font, font->FontSize, t, w).lines.size());
    }

    // A button with a wrapped label (and an optional second, smaller line). Returns true when tapped.
    bool button(const std::string& id, const std::string& label, Rect r, Style st, bool enabled = true,
                const std::string& sub = {}, ImFont* font = nullptr,
                void (Painter::*icon)(ImVec2, float) = nullptr) {
        ImGui::SetCursorScreenPos(r.min());
        bool clicked = ImGui::InvisibleButton(id.c_str(), {std::max(r.w, 1.f), std::max(r.h, 1.f)});
        bool held = ImGui::IsItemActive();
        s_.buttons_.push_back({id, r.x, r.y, r.w, r.h, enabled});
        std::uint32_t bg = theme::kPrimary, fg = theme::kOnPrimary, border = 0;
        switch (st) {
            case Style::Primary:
                bg = held ? theme::kPrimaryPressed : theme::kPrimary;
                break;
            case Style::Secondary:
            case Style::Choice:
                bg = held ? theme::kSecondaryPressed : theme::kSecondary;
                fg = theme::kText;
                border = theme::kSecondaryBorder;
                break;
            case Style::Staff:
                bg = held ? theme::kStaffPressed : theme::kStaff;
                fg = theme::kText;
                break;
            case Style::Danger:
                bg = theme::kDanger;
                break;
            case Style::Demo:
                bg = theme::kDemo;
                break;
            case Style::Bar:
                bg = held ? theme::kPrimaryPressed : theme::kPrimary;
                border = theme::kBarText;
                break;
        }
        if (!enabled) {
            bg = theme::kDisabled;
            fg = theme::kOnDisabled;
            border = 0;
        }
        float rr = theme::kRound * u;
        dl->AddRectFilled(r.min(), r.max(), bg, rr);
        if (border) dl->AddRect(r.min(), r.max(), border, rr, 0, std::max(2.f, 4 * u));
        float pad = 20 * u;
        float icon_w = icon ? std::min(r.h * 0.8f, 110 * u) : 0;
        float tw = r.w - 2 * pad - (icon ? icon_w + pad : 0);
        // The requested face, else the next smaller one that fits (a long word in a narrow portrait button).
        std::vector<ImFont*> chain{font ? font : f_.body};
        for (ImFont* f : {f_.body, f_.small, f_.chrome})
            if (f->FontSize < chain.back()->FontSize) chain.push_back(f);
        ImFont* lf = nullptr;
        Wrapped main, subw;
        float lh = 0, sh = f_.small->FontSize * 1.25f, total = 0;
        for (ImFont* f : chain) {
            lf = f;
            main = wrap_text(lf, lf->FontSize, label, tw);
            subw = sub.empty() ? Wrapped{} : wrap_text(f_.small, f_.small->FontSize, sub, tw);
            lh = lf->FontSize * 1.2f;
            total = lh * static_cast<float>(main.lines.size()) +
                    (sub.empty() ? 0 : 8 * u + sh * static_cast<float>(subw.lines.size()));
            bool one_line_wanted =
                f == chain.front() && chain.size() > 1 && main.lines.size() > 1 && font == f_.title;
            if (!main.word_split && total <= r.h - 8 * u && !one_line_wanted) break;
        }
        if (main.word_split || subw.word_split) issue(id, label, "a word is wider than the button");
        if (total > r.h - 8 * u)
            issue(id, label + (sub.empty() ? "" : " / " + sub),
                  "label overflows the button by " + std::to_string(static_cast<int>(total - r.h + 8 * u)) +
                      " px");
        float tx = r.x + pad + (icon ? icon_w + pad : 0);
        float y = r.y + (r.h - total) / 2;
        if (icon) (this->*icon)({r.x + pad + icon_w / 2, r.y + r.h / 2}, icon_w);
        for (const auto& line : main.lines) {
            float lw = lf->CalcTextSizeA(lf->FontSize, 1e9f, 0, line.c_str()).x;
            dl->AddText(lf, lf->FontSize,
                        {std::round(tx + (tw - lw) / 2), std::round(y + (lh - lf->FontSize) / 2)}, fg,
                        line.c_str());
            y += lh;
        }
        if (!sub.empty()) {
            y += 8 * u;
            for (const auto& line : subw.lines) {
                float lw = f_.small->CalcTextSizeA(f_.small->FontSize, 1e9f, 0, line.c_str()).x;
                dl->AddText(f_.small, f_.small->FontSize, {std::round(tx + (tw - lw) / 2), std::round(y)},
                            enabled ? (st == Style::Primary ? fg : theme::kTextMuted) : fg, line.c_str());
                y += sh;
            }
        }
        if (clicked && enabled) out_.events.emplace_back(checkin::ev::Touch{});
        return clicked && enabled;
    }

    // Icons, drawn in code (no image files to ship or lose).
    void icon_card(ImVec2 c, float s) {
        Rect r{c.x - s / 2, c.y - s * 0.32f, s, s * 0.63f};
        dl->AddRectFilled(r.min(), r.max(), theme::rgb(0xE8, 0xF0, 0xFE), 10 * u);
        dl->AddRect(r.min(), r.max(), theme::kBar, 10 * u, 0, 4 * u);
        dl->AddRectFilled({r.x + s * 0.08f, r.y + s * 0.12f}, {r.x + s * 0.3f, r.y + s * 0.42f},
                          theme::rgb(0x9A, 0xB8, 0xE8), 4 * u);
        for (int i = 0; i < 3; ++i)
            dl->AddRectFilled({r.x + s * 0.38f, r.y + s * (0.14f + 0.1f * static_cast<float>(i))},
                              {r.x + s * 0.9f, r.y + s * (0.18f + 0.1f * static_cast<float>(i))},
                              theme::kBar);
    }
    void icon_face(ImVec2 c, float s) {
        dl->AddCircle(c, s * 0.42f, theme::kBar, 40, 5 * u);
        dl->AddCircleFilled({c.x - s * 0.14f, c.y - s * 0.08f}, s * 0.05f, theme::kBar);
        dl->AddCircleFilled({c.x + s * 0.14f, c.y - s * 0.08f}, s * 0.05f, theme::kBar);
        dl->PathArcTo(c, s * 0.22f, 0.5f, 2.64f, 16);
        dl->PathStroke(theme::kBar, 0, 5 * u);
    }
    void icon_keypad(ImVec2 c, float s) {
        for (int r = 0; r < 3; ++r)
            for (int q = 0; q < 3; ++q) {
                ImVec2 p{c.x + (static_cast<float>(q) - 1) * s * 0.3f,
                         c.y + (static_cast<float>(r) - 1) * s * 0.3f};
                dl->AddRectFilled({p.x - s * 0.11f, p.y - s * 0.11f}, {p.x + s * 0.11f, p.y + s * 0.11f},
                                  theme::kBar, 4 * u);
            }
    }
    void icon_person(ImVec2 c, float s) {
        dl->AddCircleFilled({c.x, c.y - s * 0.2f}, s * 0.18f, theme::kBar);
        dl->PathArcTo({c.x, c.y + s * 0.42f}, s * 0.36f, 3.1416f, 6.2832f, 24);
        dl->PathFillConvex(theme::kBar);
    }
    void icon_warning(ImVec2 c, float s) {
        dl->AddTriangleFilled({c.x, c.y - s * 0.45f}, {c.x - s * 0.5f, c.y + s * 0.4f},
                              {c.x + s * 0.5f, c.y + s * 0.4f}, theme::kDanger);
        dl->AddRectFilled({c.x - s * 0.04f, c.y - s * 0.2f}, {c.x + s * 0.04f, c.y + s * 0.15f},
                          theme::kBarText);
        dl->AddCircleFilled({c.x, c.y + s * 0.26f}, s * 0.05f, theme::kBarText);
    }
    void icon_check(ImVec2 c, float s) {
        dl->AddCircleFilled(c, s * 0.45f, theme::kSuccess, 40);
        ImVec2 pts[3] = {
            {c.x - s * 0.22f, c.y}, {c.x - s * 0.05f, c.y + s * 0.17f}, {c.x + s * 0.24f, c.y - s * 0.15f}};
        dl->AddPolyline(pts, 3, theme::kBarText, 0, 9 * u);
    }
    void icon_bell(ImVec2 c, float s) {
        dl->PathArcTo({c.x, c.y}, s * 0.3f, 3.1416f, 6.2832f, 20);
        dl->PathLineTo({c.x + s * 0.38f, c.y + s * 0.25f});
        dl->PathLineTo({c.x - s * 0.38f, c.y + s * 0.25f});
        dl->PathFillConvex(theme::kText);
        dl->AddCircleFilled({c.x, c.y + s * 0.33f}, s * 0.08f, theme::kText);
    }
    void spinner(ImVec2 c, float r) {
        float t = static_cast<float>(vm_.time_s);
        for (int i = 0; i < 12; ++i) {
            float a = static_cast<float>(i) * 6.2832f / 12 + t * 4.f;
            float alpha = static_cast<float>((i + 1)) / 12.f;
            dl->AddCircleFilled({c.x + std::cos(a) * r, c.y + std::sin(a) * r}, r * 0.14f,
                                theme::rgb(0x0B, 0x4F, 0xB0, static_cast<std::uint8_t>(40 + 215 * alpha)));
        }
    }

    Screens& s_;
    const ViewModel& vm_;
    const FontSet& f_;
    UiOutput& out_;
    ImDrawList* dl = nullptr;
    float W = 0, H = 0, u = 1, ts = 1;
    std::string lang;
};

// [SECTION] Layout (screens.cpp)

// The screen between the top bar and the bottom (and demo) bar.
Rect content_rect(const Painter& p);

struct Column {
    Painter& p;
    Rect area;
    float y;
    float w;
    float x;
    Column(Painter& pp, Rect a) : p(pp), area(a) {
        w = std::min(a.w - 2 * theme::kPad * p.u, 1500 * p.u);
        x = a.x + (a.w - w) / 2;
        y = a.y + 28 * p.u;
    }
    float bottom() const { return area.y + area.h; }
    void gap(float g) { y += g * p.u / (p.ts * p.ts); }  // larger text takes its room from the gaps
    void text(const std::string& id, ImFont* f, const std::string& t, std::uint32_t col = theme::kText) {
        y += p.text(id, f, t, x, y, w, col, Align::Center, bottom());
    }
    void title(const std::string& key) { text(key, p.f_.title, p.tr(key)); }
    void body(const std::string& key) {
        gap(10);
        text(key, p.f_.body, p.tr(key), theme::kTextMuted);
    }
    void easy(const std::string& key) {
        if (!p.has_easy(key)) return;
        gap(6);
        text(key, p.f_.small, p.tr(key), theme::kEasyText);
    }
    void notice(const std::string& key, bool danger = false) {
        gap(16);
        float th = p.text_height(p.f_.body, p.tr(key), w - 40 * p.u);
        Rect r{x, y, w, th + 28 * p.u};
        p.dl->AddRectFilled(r.min(), r.max(), danger ? theme::kDangerPale : theme::kNoticeBg, 12 * p.u);
        p.dl->AddRect(r.min(), r.max(), danger ? theme::kDanger : theme::kStaffPressed, 12 * p.u, 0, 3 * p.u);
        p.text("notice." + key, p.f_.body, p.tr(key), x + 20 * p.u, y + 14 * p.u, w - 40 * p.u,
               danger ? theme::kDanger : theme::kText, Align::Center, bottom());
        y += r.h;
    }
    Rect take(float h) {
        Rect r{x, y, w, h};
        y += h;
        return r;
    }
    void check_fits(const std::string& id) {
        if (y > bottom() + 0.5f)
            p.issue(
                id, "",
                "content overflows the screen by " + std::to_string(static_cast<int>(y - bottom())) + " px");
    }
};

void camera_panel(Painter& p, Rect r, bool oval);

// A digit keypad centred in `area`: 1-9 in three rows, then delete, 0, OK. Fixed positions, never shuffled
// (shuffled keypads defeat people who type by position); keys at most `max_key_w` wide (1080p units), 88 px
// or more tall (a LayoutIssue otherwise). Ids: "<id>.<digit>", "<id>.delete", "<id>.ok".
struct KeypadTap {
    std::optional<char> digit;
    bool erase = false;
    bool ok = false;
};
KeypadTap digit_keypad(Painter& p, Rect area, const std::string& id, float max_key_w, float margin_h,
                       bool digits_on, bool erase_on, bool ok_on);

// [SECTION] Card-front screens (card_front_screens.cpp)

void screen_card_front(Painter& p);
void screen_card_front_keypad(Painter& p);

// [SECTION] Face screen (face_screens.cpp)

void screen_face(Painter& p);

// [SECTION] PIN screens (pin_screens.cpp)

void screen_pin_last(Painter& p);
void screen_pin(Painter& p);

// [SECTION] Consent and confirm screens (consent_screens.cpp)

// The locale key of a consent item's part ("title", "body"); screens.cpp lists them all for the locale check.
std::string consent_key(ConsentItem item, const char* part);
void screen_consent(Painter& p);
void screen_confirm(Painter& p);

// [SECTION] Ending screens (result_screens.cpp)

void screen_done(Painter& p);
void screen_take_card(Painter& p);
// The locale key of an error screen's action button; screens.cpp lists them all for the locale check.
const char* action_key(checkin::ErrorAction a);
void screen_error(Painter& p);

}  // namespace uk::ui
