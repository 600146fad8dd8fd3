// The admin menu's logic on the kiosk: opened by the four-corner gesture, gated by the admin PIN
// (kiosk.admin_pin_hash, an Argon2id string checked with libsodium off the UI thread; five wrong PINs lock it
// for five minutes; the digits live in a wiped buffer and are never logged), then the menu and live
// diagnostics (platform/doctor's checks, run on a thread). The demo without a configured hash opens the menu
// directly; a real kiosk without one keeps the menu shut and says so in its log.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/app/setup_wizard.h"
#include "kiosk/core/secure.h"
#include "kiosk/ui/admin_screens.h"
#include "platform/doctor/doctor.h"

namespace uk::app {

// Four corners in order (top-left, top-right, bottom-right, bottom-left) within 8 seconds: the way out
// for staff. A patient tapping around will not hit that by chance.
class AdminGesture {
  public:
    bool press(float x, float y, float w, float h, double now_s) {
        float m = std::min(w, h) * 0.09f;
        int corner = -1;
        if (x < m && y < m)
            corner = 0;
        else if (x > w - m && y < m)
            corner = 1;
        else if (x > w - m && y > h - m)
            corner = 2;
        else if (x < m && y > h - m)
            corner = 3;
        if (corner != next_ || (next_ > 0 && now_s - started_ > 8.0)) {
            next_ = 0;
            if (corner != 0) return false;
        }
        if (next_ == 0) started_ = now_s;
        ++next_;
        if (next_ == 4) {
            next_ = 0;
            return true;
        }
        return false;
    }

  private:
    int next_ = 0;
    double started_ = 0;
};

// Where an enrolment from the admin menu goes and what it saves (platform/net/enrolment.h).
struct EnrolTarget {
    std::string host;
    int port = 8443;
    std::string kiosk_id;
    std::filesystem::path data_dir;  // reception-token, reception-cert.pem and face-key.pem go here
};

class AdminMode {
  public:
    AdminMode(doctor::DoctorOptions doctor, EnrolTarget enrol, bool demo,
              std::function<void(const std::string&)> log);
    ~AdminMode();

    // The gesture: true when the admin pages are now shown.
    bool open();
    // The set-up pages: from the menu's 設定 Set-up, and at first start (after the admin PIN when one is
    // configured; directly on a kiosk that has none yet, where the set-up asks for one).
    void set_setup_context(SetupContext ctx) { setup_ctx_ = std::move(ctx); }
    void open_setup();
    bool active() const { return active_; }

    enum class Outcome { Stay, BackToCheckin, Restart };
    Outcome handle(const std::vector<ui::AdminInput>& keys);
    // Every frame while active: collects finished PIN checks, diagnostics and the set-up pages' probes
    // (`upload` takes the set-up's camera preview to a texture).
    void poll(const std::function<void*(const cv::Mat&)>& upload = {});
    ui::AdminView view() const;
    std::string page_name() const;  // for the kiosk's state line: admin_pin, admin_menu, admin_diagnostics

    // For the info lines on the menu.
    std::vector<std::pair<std::string, std::string>> info;

  private:
    void start_checks();
    void start_enrol();
    void close();
    struct EnrolResult {
        bool ok = false;
        std::string message;
    };
    doctor::DoctorOptions doctor_;
    EnrolTarget enrol_target_;
    std::string code_;
    std::optional<std::future<EnrolResult>> enrol_;
    EnrolResult enrol_result_;
    bool demo_;
    std::function<void(const std::string&)> log_;
    bool active_ = false;
    ui::AdminView::Page page_ = ui::AdminView::Page::Pin;
    SecretDigits<8> pin_;
    std::optional<std::future<bool>> pin_check_;
    int failures_ = 0;
    std::chrono::steady_clock::time_point locked_until_{};
    std::string pin_message_;
    std::optional<std::future<std::vector<doctor::CheckResult>>> checks_;
    std::vector<ui::AdminCheckRow> rows_;
    std::optional<SetupContext> setup_ctx_;
    std::unique_ptr<SetupWizard> setup_;
    bool setup_after_pin_ = false;
    bool enrol_from_setup_ = false;
};

}  // namespace uk::app
