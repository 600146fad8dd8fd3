// The screens, drawn with ImGui's draw lists and invisible buttons (full control of size, colour and text
// wrapping; ImGui widgets would bring their own look and their own idea of touch size).
//
// Index:
//   [SECTION] Text wrapping (kinsoku for Japanese and Chinese, spaces elsewhere)
//   [SECTION] Bars (top, bottom, demo)
//   [SECTION] Screens, one function per phase (the others have files of their own: the card-front ones in
//             card_front_screens.cpp, the face one in face_screens.cpp, the PIN ones in pin_screens.cpp,
//             consent and confirm in consent_screens.cpp, the ending ones in result_screens.cpp)
//   [SECTION] Entry point
// The Painter (boxes, buttons, icons), the Column layout and the keypad the screen files share are in
// screen_parts.h.
#include "kiosk/ui/screens.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include <imgui.h>

#include "kiosk/ui/admin_screens.h"
#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

using checkin::ErrorAction;
using checkin::ErrorKind;
using checkin::Phase;
namespace ev = checkin::ev;

namespace {

// [SECTION] Text wrapping

bool is_wide(std::uint32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0x3000 && c <= 0x303F);
}
// Characters a line must not start with (行頭禁則) / end with (行末禁則).
bool no_line_start(std::uint32_t c) {
    static constexpr std::u32string_view kSet =
        U"、。，．・：；？！ー―…‥」』）】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜）,.!?:;%)]";
    return kSet.find(c) != std::u32string_view::npos;
}
bool no_line_end(std::uint32_t c) {
    static constexpr std::u32string_view kSet = U"「『（【〔〈《(";
    return kSet.find(c) != std::u32string_view::npos;
}

std::string encode_utf8(const std::vector<std::uint32_t>& cps, std::size_t from, std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        std::uint32_t c = cps[i];
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

}  // namespace

Wrapped wrap_text(ImFont* font, float size, std::string_view text, float max_w) {
    Wrapped w;
    auto cps = utf8_codepoints(text);
    const float k = size / font->FontSize;
    auto adv = [&](std::uint32_t c) {
        return c > 0xFFFF ? 0.f : font->GetCharAdvance(static_cast<ImWchar>(c)) * k;
    };
    std::size_t line_start = 0;
    while (line_start < cps.size()) {
        float x = 0;
        std::size_t i = line_start;
        std::size_t last_break = std::string::npos;  // index where the next line may start
        std::size_t end = cps.size();
        bool hard_break = false;
        for (; i < cps.size(); ++i) {
            std::uint32_t c = cps[i];
            if (c == '\n') {
                end = i;
                hard_break = true;
                break;
            }
            if (i > line_start) {
                std::uint32_t p = cps[i - 1];
                bool can = false;
                if (p == ' ')
                    can = true;
                else if ((is_wide(c) || is_wide(p)) && !no_line_start(c) && !no_line_end(p) && c != ' ')
                    can = true;
                if (can) last_break = i;
            }
            float a = adv(c);
            if (x + a > max_w && i > line_start && c != ' ') {
                if (last_break != std::string::npos && last_break > line_start) {
                    end = last_break;
                } else {
                    end = i;
                    w.word_split = true;
                }
                break;
            }
            x += a;
        }
        if (i == cps.size()) end = cps.size();
        // Trim spaces at the break.
        std::size_t e = end;
        while (e > line_start && cps[e - 1] == ' ')
            --e;
        std::string line = encode_utf8(cps, line_start, e);
        float lw = font->CalcTextSizeA(size, 1e9f, 0, line.c_str()).x;
        w.width = std::max(w.width, lw);
        w.lines.push_back(std::move(line));
        line_start = hard_break ? end + 1 : end;
        while (!hard_break && line_start < cps.size() && cps[line_start] == ' ')
            ++line_start;
    }
    if (w.lines.empty()) w.lines.emplace_back();
    return w;
}

// [SECTION] Bars

