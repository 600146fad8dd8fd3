// The ending screens: the ticket (Done: a tick, the queue number in the largest type, and the offline notice
// when the check-in is waiting to be sent), the reminder to take the card off the reader (TakeCard: the card
// lifting off the reader, again and again), and the error screen (Error: what went wrong, then the actions
// the flow offers as buttons, two or three to a row).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

using checkin::ErrorAction;
namespace ev = checkin::ev;

void screen_done(Painter& p) {
    Column c(p, content_rect(p));
    const auto& ses = p.vm_.state->session;
    float s = std::min(150 * p.u, c.area.h * 0.15f) / (p.ts * p.ts);
    bool icon = p.ts == 1.f && !ses.queued_offline;  // the words need the room more than the tick
    Rect ir = c.take(icon ? s : 0.f);
    if (icon) p.icon_check(ir.center(), s);
    c.gap(16);
    c.title("done.title");
    c.gap(10);
    c.text("done.ticket", p.f_.body, p.tr("done.ticket"), theme::kTextMuted);
    char num[16];
    std::snprintf(num, sizeof num, "%d", ses.ticket);
    c.text("done.number", p.f_.huge, num, theme::kBar);
    if (ses.queued_offline) {
        c.notice("done.offline");
    } else {
        c.body("done.body");
        c.easy("done.easy");
    }
    c.check_fits("done");
}

void screen_take_card(Painter& p) {
    Column c(p, content_rect(p));
    float s = std::min(300 * p.u, c.area.h * 0.3f) / (p.ts * p.ts);
    Rect ir = c.take(s * 1.1f);
    float t = static_cast<float>(std::fmod(p.vm_.time_s, 1.6) / 1.6);
    ImVec2 rc = ir.center();
    p.dl->AddRectFilled({rc.x - s * 0.62f, rc.y + s * 0.18f}, {rc.x + s * 0.62f, rc.y + s * 0.5f},
                        theme::rgb(0x44, 0x4B, 0x59), 14 * p.u);
    p.icon_card({rc.x, rc.y - t * s * 0.4f}, s);
    c.gap(20);
    c.text("take_card.title", p.f_.title, p.tr("take_card.title"), theme::kDanger);
    c.easy("take_card.easy");
    c.body("take_card.body");
    c.check_fits("take_card");
}

const char* action_key(ErrorAction a) {
    switch (a) {
        case ErrorAction::TryAgain:
            return "error.action.try_again";
        case ErrorAction::TypeCardFront:
            return "error.action.type_card_front";
        case ErrorAction::UseFace:
            return "error.action.use_face";
        case ErrorAction::UsePin:
            return "error.action.use_pin";
        case ErrorAction::CallStaff:
            return "error.action.call_staff";
        case ErrorAction::StartOver:
            return "error.action.start_over";
    }
    return "error.action.start_over";
}

void screen_error(Painter& p) {
    Column c(p, content_rect(p));
    const auto& st = *p.vm_.state;
    std::string kind = st.error ? std::string(checkin::to_string(*st.error)) : std::string("card_unreadable");
    float s = std::min(170 * p.u, c.area.h * 0.17f) / (p.ts * p.ts);
    Rect ir = c.take(p.ts > 1 ? 0.f : s);
    if (p.ts == 1.f) p.icon_warning(ir.center(), s);
    c.gap(16);
    c.text("error." + kind + ".title", p.f_.title, p.tr("error." + kind + ".title"), theme::kDanger);
    c.body("error." + kind + ".body");
    c.gap(30);
    auto actions = checkin::error_actions(st, *p.vm_.config);
    float bh = theme::kButtonH * p.u, gap = 24 * p.u;
    std::size_t n = actions.size();
    bool landscape = p.W > p.H * 1.15f;
    std::size_t per_row = std::min<std::size_t>(n, landscape ? 3 : 2);
    float bw = std::min(
        (c.w - gap * static_cast<float>(per_row - 1)) / static_cast<float>(std::max<std::size_t>(per_row, 1)),
        560 * p.u);
    for (std::size_t i = 0; i < n; i += per_row) {
        std::size_t m = std::min(per_row, n - i);
        Rect r = c.take(bh);
        float x0 = r.x + (r.w - (static_cast<float>(m) * bw + static_cast<float>(m - 1) * gap)) / 2;
        for (std::size_t j = 0; j < m; ++j) {
            ErrorAction a = actions[i + j];
            Style style = (i + j == 0) ? Style::Primary : Style::Secondary;
            if (a == ErrorAction::CallStaff) style = Style::Staff;
            if (p.button(std::string("error.") + std::string(checkin::to_string(a)), p.tr(action_key(a)),
                         {x0 + static_cast<float>(j) * (bw + gap), r.y, bw, bh}, style))
                p.out_.events.emplace_back(ev::ErrorActionChosen{a});
        }
        c.gap(24);
    }
    c.check_fits("error." + kind);
}

}  // namespace uk::ui
