// The PIN screens: the warning shown before the card's last PIN try (PinLastTryWarning: use another way, or
// go on and type it) and the PIN entry itself (PinEntry): four boxes with a dot per digit typed (never the
// digits), the tries left on the card, a wrong-PIN notice, and the fixed digit keypad beside (landscape) or
// below (portrait) the words.
#include <algorithm>
#include <cstddef>
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

namespace ev = checkin::ev;

void screen_pin_last(Painter& p) {
    Column c(p, content_rect(p));
    float s = std::min(200 * p.u, c.area.h * 0.2f) / (p.ts * p.ts);
    Rect ir = c.take(p.ts > 1 ? 0.f : s);
    if (p.ts == 1.f) p.icon_warning(ir.center(), s);
    c.gap(20);
    c.text("pin_last.title", p.f_.title, p.tr("pin_last.title"), theme::kDanger);
    c.easy("pin_last.easy");
    c.body("pin_last.body");
    if (p.vm_.state->last_notice == "pin_wrong") c.notice("notice.pin_wrong", true);
    c.gap(36);
    float bh = theme::kButtonH * p.u, gap = 28 * p.u;
    float bw = std::min((c.w - gap) / 2, 640 * p.u);
    Rect r = c.take(bh);
    float x0 = r.x + (r.w - (2 * bw + gap)) / 2;
    if (p.button("pin_last.other", p.tr("pin_last.other"), {x0, r.y, bw, bh}, Style::Secondary))
        p.out_.events.emplace_back(ev::Back{});
    if (p.button("pin_last.continue", p.tr("pin_last.continue"), {x0 + bw + gap, r.y, bw, bh},
                 Style::Primary))
        p.out_.events.emplace_back(ev::PinLastTryConfirmed{});
    c.check_fits("pin_last");
}

void screen_pin(Painter& p) {
    Rect area = content_rect(p);
    bool landscape = p.W > p.H * 1.15f;
    // Landscape: words on the left, keypad on the right. Portrait: words above the keypad.
    Rect words = area, pad_area = area;
    if (landscape) {
        words.w = area.w * 0.5f;
        pad_area.x = area.w * 0.5f;
        pad_area.w = area.w * 0.5f;
    } else {
        words.h = area.h * (p.ts > 1 ? 0.55f : 0.42f);
        pad_area.y = area.y + words.h;
        pad_area.h = area.h - words.h;
    }
    Column c(p, words);
    c.title("pin.title");
    c.easy("pin.easy");
    c.gap(24);
    // Four boxes; a filled dot per digit typed (the digits themselves are never drawn).
    float box = (p.ts > 1 && !landscape ? 84 : 110) * p.u, g = 26 * p.u;
    Rect br = c.take(box);
    float x0 = br.x + (br.w - (4 * box + 3 * g)) / 2;
    for (int i = 0; i < 4; ++i) {
        ImVec2 a{x0 + static_cast<float>(i) * (box + g), br.y};
        p.dl->AddRect(a, {a.x + box, a.y + box}, theme::kBar, 12 * p.u, 0, 4 * p.u);
        if (static_cast<std::size_t>(i) < p.vm_.pin_length)
            p.dl->AddCircleFilled({a.x + box / 2, a.y + box / 2}, box * 0.2f, theme::kText, 32);
    }
    c.gap(18);
    const auto& card = p.vm_.state->session.card;
    if (card) {
        int left = card->pin_tries_left;
        c.text("pin.tries_left", p.f_.body, format(p.tr("pin.tries_left"), {{"n", std::to_string(left)}}),
               left <= 1 ? theme::kDanger : theme::kText);
    }
    if (p.vm_.state->last_notice == "pin_wrong") c.notice("notice.pin_wrong", true);
    c.check_fits("pin.words");

    auto tap = digit_keypad(p, pad_area, "pin", 250, 40, p.vm_.pin_length<4, p.vm_.pin_length> 0,
                            p.vm_.pin_length == 4);
    if (tap.digit) p.out_.pin_digit = *tap.digit;
    if (tap.erase) p.out_.pin_delete = true;
    if (tap.ok) p.out_.events.emplace_back(ev::PinEntered{});
}

}  // namespace uk::ui