Rect content_rect(const Painter& p) {
    float top = theme::kTopBar * p.u;
    float bottom = theme::kBottomBar * p.u + (p.vm_.demo ? theme::kDemoBar * p.u : 0);
    return {0, top, p.W, p.H - top - bottom};
}

namespace {

void top_bar(Painter& p) {
    float h = theme::kTopBar * p.u;
    p.dl->AddRectFilled({0, 0}, {p.W, h}, theme::kBar);
    float bh = theme::kBarButtonH * p.u, pad = 16 * p.u, y = (h - bh) / 2;
    float w_lang = 330 * p.u, w_big = 290 * p.u, w_sound = 250 * p.u;
    float x = p.W - pad - w_sound;
    if (p.button("top.sound", p.tr(p.vm_.sound_on ? "app.sound_off" : "app.sound_on"), {x, y, w_sound, bh},
                 Style::Bar, true, {}, p.f_.chrome))
        p.out_.toggle_sound = true;
    x -= pad + w_big;
    if (p.button("top.larger_text", p.tr(p.vm_.larger_text ? "app.normal_text" : "app.larger_text"),
                 {x, y, w_big, bh}, Style::Bar, true, {}, p.f_.chrome))
        p.out_.toggle_larger_text = true;
    x -= pad + w_lang;
    if (p.button("top.language", p.tr("app.language"), {x, y, w_lang, bh}, Style::Bar, true, {}, p.f_.chrome))
        p.s_.set_language_picker_open(true);
    // The word for check-in, left, when there is room.
    float left_w = x - 2 * pad;
    if (left_w > 160 * p.u)
        p.text("top.title", p.f_.chrome, p.tr("app.title"), pad, (h - p.f_.chrome->FontSize * 1.3f) / 2,
               left_w, theme::kBarText, Align::Left, h);
}

// Left: back / stop (when the phase has one). Right: call staff, always.
void bottom_bar(Painter& p, const char* left_key, checkin::Event left_event) {
    float h = theme::kBottomBar * p.u;
    float y0 = p.H - h;
    p.dl->AddRectFilled({0, y0}, {p.W, p.H}, theme::rgb(0xF1, 0xF3, 0xF6));
    p.dl->AddLine({0, y0}, {p.W, y0}, theme::rgb(0xC0, 0xC4, 0xCC), 2 * p.u);
    float pad = 24 * p.u, bh = theme::kButtonH * p.u, y = y0 + (h - bh) / 2;
    float w_staff = std::min(460 * p.u, p.W / 2 - 1.5f * pad);
    auto phase = p.vm_.state->phase;
    bool help_shown = phase == Phase::HelpRequested || phase == Phase::WaitingForStaff;
    if (p.button("call_staff", p.tr("app.call_staff"), {p.W - pad - w_staff, y, w_staff, bh}, Style::Staff,
                 !help_shown, {}, nullptr, &Painter::icon_bell))
        p.out_.events.emplace_back(ev::HelpPressed{});
    if (left_key) {
        float w_left = std::min(420 * p.u, p.W / 2 - 1.5f * pad);
        if (p.button(std::string("bottom.") + left_key, p.tr(left_key), {pad, y, w_left, bh},
                     Style::Secondary))
            p.out_.events.push_back(left_event);
    }
}

void demo_bar(Painter& p) {
    float h = theme::kDemoBar * p.u;
    float y0 = p.H - theme::kBottomBar * p.u - h;
    p.dl->AddRectFilled({0, y0}, {p.W, y0 + h}, theme::rgb(0xF3, 0xEC, 0xFA));
    float pad = 6 * p.u, bh = std::max(88 * p.u, h - 2 * pad);
    float label_w = 130 * p.u;
    p.text("demo.label", p.f_.chrome, "DEMO", pad, y0 + (h - p.f_.chrome->FontSize * 1.3f) / 2, label_w,
           theme::kDemo, Align::Left, y0 + h);
    float x = pad + label_w;
    float bw = (p.W - x - pad * 5) / 4;
    struct B {
        const char* id;
        const char* label;
        DemoAction a;
    };
    B bs[4] = {{"demo.card", p.vm_.demo_card_present ? "Card out" : "Card in",
                p.vm_.demo_card_present ? DemoAction::RemoveCard : DemoAction::InsertCard},
               {"demo.staff_ok", "Staff OK", DemoAction::StaffConfirm},
               {"demo.staff_ng", "Staff NG", DemoAction::StaffReject},
               {"demo.help_done", "Help done", DemoAction::HelpDone}};
    for (const auto& b : bs) {
        if (p.button(b.id, b.label, {x, y0 + (h - bh) / 2, bw, bh}, Style::Demo, true, {}, p.f_.chrome))
            p.out_.demo.push_back(b.a);
        x += bw + pad;
    }
}

// [SECTION] Screens

void screen_message(Painter& p, const char* prefix, void (Painter::*icon)(ImVec2, float), bool busy) {
    Column c(p, content_rect(p));
    std::string k(prefix);
    c.gap(20);
    float icon_s = std::min(220 * p.u, c.area.h * 0.25f) / (p.ts * p.ts);
    Rect ir = c.take(icon_s);
    if (busy)
        p.spinner(ir.center(), icon_s * 0.4f);
    else if (icon)
        (p.*icon)(ir.center(), icon_s);
    c.gap(30);
    c.title(k + ".title");
    c.easy(k + ".easy");
    c.body(k + ".body");
    c.check_fits(k);
}

void screen_attract(Painter& p) {
    Column c(p, content_rect(p));
    c.gap(10);
    c.text("facility", p.f_.body, p.vm_.facility_name, theme::kTextMuted);
    c.gap(20);
    float icon_s = std::min(260 * p.u, c.area.h * 0.22f) / (p.ts * p.ts);
    Rect ir = c.take(icon_s);
    p.icon_card(ir.center(), icon_s);
    c.gap(30);
    c.title("attract.title");
    c.easy("attract.easy");
    c.body("attract.body");
    c.gap(40);
    float bw = std::min(760 * p.u, c.w), bh = 150 * p.u;
    Rect b = c.take(bh);
    if (p.button("start", p.tr("attract.start"), {b.x + (b.w - bw) / 2, b.y, bw, bh}, Style::Primary, true,
                 {}, p.f_.title))
        p.out_.events.emplace_back(ev::Start{});
    c.check_fits("attract");
}

void screen_place_card(Painter& p) {
    Column c(p, content_rect(p));
    c.gap(10);
    float s = std::min(300 * p.u, c.area.h * 0.3f) / (p.ts * p.ts);
    Rect ir = c.take(s * 1.1f);
    // The card comes down onto the reader, again and again.
    float t = static_cast<float>(std::fmod(p.vm_.time_s, 2.0) / 2.0);
    float drop = (1 - std::min(1.f, t * 1.6f)) * s * 0.45f;
    ImVec2 rc = ir.center();
    p.dl->AddRectFilled({rc.x - s * 0.62f, rc.y + s * 0.18f}, {rc.x + s * 0.62f, rc.y + s * 0.5f},
                        theme::rgb(0x44, 0x4B, 0x59), 14 * p.u);
    p.icon_card({rc.x, rc.y - drop}, s);
    c.gap(20);
    c.title("place_card.title");
    c.easy("place_card.easy");
    c.body("place_card.body");
    c.check_fits("place_card");
}

void screen_choose_method(Painter& p) {
    Column c(p, content_rect(p));
    c.title("method.title");
    c.easy("method.easy");
    c.gap(24);
    const auto& cfg = *p.vm_.config;
    auto avail = checkin::available_methods(*p.vm_.state, cfg);
    struct M {
        VerificationMethod m;
        bool configured;
        const char* id;
        const char* key;
        const char* desc;
        void (Painter::*icon)(ImVec2, float);
    };
    std::vector<M> ms;
    if (cfg.face_enabled)
        ms.push_back({VerificationMethod::Face, true, "method.face", "method.face", "method.face_desc",
                      &Painter::icon_face});
    if (cfg.pin_enabled)
        ms.push_back({VerificationMethod::Pin, true, "method.pin", "method.pin", "method.pin_desc",
                      &Painter::icon_keypad});
    if (cfg.staff_visual_enabled)
        ms.push_back({VerificationMethod::StaffVisual, true, "method.staff", "method.staff",
                      "method.staff_desc", &Painter::icon_person});
    float gap = 24 * p.u;
    float bh =
        std::min(190 * p.u, (c.bottom() - c.y - gap * 3) / std::max<float>(1, static_cast<float>(ms.size())));
    bh = std::max(bh, 96 * p.u);
    float bw = std::min(c.w, 1100 * p.u);
    for (const auto& m : ms) {
        bool on = std::find(avail.begin(), avail.end(), m.m) != avail.end();
        Rect r = c.take(bh);
        // An unavailable method stays touchable: the flow then says why (camera, tries left, blocked PIN).
        if (p.button(m.id, p.tr(m.key), {r.x + (r.w - bw) / 2, r.y, bw, bh},
                     on ? Style::Choice : Style::Secondary, true, p.tr(m.desc), p.f_.title, m.icon))
            p.out_.events.emplace_back(ev::MethodChosen{m.m});
        if (!on)
            p.dl->AddRectFilled({r.x + (r.w - bw) / 2, r.y}, {r.x + (r.w + bw) / 2, r.y + bh},
                                theme::rgb(0xFF, 0xFF, 0xFF, 0x90), theme::kRound * p.u);
        c.gap(24);
    }
    c.check_fits("method");
}

}  // namespace

