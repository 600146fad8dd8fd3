// The card-front screens: the camera reading 照合番号B off the card (ReadingCardFront) and the keypad the
// patient can type the card's birth date, expiry year and security code on instead (CardFrontKeypad).
#include <algorithm>
#include <string>
#include <string_view>

#include <imgui.h>

#include "kiosk/cardfront/layout.h"
#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

namespace ev = checkin::ev;

namespace {

// A drawing of the card front (a plain outline, not the card's design) with the field being typed marked,
// so the patient sees where on their card to look.
void card_front_diagram(Painter& p, Rect r, const std::string& field) {
    namespace L = cardfront::layout;
    float sc =
        std::min(r.w / static_cast<float>(L::kCardWidthMm), r.h / static_cast<float>(L::kCardHeightMm));
    float cw = static_cast<float>(L::kCardWidthMm) * sc, ch = static_cast<float>(L::kCardHeightMm) * sc;
    ImVec2 o{r.x + (r.w - cw) / 2, r.y + (r.h - ch) / 2};
    auto box = [&](const L::RectMm& m) {
        return Rect{o.x + static_cast<float>(m.x) * sc, o.y + static_cast<float>(m.y) * sc,
                    static_cast<float>(m.w) * sc, static_cast<float>(m.h) * sc};
    };
    p.dl->AddRectFilled(o, {o.x + cw, o.y + ch}, theme::rgb(0xF4, 0xF7, 0xFB), 3.2f * sc);
    p.dl->AddRect(o, {o.x + cw, o.y + ch}, theme::kBar, 3.2f * sc, 0, std::max(2.f, 3 * p.u));
    std::uint32_t ink = theme::rgb(0xB8, 0xC0, 0xCC);
    for (const L::RectMm* m : {&L::kName, &L::kAddress, &L::kBirth, &L::kSex, &L::kExpiry, &L::kCertExpiry,
                               &L::kSerial, &L::kSecurityCode}) {
        Rect b = box(*m);
        // Text lines as grey bars (one per 4 mm of the box's height).
        int lines = std::max(1, static_cast<int>(m->h / 3.6));
        float lh = b.h / static_cast<float>(lines);
        for (int i = 0; i < lines; ++i)
            p.dl->AddRectFilled({b.x, b.y + lh * static_cast<float>(i) + lh * 0.2f},
                                {b.x + b.w, b.y + lh * static_cast<float>(i + 1) - lh * 0.2f}, ink,
                                lh * 0.2f);
    }
    Rect ph = box(L::kPhoto);
    p.dl->AddRectFilled(ph.min(), ph.max(), ink, 1.5f * sc);
    p.icon_person(ph.center(), ph.w * 0.8f);
    const L::RectMm& mark = field == "code"     ? L::kSecurityCode
                            : field == "expiry" ? L::kExpiryBox
                                                : L::kBirth;
    Rect m = box(mark);
    float pad = 1.2f * sc;
    p.dl->AddRect({m.x - pad, m.y - pad}, {m.x + m.w + pad, m.y + m.h + pad}, theme::kDanger, 1.5f * sc, 0,
                  std::max(3.f, 5 * p.u));
}

}  // namespace

void screen_card_front(Painter& p) {
    Column c(p, content_rect(p));
    const auto& cf = p.vm_.card_front;
    c.title("card_front.title");
    c.easy("card_front.easy");
    c.gap(10);
    // What to do now (too far, glare, hold still ...), else the screen's own instructions.
    if (!cf.guidance_key.empty())
        c.text("card_front.prompt", p.f_.body, p.tr(cf.guidance_key), theme::kDanger);
    else
        c.text("card_front.body", p.f_.body, p.tr("card_front.body"), theme::kTextMuted);
    c.gap(20);
    float bh = theme::kButtonH * p.u;
    float h = std::max(80.f, c.bottom() - c.y - 20 * p.u - bh - 24 * p.u);
    Rect r = c.take(std::min(h, 520 * p.u));
    float w = std::min(r.w, r.h * 1.5f);
    Rect panel{r.x + (r.w - w) / 2, r.y, w, r.h};
    camera_panel(p, panel, false);
    // The card as the reader found it, over the preview.
    const auto& fv = p.vm_.face;
    if (cf.outline && fv.preview_texture && fv.preview_w > 0 && fv.preview_h > 0) {
        float sc =
            std::min(panel.w / static_cast<float>(fv.preview_w), panel.h / static_cast<float>(fv.preview_h));
        float iw = static_cast<float>(fv.preview_w) * sc, ih = static_cast<float>(fv.preview_h) * sc;
        ImVec2 a{panel.x + (panel.w - iw) / 2, panel.y + (panel.h - ih) / 2};
        ImVec2 pts[4];
        for (int i = 0; i < 4; ++i)
            pts[i] = {a.x + (*cf.outline)[2 * i] * iw, a.y + (*cf.outline)[2 * i + 1] * ih};
        p.dl->AddPolyline(pts, 4, theme::kSuccess, ImDrawFlags_Closed, 6 * p.u);
    }
    c.gap(24);
    float bw = std::min(c.w, 760 * p.u);
    Rect b = c.take(bh);
    if (p.button("card_front.type", p.tr("card_front.type_instead"), {b.x + (b.w - bw) / 2, b.y, bw, bh},
                 Style::Secondary, true, {}, nullptr, &Painter::icon_keypad))
        p.out_.events.emplace_back(ev::CardFrontKeypadChosen{});
    c.check_fits("card_front");
}

