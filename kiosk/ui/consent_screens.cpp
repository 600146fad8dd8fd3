// The consent and confirm screens: one consent question at a time (Consent: progress, the item's title and
// text, agree / refuse, and "agree to all" on the first of several) with the answers beside (landscape) or
// below (portrait) the question; then the summary the patient confirms (Confirm: the verification method and
// each consent answer, the expired-certificate notice, and the confirm button, to the right when larger text
// meets a wide screen).
#include <algorithm>
#include <cstdint>
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

namespace ev = checkin::ev;

std::string consent_key(ConsentItem item, const char* part) {
    return "consent.item." + std::string(to_string(item)) + "." + part;
}

namespace {

const char* method_key(VerificationMethod m) {
    switch (m) {
        case VerificationMethod::Face:
            return "method.face";
        case VerificationMethod::Pin:
            return "method.pin";
        case VerificationMethod::StaffVisual:
            return "method.staff";
    }
    return "method.pin";
}

}  // namespace

void screen_consent(Painter& p) {
    Rect area = content_rect(p);
    bool landscape = p.W > p.H * 1.5f;  // wide screens only: 4:3 is too narrow for two columns of text
    // Landscape: the question on the left, the answers stacked on the right. Portrait: answers below.
    Rect words = area, answers = area;
    if (landscape) {
        words.w = area.w * 0.6f;
        answers.x = area.x + words.w;
        answers.w = area.w - words.w;
    }
    Column c(p, words);
    const auto& ses = p.vm_.state->session;
    if (ses.consent_items.empty() || ses.consent_index >= ses.consent_items.size()) return;
    ConsentItem item = ses.consent_items[ses.consent_index];
    c.text("consent.progress", p.f_.small,
           format(p.tr("consent.progress"), {{"i", std::to_string(ses.consent_index + 1)},
                                             {"n", std::to_string(ses.consent_items.size())}}),
           theme::kTextMuted);
    c.gap(6);
    c.text("consent.title", p.f_.body, p.tr("consent.title"), theme::kTextMuted);
    c.easy("consent.easy");
    c.gap(20);
    c.title(consent_key(item, "title"));
    c.gap(8);
    c.text(consent_key(item, "body"), p.f_.body, p.tr(consent_key(item, "body")));
    c.gap(8);
    c.text("consent.note", p.f_.small, p.tr("consent.note"), theme::kTextMuted);
    c.gap(28);
    bool all = ses.consent_items.size() > 1 && ses.consent_index == 0;
    float bh = theme::kButtonH * p.u, gap = 28 * p.u;
    Rect agree, refuse, agree_all;
    if (landscape) {
        float bw = std::min(answers.w - 2 * theme::kPad * p.u, 620 * p.u);
        int n = all ? 3 : 2;
        float total = static_cast<float>(n) * bh + static_cast<float>(n - 1) * gap;
        float x = answers.x + (answers.w - bw) / 2, y = answers.y + (answers.h - total) / 2;
        agree = {x, y, bw, bh};
        refuse = {x, y + bh + gap, bw, bh};
        agree_all = {x, y + 2 * (bh + gap), bw, bh};
        c.check_fits("consent");
    } else {
        float bw = std::min((c.w - gap) / 2, 620 * p.u);
        Rect r = c.take(bh);
        float x0 = r.x + (r.w - (2 * bw + gap)) / 2;
        refuse = {x0, r.y, bw, bh};
        agree = {x0 + bw + gap, r.y, bw, bh};
        if (all) {
            c.gap(24);
            float aw = std::min(c.w, 2 * bw + gap);
            Rect a = c.take(bh);
            agree_all = {a.x + (a.w - aw) / 2, a.y, aw, a.h};
        }
        c.check_fits("consent");
    }
    if (p.button("consent.agree", p.tr("consent.agree"), agree, Style::Primary, true, {}, p.f_.title))
        p.out_.events.emplace_back(ev::ConsentAnswered{ConsentAnswer::Agreed});
    if (p.button("consent.refuse", p.tr("consent.refuse"), refuse, Style::Secondary, true, {}, p.f_.title))
        p.out_.events.emplace_back(ev::ConsentAnswered{ConsentAnswer::Refused});
    if (all && p.button("consent.agree_all", p.tr("consent.agree_all"), agree_all, Style::Choice))
        p.out_.events.emplace_back(ev::ConsentAgreeAll{});
}

void screen_confirm(Painter& p) {
    Rect area = content_rect(p);
    bool side = p.W > p.H * 1.5f && p.ts > 1;  // larger text, landscape: the button goes to the right
    Rect list = area, button_area = area;
    if (side) {
        list.w = area.w * 0.68f;
        button_area.x = area.x + list.w;
        button_area.w = area.w - list.w;
    }
    Column c(p, list);
    const auto& ses = p.vm_.state->session;
    c.title("confirm.title");
    c.easy("confirm.easy");
    if (p.vm_.state->last_notice == "cert_expired_no_sharing" || ses.consent_skipped_expired_cert)
        c.notice("notice.cert_expired_no_sharing");
    c.gap(20);
    // Two columns: what, answer.
    float row_h = p.f_.body->FontSize * 1.3f + 12 * p.u;
    float lw = c.w * (p.W > p.H ? 0.64f : 0.5f);
    auto row = [&](const std::string& id, const std::string& what, const std::string& ans,
                   std::uint32_t col) {
        float h = std::max(p.text_height(p.f_.body, what, lw - 20 * p.u),
                           p.text_height(p.f_.body, ans, c.w - lw - 20 * p.u));
        h = std::max(h + 12 * p.u, row_h);
        Rect r = c.take(h);
        p.dl->AddLine({r.x, r.y + r.h}, {r.x + r.w, r.y + r.h}, theme::kDisabled, 2 * p.u);
        p.text(id + ".what", p.f_.body, what, r.x + 10 * p.u, r.y + 6 * p.u, lw - 20 * p.u, theme::kText,
               Align::Left, r.y + r.h);
        p.text(id + ".answer", p.f_.body, ans, r.x + lw + 10 * p.u, r.y + 6 * p.u, c.w - lw - 20 * p.u, col,
               Align::Left, r.y + r.h);
    };
    if (ses.method)
        row("confirm.method", p.tr("confirm.method"), p.tr(method_key(*ses.method)), theme::kText);
    if (ses.consents.empty()) {
        row("confirm.consents", p.tr("confirm.consents"), p.tr("confirm.no_items"), theme::kTextMuted);
    } else {
        for (const auto& e : ses.consents)
            row(consent_key(e.item, "title"), p.tr(consent_key(e.item, "title")),
                p.tr(e.answer == ConsentAnswer::Agreed ? "confirm.agreed" : "confirm.refused"),
                e.answer == ConsentAnswer::Agreed ? theme::kSuccess : theme::kDanger);
    }
    float bh = theme::kButtonH * p.u;
    Rect r;
    float bw = std::min(c.w, 700 * p.u);
    if (side) {
        bw = button_area.w - 2 * theme::kPad * p.u;
        r = {button_area.x + theme::kPad * p.u, button_area.y + (button_area.h - bh) / 2, bw, bh};
    } else {
        c.gap(30);
        r = c.take(bh);
    }
    if (p.button("confirm.ok", p.tr("confirm.ok"), {r.x + (r.w - bw) / 2, r.y, bw, bh}, Style::Primary, true,
                 {}, p.f_.title))
        p.out_.events.emplace_back(ev::Confirmed{});
    c.check_fits("confirm");
}

}  // namespace uk::ui