void camera_panel(Painter& p, Rect r, bool oval) {
    p.dl->AddRectFilled(r.min(), r.max(), theme::rgb(0x20, 0x24, 0x2C), 16 * p.u);
    const auto& fv = p.vm_.face;
    if (fv.preview_texture && fv.preview_w > 0 && fv.preview_h > 0) {
        float sc = std::min(r.w / static_cast<float>(fv.preview_w), r.h / static_cast<float>(fv.preview_h));
        float w = static_cast<float>(fv.preview_w) * sc, h = static_cast<float>(fv.preview_h) * sc;
        ImVec2 a{r.x + (r.w - w) / 2, r.y + (r.h - h) / 2};
        p.dl->AddImage(fv.preview_texture, a, {a.x + w, a.y + h});
    } else {
        float sr = std::min(r.w, r.h) * 0.12f;
        p.spinner({r.center().x, r.y + r.h * 0.4f}, sr);
        p.text("face.preparing", p.f_.small, p.tr("face.preparing"), r.x + 16 * p.u,
               r.y + r.h * 0.4f + sr + 24 * p.u, r.w - 32 * p.u, theme::kBarText, Align::Center, r.y + r.h);
    }
    ImVec2 cc = r.center();
    if (oval) {
        // Guide oval: where the face should be.
        float rx = r.h * 0.26f, ry = r.h * 0.36f;
        p.dl->PathClear();
        for (int i = 0; i <= 48; ++i) {
            float a = static_cast<float>(i) * 6.2832f / 48;
            p.dl->PathLineTo({cc.x + std::cos(a) * rx, cc.y + std::sin(a) * ry});
        }
        p.dl->PathStroke(theme::rgb(0xFF, 0xFF, 0xFF), 0, 6 * p.u);
    } else {
        float w = r.h * 0.85f * 1.58f, h = r.h * 0.85f;
        w = std::min(w, r.w * 0.9f);
        p.dl->AddRect({cc.x - w / 2, cc.y - h / 2}, {cc.x + w / 2, cc.y + h / 2},
                      theme::rgb(0xFF, 0xFF, 0xFF), 14 * p.u, 0, 6 * p.u);
    }
}