void screen_card_front_keypad(Painter& p) {
    const auto& cf = p.vm_.card_front;
    Rect area = content_rect(p);
    bool landscape = p.W > p.H * 1.15f;
    // Landscape: the card, the calendar and the three fields on the left, the keypad on the right. Portrait:
    // the same stacked, the keypad keeping its 88 px keys.
    Rect words = area, pad_area = area;
    if (landscape) {
        words.w = area.w * 0.56f;
        pad_area.x = area.w * 0.56f;
        pad_area.w = area.w * 0.44f;
    } else {
        float pad_h = std::max(area.h * 0.34f, (4 * 90 + 3 * 18 + 30) * p.u);
        words.h = area.h - pad_h;
        pad_area.y = area.y + words.h;
        pad_area.h = pad_h;
    }
    Column c(p, words);
    c.y -= 12 * p.u;
    // After a refused entry the problem takes the place of the title and the drawing.
    if (!cf.problem_key.empty()) {
        c.y -= 16 * p.u;
        c.notice(cf.problem_key, true);
    } else {
        c.title("card_front_keypad.title");
        if (landscape || p.ts == 1.f) c.easy("card_front_keypad.easy");  // portrait, larger text: no room
    }
    c.gap(12);
    const float field_h = std::max(92.f * p.u, p.f_.body->FontSize * 1.7f);
    const float cal_h = 92 * p.u;
    // Five calendar buttons in one row where they are wide enough for their words, else three and two.
    const float cal_g = 10 * p.u;
    const bool cal_one_row = (c.w - 4 * cal_g) / 5 >= 170 * p.u * p.ts;
    const float cal_rows_h = cal_one_row ? cal_h : 2 * cal_h + cal_g;
    float rest = 3 * (field_h + 10 * p.u) + cal_rows_h + 14 * p.u;
    float diagram_h = std::clamp(c.bottom() - c.y - rest - 14 * p.u, 0.f, 300 * p.u);
    if (diagram_h > 120 * p.u && cf.problem_key.empty()) {
        card_front_diagram(p, c.take(diagram_h), cf.field);
        c.gap(14);
    }
    // The calendar the card prints the birth date in.
    {
        Rect r = c.take(cal_rows_h);
        const char* cals[] = {"showa", "heisei", "reiwa", "taisho", "western"};
        const int per_row = cal_one_row ? 5 : 3;
        float bw = (r.w - static_cast<float>(per_row - 1) * cal_g) / static_cast<float>(per_row);
        for (int i = 0; i < 5; ++i) {
            std::string id = std::string("card_front_keypad.calendar.") + cals[i];
            Rect b{r.x + static_cast<float>(i % per_row) * (bw + cal_g),
                   r.y + static_cast<float>(i / per_row) * (cal_h + cal_g), bw, cal_h};
            if (p.button(id, p.tr(id), b, cf.calendar == cals[i] ? Style::Primary : Style::Choice, true, {},
                         p.f_.small))
                p.out_.card_front.push_back({CardFrontInput::Key::Calendar, 0, cals[i]});
        }
        c.gap(14);
    }
    // The three fields: the digits typed so far, blanks for the rest; the code as dots.
    auto blanks = [](const std::string& typed, std::size_t from, std::size_t n) {
        std::string out;
        for (std::size_t i = from; i < from + n; ++i)
            out += i < typed.size() ? std::string(1, typed[i]) : std::string("_");
        return out;
    };
    std::string era = cf.calendar.empty() || cf.calendar == "western"
                          ? std::string()
                          : p.tr("card_front_keypad.calendar." + cf.calendar);
    std::size_t yl = cf.birth_length == 8 ? 4 : 2;
    std::string birth = format(p.tr("card_front_keypad.birth_value"), {{"era", era},
                                                                       {"y", blanks(cf.birth, 0, yl)},
                                                                       {"m", blanks(cf.birth, yl, 2)},
                                                                       {"d", blanks(cf.birth, yl + 2, 2)}});
    std::string code;  // "* * _ _": ASCII, so every font has it
    for (std::size_t i = 0; i < 4; ++i)
        code += std::string(i ? " " : "") + (i < cf.code_length ? "*" : "_");
    struct F {
        const char* name;
        std::string value;
    };
    for (const F& f :
         {F{"birth", birth},
          F{"expiry", format(p.tr("card_front_keypad.expiry_value"), {{"y", blanks(cf.expiry, 0, 4)}})},
          F{"code", code}}) {
        Rect r = c.take(field_h);
        bool current = cf.field == f.name;
        std::string id = std::string("card_front_keypad.field.") + f.name;
        std::string label = p.tr(id) + "   " + f.value;
        if (p.button(id, label, r, current ? Style::Primary : Style::Secondary, true, {}, p.f_.body))
            p.out_.card_front.push_back({CardFrontInput::Key::Field, 0, f.name});
        if (std::string_view(f.name) != "code") c.gap(10);
    }
    c.check_fits("card_front_keypad.words");

    bool any = !cf.birth.empty() || !cf.expiry.empty() || cf.code_length > 0;
    bool complete = !cf.calendar.empty() && cf.birth.size() == cf.birth_length && cf.expiry.size() == 4 &&
                    cf.code_length == 4;
    auto tap = digit_keypad(p, pad_area, "card_front_keypad", 230, 30, true, any, complete);
    if (tap.digit) p.out_.card_front.push_back({CardFrontInput::Key::Digit, *tap.digit, {}});
    if (tap.erase) p.out_.card_front.push_back({CardFrontInput::Key::Delete, 0, {}});
    if (tap.ok) p.out_.card_front.push_back({CardFrontInput::Key::Submit, 0, {}});
}

}  // namespace uk::ui
