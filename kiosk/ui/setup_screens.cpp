// The set-up pages (kiosk/app/setup_wizard.h): a heading and a line of help, the step's choices as rows with
// their live state, the camera preview beside them on the camera step, the step's tests and their result,
// the admin PIN keypad, the summary; Previous / Next (Save and restart on the last step) on the bottom row.
#include <algorithm>

#include "kiosk/ui/admin_draw.h"

namespace uk::ui {

namespace {
constexpr const char* kPrev = "戻る Previous";
constexpr const char* kNext = "次へ Next";
constexpr const char* kSave = "保存して再起動 Save and restart";
constexpr const char* kRunning = "確認中… Checking…";
constexpr const char* kDefault = "既定 Default";
constexpr const char* kPinFirst = "新しい管理者PIN New admin PIN";
constexpr const char* kPinAgain = "もう一度 Again";
}  // namespace

float Draw::choice(const std::string& id, const SetupChoice& c, float x, float y, float w, float min_h,
                   bool* clicked) {
    ImFont* body = f.body;
    ImFont* small = f.small ? f.small : f.body;
    float r = 14 * u, tx = x + 20 * u + 2 * r + 20 * u;
    float label_w = body->CalcTextSizeA(body->FontSize, 1e9f, 0, c.label.c_str()).x;
    float detail_w =
        c.detail.empty() ? 0.0f : small->CalcTextSizeA(small->FontSize, 1e9f, 0, c.detail.c_str()).x;
    // The detail beside the label when both fit, else under it (the row grows).
    bool beside = c.detail.empty() || tx + label_w + 40 * u + detail_w + 24 * u <= x + w;
    float h = beside ? min_h : std::max(min_h, body->FontSize + small->FontSize + 28 * u);
    ImGui::SetCursorScreenPos({x, y});
    *clicked = ImGui::InvisibleButton(id.c_str(), {w, h}) && c.enabled;
    buttons.push_back({id, x, y, w, h, c.enabled});
    dl->AddRectFilled({x, y}, {x + w, y + h}, c.selected ? theme::rgb(0xDD, 0xEB, 0xFA) : theme::kSecondary,
                      theme::kRound * u);
    dl->AddRect({x, y}, {x + w, y + h}, c.selected ? theme::kPrimary : theme::kSecondaryBorder,
                theme::kRound * u, 0, (c.selected ? 4 : 2) * u);
    float cx = x + 20 * u + r, cy = y + h / 2;
    std::uint32_t mark = c.enabled ? theme::kPrimary : theme::kTextMuted;
    dl->AddCircle({cx, cy}, r, mark, 24, 3 * u);
    if (c.selected) dl->AddCircleFilled({cx, cy}, r * 0.55f, mark, 24);
    ImVec4 clip{tx, y, x + w - 16 * u, y + h};
    std::uint32_t detail_col = c.good ? theme::kSuccess : theme::kDanger;
    if (beside) {
        dl->AddText(body, body->FontSize, {tx, cy - body->FontSize / 2},
                    c.enabled ? theme::kText : theme::kTextMuted, c.label.c_str(), nullptr, 0, &clip);
        if (!c.detail.empty())
            dl->AddText(small, small->FontSize, {x + w - detail_w - 24 * u, cy - small->FontSize / 2},
                        detail_col, c.detail.c_str());
    } else {
        float ty = y + (h - body->FontSize - small->FontSize - 4 * u) / 2;
        dl->AddText(body, body->FontSize, {tx, ty}, c.enabled ? theme::kText : theme::kTextMuted,
                    c.label.c_str(), nullptr, 0, &clip);
        dl->AddText(small, small->FontSize, {tx, ty + body->FontSize + 4 * u}, detail_col, c.detail.c_str(),
                    nullptr, 0, &clip);
    }
    return h;
}

void Draw::keypad(const std::string& prefix, float y, float W, float H, float bottom, std::size_t typed,
                  bool busy) {
    (void)H;
    float pad = 40 * u;
    float kg = 16 * u, kw = std::min(220 * u, (W - 2 * pad - 2 * kg) / 3);
    float kh = std::max(88 * u, std::min(120 * u, (bottom - y - 3 * kg) / 4));
    float kx = (W - 3 * kw - 2 * kg) / 2;
    const char* keys = "123456789";
    for (int i = 0; i < 9; ++i) {
        std::string id = prefix + "." + keys[i];
        if (button(id.c_str(), std::string(1, keys[i]), kx + static_cast<float>(i % 3) * (kw + kg),
                   y + static_cast<float>(i / 3) * (kh + kg), kw, kh, false, !busy))
            out.push_back({AdminInput::Key::Digit, keys[i]});
    }
    float y3 = y + 3 * (kh + kg);
    if (button((prefix + ".delete").c_str(), kAdminDelete, kx, y3, kw, kh, false, typed > 0 && !busy))
        out.push_back({AdminInput::Key::Delete, 0});
    if (button((prefix + ".0").c_str(), "0", kx + kw + kg, y3, kw, kh, false, !busy))
        out.push_back({AdminInput::Key::Digit, '0'});
    if (button((prefix + ".ok").c_str(), "OK", kx + 2 * (kw + kg), y3, kw, kh, true, typed >= 4 && !busy))
        out.push_back({AdminInput::Key::Ok, 0});
}

std::vector<std::string> setup_texts() {
    return {kAdminDelete, kPrev, kNext, kSave, kRunning, kDefault, kPinFirst, kPinAgain};
}

void draw_setup(const SetupView& v, Draw& d, float y, float W, float row_y) {
    const float u = d.u, pad = 40 * u, bh = theme::kButtonH * u;
    const FontSet& f = d.f;
    auto action = [&](const std::string& value) {
        d.out.push_back({AdminInput::Key::SetupAction, 0, value});
    };
    y += d.text(f.title, v.title, pad, y, W - 2 * pad, theme::kText) + 8 * u;
    y += d.text(f.small, v.help, pad, y, W - 2 * pad, theme::kTextMuted) + 20 * u;

    bool camera = v.step == SetupView::Step::Camera;
    if (camera) {  // which camera is being chosen
        float tw = std::min(520 * u, (W - 2 * pad - 16 * u) / 2);
        for (std::size_t i = 0; i < v.actions.size() && i < 2; ++i) {
            bool on = (i == 1) == v.front_role;
            std::string id = "setup." + v.actions[i].first;
            if (d.button(id.c_str(), v.actions[i].second, pad + static_cast<float>(i) * (tw + 16 * u), y, tw,
                         bh * 0.8f, on))
                action(v.actions[i].first);
        }
        y += bh * 0.8f + 20 * u;
    }
    // The camera step: the list and the preview side by side on a landscape screen, one above the other on a
    // portrait one.
    bool portrait = W < row_y;
    float list_w = camera && !portrait ? (W - 2 * pad) * 0.52f : std::min(1200 * u, W - 2 * pad);
    float rh = std::max(72 * u, bh * 0.75f), gap = 12 * u;
    float list_top = y;

    if (v.step == SetupView::Step::AdminPin) {
        std::string dots;
        for (std::size_t i = 0; i < v.pin_length; ++i)
            dots += "* ";
        if (!v.pin_set) {
            d.text(f.body, v.pin_confirming ? kPinAgain : kPinFirst, pad, y, W, theme::kText);
            y += d.text(f.title, dots.empty() ? std::string("-") : dots, pad + 700 * u, y, W, theme::kText) +
                 8 * u;
        }
        if (!v.pin_message.empty())
            y += d.text(f.body, v.pin_message, pad, y, W - 2 * pad,
                        v.pin_set ? theme::kSuccess : theme::kTextMuted) +
                 8 * u;
        if (!v.pin_set) d.keypad("setup.pin", y, W, 0, row_y - 20 * u, v.pin_length, v.busy);
    } else if (v.step == SetupView::Step::Finish) {
        for (const auto& [k, val] : v.summary) {
            float hk = d.text(f.body, k, pad, y, 560 * u, theme::kTextMuted);
            float hv = d.text(f.body, val, pad + 580 * u, y, W - 2 * pad - 580 * u, theme::kText);
            y += std::max(hk, hv) + 14 * u;
        }
    } else {
        for (std::size_t i = 0; i < v.choices.size(); ++i) {
            const auto& c = v.choices[i];
            if (y + rh > row_y - 20 * u) break;
            bool languages = v.step == SetupView::Step::Languages;
            float w = languages ? list_w - 280 * u : list_w;
            // Touch-target ids without spaces (reader names have them): the "UK buttons" line is
            // space-separated.
            std::string id = "setup.choice." + (c.id.empty() ? std::string("any") : c.id);
            std::replace_if(
                id.begin(), id.end(), [](char ch) { return ch == ' ' || ch == '@'; }, '_');
            bool clicked = false;
            float h = d.choice(id, c, pad, y, w, rh, &clicked);
            if (clicked) d.out.push_back({AdminInput::Key::SetupChoose, 0, c.id});
            if (languages && c.selected) {
                std::string did = "setup.default." + c.id;
                if (d.button(did.c_str(), kDefault, pad + w + 16 * u, y, 264 * u, rh, c.is_default))
                    action("default:" + c.id);
            }
            y += h + gap;
        }
    }
    if (!v.note.empty()) y += d.text(f.small, v.note, pad, y + 4 * u, list_w, theme::kDanger) + 14 * u;
    // The step's tests (the camera step's role buttons are above).
    if (!camera && v.step != SetupView::Step::AdminPin) {
        float ax = pad;
        for (const auto& [id, label] : v.actions) {
            std::string bid = "setup." + id;
            float aw = std::min(620 * u, (W - 2 * pad) / 2 - 16 * u);
            if (d.button(bid.c_str(), label, ax, y, aw, bh, false, !v.busy)) action(id);
            ax += aw + 16 * u;
        }
        if (!v.actions.empty()) y += bh + 16 * u;
        if (v.busy) y += d.text(f.body, kRunning, pad, y, W - 2 * pad, theme::kTextMuted) + 8 * u;
        if (!v.result.empty())
            y += d.text(f.small, v.result, pad, y, W - 2 * pad,
                        v.result_ok ? theme::kSuccess : theme::kDanger);
    }
    if (camera) {  // the live preview beside (or under) the list, its figures under it
        float px = pad + list_w + 40 * u, pw = W - px - pad, top = list_top;
        if (portrait) px = pad, pw = W - 2 * pad, top = y + 20 * u;
        float ph = std::min(pw * 3 / 4, row_y - top - 20 * u - 4.5f * f.small->FontSize);  // 4 status lines
        float col_w = pw;  // the status lines may use the whole column
        pw = std::min(pw, ph * 4 / 3);
        d.dl->AddRectFilled({px, top}, {px + pw, top + ph}, theme::rgb(0x20, 0x24, 0x2A), 8 * u);
        if (v.preview_texture && v.preview_w > 0 && v.preview_h > 0) {
            float s = std::min(pw / static_cast<float>(v.preview_w), ph / static_cast<float>(v.preview_h));
            float iw = static_cast<float>(v.preview_w) * s, ih = static_cast<float>(v.preview_h) * s;
            float ix = px + (pw - iw) / 2, iy = top + (ph - ih) / 2;
            d.dl->AddImage(v.preview_texture, {ix, iy}, {ix + iw, iy + ih});
            if (v.card_outline) {
                const auto& o = *v.card_outline;
                ImVec2 pts[4];
                for (int i = 0; i < 4; ++i)
                    pts[i] = {ix + o[2 * i] * iw, iy + o[2 * i + 1] * ih};
                d.dl->AddPolyline(pts, 4, theme::kSuccess, ImDrawFlags_Closed, 4 * u);
            }
            if (v.face_box) {
                const auto& b = *v.face_box;
                d.dl->AddRect({ix + b[0] * iw, iy + b[1] * ih},
                              {ix + (b[0] + b[2]) * iw, iy + (b[1] + b[3]) * ih},
                              v.check_ok ? theme::kSuccess : theme::kStaffPressed, 4 * u, 0, 4 * u);
            }
        }
        d.text(f.small, v.preview_status, px, top + ph + 12 * u, col_w,
               v.preview_ok ? theme::kSuccess : theme::kDanger);
    }

    // Bottom row: Previous, Next / Save (Back to check-in is drawn by draw_admin on the right).
    const float row_g = 24 * u, row_w = (W - 2 * pad - 2 * row_g) / 3;
    if (d.button("setup.prev", kPrev, pad, row_y, row_w, bh, false, v.index > 1))
        d.out.push_back({AdminInput::Key::SetupPrev, 0});
    bool last = v.index == v.count;
    if (d.button("setup.next", last ? kSave : kNext, pad + row_w + row_g, row_y, row_w, bh, true, v.can_next))
        d.out.push_back({AdminInput::Key::SetupNext, 0});
}

}  // namespace uk::ui