KeypadTap digit_keypad(Painter& p, Rect area, const std::string& id, float max_key_w, float margin_h,
                       bool digits_on, bool erase_on, bool ok_on) {
    KeypadTap tap;
    float kg = 18 * p.u;
    float avail_h = area.h - margin_h * p.u, avail_w = area.w - 60 * p.u;
    float kh = std::min((avail_h - 3 * kg) / 4, 150 * p.u);
    float kw = std::min((avail_w - 2 * kg) / 3, max_key_w * p.u);
    if (kh < 88 * p.u) p.issue(id + ".keypad", "", "keys are shorter than 88 px at 1080p");
    float kx = area.x + (area.w - (3 * kw + 2 * kg)) / 2;
    float ky = area.y + (area.h - (4 * kh + 3 * kg)) / 2;
    const char* digits = "123456789";
    for (int i = 0; i < 9; ++i) {
        Rect r{kx + static_cast<float>(i % 3) * (kw + kg), ky + static_cast<float>(i / 3) * (kh + kg), kw,
               kh};
        std::string d(1, digits[i]);
        if (p.button(id + "." + d, d, r, Style::Secondary, digits_on, {}, p.f_.title)) tap.digit = digits[i];
    }
    float y3 = ky + 3 * (kh + kg);
    if (p.button(id + ".delete", p.tr("pin.delete"), {kx, y3, kw, kh}, Style::Secondary, erase_on, {},
                 p.f_.small))
        tap.erase = true;
    if (p.button(id + ".0", "0", {kx + kw + kg, y3, kw, kh}, Style::Secondary, digits_on, {}, p.f_.title))
        tap.digit = '0';
    if (p.button(id + ".ok", p.tr("pin.ok"), {kx + 2 * (kw + kg), y3, kw, kh}, Style::Primary, ok_on, {},
                 p.f_.title))
        tap.ok = true;
    return tap;
}

