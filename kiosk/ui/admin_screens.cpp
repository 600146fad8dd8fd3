#include "kiosk/ui/admin_screens.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "kiosk/ui/admin_draw.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

namespace {

constexpr const char* kTitle = "管理メニュー Admin menu";
constexpr const char* kPinTitle = "管理者PINを入力 Enter the admin PIN";
constexpr const char* kDiagnostics = "診断 Diagnostics";
constexpr const char* kRunAgain = "もう一度診断 Run the checks again";
constexpr const char* kRunning = "診断中… Checking…";
constexpr const char* kBackToCheckin = "受付に戻る Back to check-in";
constexpr const char* kRestart = "再起動 Restart the kiosk";
constexpr const char* kMenu = "メニュー Menu";
constexpr const char* kOk = "OK";
constexpr const char* kChecking = "確認中… Checking…";
constexpr const char* kFix = "対処 Fix: ";
constexpr const char* kEnrol = "受付サーバーに登録 Enrol with the reception";
constexpr const char* kEnrolHelp =
    "受付PCで uketsuke-reception kiosk invite を実行し、表示されたコードを入力 "
    "Run `uketsuke-reception kiosk invite KIOSK_ID` on the reception PC and type the code it prints";
constexpr const char* kSend = "登録 Enrol";
constexpr const char* kEnrolling = "登録中… Enrolling…";
constexpr const char* kSetup = "設定 Set-up: reader, cameras, languages, consent";
constexpr const char* kBackToSetup = "設定に戻る Back to set-up";
constexpr const char* kStartupHelp =
    "係員の方へ: 下の内容を直して「もう一度」を押してください For staff and IT: correct what is listed, then "
    "try "
    "again (the kiosk restarts)";
constexpr const char* kTryAgain = "もう一度 Try again";
constexpr const char* kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::vector<std::string> admin_texts() {
    std::vector<std::string> texts = setup_texts();
    texts.insert(
        texts.end(),
        {kTitle, kPinTitle, kDiagnostics, kRunAgain, kRunning, kBackToCheckin, kRestart, kMenu, kAdminDelete,
         kOk, kChecking, kFix, kEnrol, kEnrolHelp, kSend, kEnrolling, kCodeAlphabet, kSetup, kBackToSetup,
         kStartupHelp, kTryAgain,
         "登録しました Enrolled. 指紋 Fingerprint 再起動で有効 restart to use it 登録できません Not enrolled "
         "(face key not registered: no qualification simulator)",
         // what the app puts into pin_message and info
         "管理者PINが違います Wrong admin PIN. あと tries left 0123456789",
         "ロック中 Locked: try again in minutes 分後にもう一度",
         "端末ID Kiosk 施設 Facility 受付サーバー Reception カード Card 未設定 not set demo (simulated)"});
    return texts;
}

std::vector<std::string> admin_view_texts(const AdminView& v) {
    const SetupView& s = v.setup;
    std::vector<std::string> texts{v.pin_message, v.enrol_message, v.enrol_target, v.code,
                                   s.title,       s.help,          s.note,         s.result,
                                   s.pin_message, s.preview_status};
    for (const auto& [k, val] : v.info)
        texts.push_back(k + val);
    for (const auto& c : v.checks)
        texts.push_back(c.name + c.detail + c.fix);
    for (const auto& c : s.choices)
        texts.push_back(c.label + c.detail);
    for (const auto& [k, val] : s.actions)
        texts.push_back(val);
    for (const auto& [k, val] : s.summary)
        texts.push_back(k + val);
    return texts;
}

namespace {
// One page of the admin family: a full-screen window, the background, the coloured top bar with its title.
struct Page {
    Draw d;
    float W, H, bar;
};
Page begin_page(const char* window, const std::string& title, std::uint32_t bar_colour, const FontSet& fonts,
                std::vector<ButtonRect>& buttons, std::vector<AdminInput>& out) {
    ImGuiIO& io = ImGui::GetIO();
    ImGui::SetNextWindowPos({0, 0});
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin(window, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoNav);
    float W = io.DisplaySize.x, H = io.DisplaySize.y, u = std::min(W, H) / 1080.0f;
    Page p{Draw{fonts, buttons, out, ImGui::GetWindowDrawList(), u}, W, H, theme::kTopBar * u};
    p.d.dl->AddRectFilled({0, 0}, {W, H}, theme::rgb(0xEE, 0xF1, 0xF5));
    p.d.dl->AddRectFilled({0, 0}, {W, p.bar}, bar_colour);
    p.d.text(fonts.title, title, 32 * u, (p.bar - fonts.title->FontSize) / 2, W - 64 * u, theme::kBarText);
    return p;
}
}  // namespace

bool draw_startup_problem(const StartupProblemView& view, const FontSet& fonts,
                          std::vector<ButtonRect>& buttons) {
    std::vector<AdminInput> out;
    buttons.clear();
    Page page = begin_page("uketsuke-startup-problem", view.title, theme::kDanger, fonts, buttons, out);
    Draw& d = page.d;
    const float W = page.W, H = page.H, u = d.u, bar = page.bar, pad = 40 * u, bh = theme::kButtonH * u;
    float y = bar + pad;
    y += d.text(fonts.small, kStartupHelp, pad, y, W - 2 * pad, theme::kTextMuted) + 20 * u;
    float row_y = H - bh - pad;
    for (const auto& line : view.lines) {
        if (y > row_y - fonts.small->FontSize * 2) break;
        d.dl->AddRectFilled({pad, y + 6 * u}, {pad + 16 * u, y + 22 * u}, theme::kDanger, 4 * u);
        y += d.text(fonts.small, line, pad + 32 * u, y, W - 2 * pad - 32 * u, theme::kText) + 14 * u;
    }
    bool retry = d.button("startup.retry", kTryAgain, pad, row_y, std::min(600 * u, W - 2 * pad), bh, true);
    ImGui::End();
    return retry;
}

std::vector<AdminInput> draw_admin(const AdminView& v, const FontSet& fonts,
                                   std::vector<ButtonRect>& buttons) {
    std::vector<AdminInput> out;
    buttons.clear();
    std::string title = kTitle;
    if (v.page == AdminView::Page::Setup)
        title = "設定 Set-up  " + std::to_string(v.setup.index) + " / " + std::to_string(v.setup.count);
    Page page = begin_page("uketsuke-admin", title, theme::kDemo, fonts, buttons, out);
    Draw& d = page.d;
    const float W = page.W, H = page.H, u = d.u, bar = page.bar;
    float pad = 40 * u, bh = theme::kButtonH * u;
    float y = bar + pad;
    // The bottom row: three equal buttons.
    const float row_g = 24 * u, row_w = (W - 2 * pad - 2 * row_g) / 3, row_y = H - bh - pad;
    auto row_x = [&](int i) { return pad + static_cast<float>(i) * (row_w + row_g); };

    switch (v.page) {
        case AdminView::Page::Pin: {
            y += d.text(fonts.body, kPinTitle, pad, y, W - 2 * pad, theme::kText) + 20 * u;
            std::string dots;
            for (std::size_t i = 0; i < v.pin_length; ++i)
                dots += "* ";
            y +=
                d.text(fonts.title, dots.empty() ? std::string("-") : dots, pad, y, W, theme::kText) + 16 * u;
            if (v.pin_checking)
                y += d.text(fonts.body, kChecking, pad, y, W - 2 * pad, theme::kTextMuted) + 8 * u;
            if (!v.pin_message.empty())
                y += d.text(fonts.body, v.pin_message, pad, y, W - 2 * pad, theme::kDanger) + 8 * u;
            d.keypad("admin.pin", y, W, H, H - bh - 2 * pad, v.pin_length, v.pin_checking);
            break;
        }
        case AdminView::Page::Menu: {
            for (const auto& [k, val] : v.info) {
                d.text(fonts.body, k, pad, y, 420 * u, theme::kTextMuted);
                y += d.text(fonts.body, val, pad + 440 * u, y, W - 2 * pad - 440 * u, theme::kText) + 10 * u;
            }
            y += 20 * u;
            float bw = std::min(900 * u, W - 2 * pad);
            if (d.button("admin.diagnostics", kDiagnostics, pad, y, bw, bh, true))
                out.push_back({AdminInput::Key::Diagnostics, 0});
            y += bh + 20 * u;
            if (d.button("admin.setup", kSetup, pad, y, bw, bh, false))
                out.push_back({AdminInput::Key::Setup, 0});
            y += bh + 20 * u;
            if (d.button("admin.enrol", kEnrol, pad, y, bw, bh, false))
                out.push_back({AdminInput::Key::Enrol, 0});
            y += bh + 20 * u;
            if (d.button("admin.restart", kRestart, pad, y, bw, bh, false))
                out.push_back({AdminInput::Key::Restart, 0});
            break;
        }
        case AdminView::Page::Enrol:
            break;  // below the switch (it needs the bottom row's geometry)
        case AdminView::Page::Setup:
            draw_setup(v.setup, d, y, W, row_y);
            break;
        case AdminView::Page::Diagnostics: {
            float col = 260 * u;
            for (const auto& c : v.checks) {
                std::uint32_t colr = c.status == "ok"     ? theme::kSuccess
                                     : c.status == "warn" ? theme::kStaffPressed
                                                          : theme::kDanger;
                d.dl->AddRectFilled({pad, y + 4 * u}, {pad + 20 * u, y + 24 * u}, colr, 4 * u);
                d.text(fonts.small, c.name + " [" + c.status + "]", pad + 32 * u, y, col, colr);
                float h = d.text(fonts.small, c.detail, pad + col + 40 * u, y, W - 2 * pad - col - 40 * u,
                                 theme::kText);
                if (!c.fix.empty())
                    h += d.text(fonts.small, kFix + c.fix, pad + col + 40 * u, y + h,
                                W - 2 * pad - col - 40 * u, theme::kTextMuted);
                y += std::max(h, fonts.small->FontSize) + 10 * u;
                if (y > row_y - fonts.small->FontSize * 3) break;
            }
            if (v.checks_running) y += d.text(fonts.body, kRunning, pad, y, W, theme::kTextMuted);
            if (d.button("admin.run_checks", kRunAgain, row_x(0), row_y, row_w, bh, true, !v.checks_running))
                out.push_back({AdminInput::Key::RunChecks, 0});
            if (d.button("admin.menu", kMenu, row_x(1), row_y, row_w, bh, false))
                out.push_back({AdminInput::Key::Menu, 0});
            break;
        }
    }
    if (v.page == AdminView::Page::Enrol) {
        y += d.text(fonts.small, kEnrolHelp, pad, y, W - 2 * pad, theme::kTextMuted) + 10 * u;
        y += d.text(fonts.body, v.enrol_target, pad, y, W - 2 * pad, theme::kText) + 10 * u;
        std::string shown = v.code.empty() ? std::string("____-____-____") : v.code;
        y += d.text(fonts.title, shown, pad, y, W - 2 * pad, theme::kText) + 10 * u;
        if (v.enrolling) y += d.text(fonts.body, kEnrolling, pad, y, W - 2 * pad, theme::kTextMuted) + 6 * u;
        if (!v.enrol_message.empty())
            y += d.text(fonts.small, v.enrol_message, pad, y, W - 2 * pad,
                        v.enrol_ok ? theme::kSuccess : theme::kDanger) +
                 6 * u;
        // The code's alphabet, 8 keys a row, then delete and send.
        float kg = 10 * u, kw = (W - 2 * pad - 7 * kg) / 8;
        float kh = std::max(88 * u, std::min(110 * u, (row_y - y - 20 * u - 4 * kg) / 5));
        for (int i = 0; i < 32; ++i) {
            char c = kCodeAlphabet[i];
            std::string id = std::string("admin.code.") + c;
            if (d.button(id.c_str(), std::string(1, c), pad + static_cast<float>(i % 8) * (kw + kg),
                         y + static_cast<float>(i / 8) * (kh + kg), kw, kh, false, !v.enrolling))
                out.push_back({AdminInput::Key::CodeChar, c});
        }
        float y5 = y + 4 * (kh + kg);
        if (d.button("admin.code.delete", kAdminDelete, pad, y5, 2 * kw + kg, kh, false,
                     !v.code.empty() && !v.enrolling))
            out.push_back({AdminInput::Key::Delete, 0});
        if (d.button("admin.code.send", kSend, pad + 6 * (kw + kg), y5, 2 * kw + kg, kh, true,
                     v.code.size() >= 14 && !v.enrolling))
            out.push_back({AdminInput::Key::EnrolSend, 0});
        if (d.button("admin.menu", v.enrol_from_setup ? kBackToSetup : kMenu, row_x(1), row_y, row_w, bh,
                     false))
            out.push_back({AdminInput::Key::Menu, 0});
    }
    // Bottom row, right: back to the patient screens, on every page.
    if (d.button("admin.back", kBackToCheckin, row_x(2), row_y, row_w, bh, false))
        out.push_back({AdminInput::Key::Back, 0});
    ImGui::End();
    return out;
}

}  // namespace uk::ui