// The card-front screens (ReadingCardFront, CardFrontKeypad) are in card_front_screens.cpp, the face screen
// (FaceCapture) in face_screens.cpp, the PIN screens (PinLastTryWarning, PinEntry) in pin_screens.cpp, the
// consent and confirm screens (Consent, Confirm) in consent_screens.cpp, the ending screens (Done, TakeCard,
// Error) in result_screens.cpp.

namespace {

void language_picker(Painter& p) {
    p.dl->AddRectFilled({0, 0}, {p.W, p.H}, theme::kOverlay);
    float pw = std::min(p.W - 60 * p.u, 1300 * p.u);
    auto langs = p.vm_.strings->languages();
    bool two = pw > 900 * p.u;
    std::size_t cols = two ? 2 : 1;
    std::size_t rows = (langs.size() + cols - 1) / cols;
    float bh = theme::kButtonH * p.u, gap = 22 * p.u;
    float ph = 140 * p.u + static_cast<float>(rows) * (bh + gap) + bh + 60 * p.u;
    Rect panel{(p.W - pw) / 2, std::max(20 * p.u, (p.H - ph) / 2), pw, ph};
    p.dl->AddRectFilled(panel.min(), panel.max(), theme::kBackground, 24 * p.u);
    p.text("picker.title", p.f_.title, p.tr("app.choose_language"), panel.x + 30 * p.u, panel.y + 30 * p.u,
           pw - 60 * p.u, theme::kText, Align::Center, panel.y + 140 * p.u);
    float bw = (pw - 60 * p.u - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
    for (std::size_t i = 0; i < langs.size(); ++i) {
        float x = panel.x + 30 * p.u + static_cast<float>(i % cols) * (bw + gap);
        float y = panel.y + 140 * p.u + static_cast<float>(i / cols) * (bh + gap);
        // Each language's name in its own script, never translated.
        const std::string& name = p.vm_.strings->get(langs[i], "lang.name");
        if (p.button("lang." + langs[i], name, {x, y, bw, bh},
                     langs[i] == p.lang ? Style::Primary : Style::Choice, true, {}, p.f_.title)) {
            p.out_.language = langs[i];
            p.out_.events.emplace_back(ev::LanguageChanged{langs[i]});
            p.s_.set_language_picker_open(false);
        }
    }
    float cy = panel.y + 140 * p.u + static_cast<float>(rows) * (bh + gap) + 10 * p.u;
    float cw = std::min(bw, 500 * p.u);
    if (p.button("picker.close", p.tr("app.close"), {panel.x + (pw - cw) / 2, cy, cw, bh}, Style::Secondary))
        p.s_.set_language_picker_open(false);
}

}  // namespace

// [SECTION] Entry point

UiOutput Screens::draw(const ViewModel& vm, const FontSet& fonts) {
    issues_.clear();
    buttons_.clear();
    UiOutput out;
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, {0, 0});
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, theme::kBackground);
    ImGui::Begin("uketsuke", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoNav);
    {
        Painter p(*this, vm, fonts, out);
        // While the language picker is open, the screen below must not take touches.
        // Decided once per frame: a tap on the language button below opens the picker for the NEXT frame,
        // so Begin/EndDisabled stay balanced (an unbalanced pair aborts the process).
        const bool picker = picker_open_;
        if (picker) ImGui::BeginDisabled();
        top_bar(p);
        const char* left = nullptr;
        checkin::Event left_ev = ev::Cancel{};
        switch (vm.state->phase) {
            case Phase::Attract:
                screen_attract(p);
                break;
            case Phase::WaitingForCard:
                screen_place_card(p);
                left = "app.back";
                left_ev = ev::Back{};
                break;
            case Phase::ReadingCard:
                screen_message(p, "reading", nullptr, true);
                break;
            case Phase::ChooseMethod:
                screen_choose_method(p);
                left = "app.cancel";
                break;
            case Phase::ReadingCardFront:
                screen_card_front(p);
                left = "app.cancel";
                break;
            case Phase::CardFrontKeypad:
                screen_card_front_keypad(p);
                left = "app.back";
                left_ev = ev::Back{};
                break;
            case Phase::UnlockingPhoto:
                screen_message(p, "unlock", nullptr, true);
                break;
            case Phase::FaceCapture:
                screen_face(p);
                left = "app.cancel";
                break;
            case Phase::PinLastTryWarning:
                screen_pin_last(p);
                left = "app.cancel";
                break;
            case Phase::PinEntry:
                screen_pin(p);
                left = "app.back";
                left_ev = ev::Back{};
                break;
            case Phase::VerifyingPin:
                screen_message(p, "verifying", nullptr, true);
                break;
            case Phase::WaitingForStaff:
                screen_message(p, "staff", &Painter::icon_person, false);
                left = "app.cancel";
                break;
            case Phase::Consent:
                screen_consent(p);
                left = "app.back";
                left_ev = vm.state->session.consent_index > 0 ? checkin::Event{ev::Back{}}
                                                              : checkin::Event{ev::Cancel{}};
                if (vm.state->session.consent_index == 0) left = "app.cancel";
                break;
            case Phase::Confirm:
                screen_confirm(p);
                left = "app.back";
                left_ev = ev::Back{};
                break;
            case Phase::Submitting:
                screen_message(p, "submitting", nullptr, true);
                break;
            case Phase::Done:
                screen_done(p);
                break;
            case Phase::TakeCard:
                screen_take_card(p);
                break;
            case Phase::Error:
                screen_error(p);
                break;
            case Phase::HelpRequested:
                screen_message(p, "help", &Painter::icon_person, false);
                break;
        }
        bottom_bar(p, left, left_ev);
        if (vm.demo) demo_bar(p);
        if (picker) ImGui::EndDisabled();
        if (picker) language_picker(p);
    }
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(3);
    return out;
}

std::vector<std::string> screen_texts(const Strings& strings, std::string_view lang,
                                      const std::string& facility_name) {
    auto texts = strings.texts_for(lang);
    for (const auto& l : strings.languages())
        texts.push_back(strings.get(l, "lang.name"));
    texts.push_back(facility_name);
    texts.emplace_back("DEMO Card in Card out Staff OK Staff NG Help done");
    for (auto& t : admin_texts())
        texts.push_back(std::move(t));
    return texts;
}

std::vector<std::string> keys_used_by_screens() {
    std::vector<std::string> k = {"app.title",
                                  "app.call_staff",
                                  "app.language",
                                  "app.larger_text",
                                  "app.normal_text",
                                  "app.sound_on",
                                  "app.sound_off",
                                  "app.back",
                                  "app.cancel",
                                  "app.close",
                                  "app.choose_language",
                                  "lang.name",
                                  "attract.title",
                                  "attract.body",
                                  "attract.start",
                                  "place_card.title",
                                  "place_card.body",
                                  "reading.title",
                                  "reading.body",
                                  "method.title",
                                  "method.face",
                                  "method.face_desc",
                                  "method.pin",
                                  "method.pin_desc",
                                  "method.staff",
                                  "method.staff_desc",
                                  "card_front.title",
                                  "card_front.body",
                                  "card_front.type_instead",
                                  "card_front_keypad.title",
                                  "card_front_keypad.birth_value",
                                  "card_front_keypad.expiry_value",
                                  "card_front_keypad.field.birth",
                                  "card_front_keypad.field.expiry",
                                  "card_front_keypad.field.code",
                                  "unlock.title",
                                  "unlock.body",
                                  "face.title",
                                  "face.body",
                                  "face.preparing",
                                  "face.attempt",
                                  "pin_last.title",
                                  "pin_last.body",
                                  "pin_last.continue",
                                  "pin_last.other",
                                  "pin.title",
                                  "pin.tries_left",
                                  "pin.delete",
                                  "pin.ok",
                                  "verifying.title",
                                  "verifying.body",
                                  "staff.title",
                                  "staff.body",
                                  "consent.title",
                                  "consent.progress",
                                  "consent.note",
                                  "consent.agree",
                                  "consent.refuse",
                                  "consent.agree_all",
                                  "confirm.title",
                                  "confirm.method",
                                  "confirm.consents",
                                  "confirm.agreed",
                                  "confirm.refused",
                                  "confirm.no_items",
                                  "confirm.ok",
                                  "submitting.title",
                                  "submitting.body",
                                  "done.title",
                                  "done.ticket",
                                  "done.body",
                                  "done.offline",
                                  "take_card.title",
                                  "take_card.body",
                                  "help.title",
                                  "help.body",
                                  "notice.pin_wrong",
                                  "notice.cert_expired_no_sharing"};
    for (const char* g :
         {"ok", "no_face", "several_faces", "too_far", "too_close", "off_centre", "turned_away", "too_dark",
          "too_bright", "blurred", "eyes_closed", "face_covered", "camera_unavailable"})
        k.push_back(std::string("face.guidance.") + g);
    for (const char* c : {"blink", "turn_left", "turn_right"})
        k.push_back(std::string("face.challenge.") + c);
    for (const char* g : {"no_card", "too_far", "glare", "hold_still", "reading", "done"})
        k.push_back(std::string("card_front.guidance.") + g);
    for (const char* c : {"showa", "heisei", "reiwa", "taisho", "western"})
        k.push_back(std::string("card_front_keypad.calendar.") + c);
    for (const char* pr : {"calendar", "birth", "expiry", "code"})
        k.push_back(std::string("card_front_keypad.problem.") + pr);
    for (ConsentItem i : kAllConsentItems) {
        k.push_back(consent_key(i, "title"));
        k.push_back(consent_key(i, "body"));
    }
    for (int e = 0; e <= static_cast<int>(ErrorKind::ReceptionUnreachable); ++e) {
        std::string kind(checkin::to_string(static_cast<ErrorKind>(e)));
        k.push_back("error." + kind + ".title");
        k.push_back("error." + kind + ".body");
    }
    for (int a = 0; a <= static_cast<int>(ErrorAction::StartOver); ++a)
        k.emplace_back(action_key(static_cast<ErrorAction>(a)));
    return k;
}

}  // namespace uk::ui
