#include "kiosk/app/admin_mode.h"

#include <sodium.h>

#include <string>

#include "kiosk/queue/kiosk_key.h"
#include "platform/net/enrolment.h"

namespace uk::app {

using namespace std::chrono_literals;

namespace {
constexpr int kMaxFailures = 5;
constexpr auto kLockout = 5min;
}  // namespace

AdminMode::AdminMode(doctor::DoctorOptions doctor, EnrolTarget enrol, bool demo,
                     std::function<void(const std::string&)> log)
    : doctor_(std::move(doctor)), enrol_target_(std::move(enrol)), demo_(demo), log_(std::move(log)) {}

AdminMode::~AdminMode() {
    pin_.clear();
    if (pin_check_) pin_check_->wait();
    if (checks_) checks_->wait();
    if (enrol_) enrol_->wait();
}

bool AdminMode::open() {
    if (active_) return true;
    if (doctor_.config.admin_pin_hash.empty()) {
        if (!demo_) {
            log_(
                "admin gesture: the admin menu is off (no kiosk.admin_pin_hash; make one with "
                "`uketsuke-kiosk --set-admin-pin`, or run the set-up)");
            return false;
        }
        log_("admin gesture: demo without an admin PIN: the menu opens directly");
        page_ = ui::AdminView::Page::Menu;
    } else {
        page_ = ui::AdminView::Page::Pin;
    }
    log_("admin menu opened");
    active_ = true;
    pin_.clear();
    pin_message_.clear();
    return true;
}

void AdminMode::open_setup() {
    if (!setup_ctx_) return;
    if (!active_) {
        if (doctor_.config.admin_pin_hash.empty()) {
            // First start of a kiosk without an admin PIN: IT is at the screen; the set-up asks for a PIN.
            active_ = true;
            log_("set-up: first start, no admin PIN yet: the set-up pages open directly");
        } else {
            active_ = true;
            page_ = ui::AdminView::Page::Pin;
            setup_after_pin_ = true;
            log_("set-up: first start: the set-up pages open after the admin PIN");
            return;
        }
    }
    setup_ = std::make_unique<SetupWizard>(*setup_ctx_);
    page_ = ui::AdminView::Page::Setup;
}

void AdminMode::close() {
    active_ = false;
    setup_.reset();
    setup_after_pin_ = false;
    enrol_from_setup_ = false;
    pin_.clear();
    code_.clear();
    page_ = ui::AdminView::Page::Pin;
    log_("admin menu closed");
}

void AdminMode::start_checks() {
    if (checks_) return;
    rows_.clear();
    doctor::DoctorOptions o = doctor_;
    checks_ = std::async(std::launch::async, [o] { return doctor::run_all(o); });
}

// One HTTPS request (platform/net/enrolment.h) on its own thread; on success the token and the reception's
// certificate are saved into the data folder, where the kiosk finds them at its next start.
void AdminMode::start_enrol() {
    if (enrol_) return;
    EnrolTarget t = enrol_target_;
    std::string code = code_;
    log_("enrolment: sending the code to " + t.host + ":" + std::to_string(t.port) + " as " + t.kiosk_id);
    enrol_ = std::async(std::launch::async, [t, code]() -> EnrolResult {
        auto key = KioskKey::load_or_create(t.data_dir / "face-key.pem");
        if (!key) return {false, "登録できません Not enrolled: " + key.error()};
        EnrolFailure why = EnrolFailure::None;
        auto e = enrol_kiosk({t.host, t.port, t.kiosk_id, code, key->public_pem()}, &why);
        if (!e)
            return {false, "登録できません Not enrolled (" + std::string(to_string(why)) + "): " + e.error()};
        auto files = save_enrolment(*e, t.data_dir);
        if (!files) return {false, "登録できません Not enrolled: " + files.error()};
        return {true,
                "登録しました Enrolled. 指紋 Fingerprint " + e->fingerprint +
                    (e->face_key_registered ? "" : " (face key not registered: no qualification simulator)") +
                    ". 再起動で有効 restart to use it"};
    });
}

AdminMode::Outcome AdminMode::handle(const std::vector<ui::AdminInput>& keys) {
    using Key = ui::AdminInput::Key;
    for (const auto& k : keys) {
        if (page_ == ui::AdminView::Page::Setup && setup_ && k.key != Key::Back) {
            switch (setup_->handle(k)) {
                case SetupWizard::Outcome::Stay:
                    break;
                case SetupWizard::Outcome::Enrol:
                    page_ = ui::AdminView::Page::Enrol;
                    enrol_from_setup_ = true;
                    break;
                case SetupWizard::Outcome::Saved:
                    close();
                    return Outcome::Restart;  // systemd (or the user) starts the kiosk with the new settings
            }
            continue;
        }
        switch (k.key) {
            case Key::Digit:
                if (page_ == ui::AdminView::Page::Pin && !pin_check_) pin_.push(k.digit);
                break;
            case Key::Delete:
                if (page_ == ui::AdminView::Page::Enrol) {
                    if (!code_.empty()) code_.pop_back();
                    if (!code_.empty() && code_.back() == '-') code_.pop_back();
                } else {
                    pin_.pop();
                }
                break;
            case Key::Enrol:
                if (page_ == ui::AdminView::Page::Menu) page_ = ui::AdminView::Page::Enrol;
                break;
            case Key::CodeChar:
                if (page_ != ui::AdminView::Page::Enrol || enrol_ || code_.size() >= 14) break;
                if (code_.size() == 4 || code_.size() == 9) code_.push_back('-');  // 7K3M-Q9TX-2B4H
                code_.push_back(k.digit);
                enrol_result_ = {};
                break;
            case Key::EnrolSend:
                if (page_ == ui::AdminView::Page::Enrol && code_.size() == 14) start_enrol();
                break;
            case Key::Ok: {
                if (page_ != ui::AdminView::Page::Pin || pin_check_ || pin_.size() < 4) break;
                auto now = std::chrono::steady_clock::now();
                if (now < locked_until_) {
                    auto left = std::chrono::ceil<std::chrono::minutes>(locked_until_ - now).count();
                    pin_message_ = "ロック中 Locked: try again in " + std::to_string(left) + " minutes (" +
                                   std::to_string(left) + "分後にもう一度)";
                    pin_.clear();
                    break;
                }
                // The digits go to the checking thread in their own wiped buffer.
                auto digits = std::make_shared<SecretDigits<8>>(std::move(pin_));
                std::string hash = doctor_.config.admin_pin_hash;
                pin_check_ = std::async(std::launch::async, [digits, hash] {
                    char buf[9] = {};
                    auto b = digits->bytes();
                    for (std::size_t i = 0; i < b.size(); ++i)
                        buf[i] = static_cast<char>(b[i]);
                    bool ok = crypto_pwhash_str_verify(hash.c_str(), buf, b.size()) == 0;
                    sodium_memzero(buf, sizeof buf);
                    digits->clear();
                    return ok;
                });
                break;
            }
            case Key::Diagnostics:
                page_ = ui::AdminView::Page::Diagnostics;
                start_checks();
                break;
            case Key::RunChecks:
                start_checks();
                break;
            case Key::Menu:
                if (page_ == ui::AdminView::Page::Enrol && enrol_from_setup_ && setup_) {
                    page_ = ui::AdminView::Page::Setup;
                    enrol_from_setup_ = false;
                } else if (page_ != ui::AdminView::Page::Pin) {
                    page_ = ui::AdminView::Page::Menu;
                }
                break;
            case Key::Setup:
                if (page_ == ui::AdminView::Page::Menu) open_setup();
                break;
            case Key::SetupNext:
            case Key::SetupPrev:
            case Key::SetupChoose:
            case Key::SetupAction:
                break;  // only on the set-up pages (above)
            case Key::Back:
                close();
                return Outcome::BackToCheckin;
            case Key::Restart:
                if (page_ == ui::AdminView::Page::Pin) break;
                log_("admin menu: restart requested");
                close();
                return Outcome::Restart;
        }
    }
    return Outcome::Stay;
}

void AdminMode::poll(const std::function<void*(const cv::Mat&)>& upload) {
    if (setup_ && page_ == ui::AdminView::Page::Setup)
        setup_->poll(upload ? upload : [](const cv::Mat&) -> void* { return nullptr; });
    if (pin_check_ && pin_check_->wait_for(0s) == std::future_status::ready) {
        bool ok = pin_check_->get();
        pin_check_.reset();
        if (ok) {
            failures_ = 0;
            pin_message_.clear();
            page_ = ui::AdminView::Page::Menu;
            log_("admin PIN accepted");
            if (setup_after_pin_) {
                setup_after_pin_ = false;
                open_setup();
            }
        } else {
            ++failures_;
            log_("admin PIN wrong (" + std::to_string(failures_) + " in a row)");
            if (failures_ >= kMaxFailures) {
                failures_ = 0;
                locked_until_ = std::chrono::steady_clock::now() + kLockout;
                pin_message_ = "ロック中 Locked: try again in 5 minutes (5分後にもう一度)";
                log_("admin PIN: locked for 5 minutes after 5 wrong PINs");
            } else {
                pin_message_ =
                    "管理者PINが違います Wrong admin PIN: " + std::to_string(kMaxFailures - failures_) +
                    " tries left (あと" + std::to_string(kMaxFailures - failures_) + "回)";
            }
        }
    }
    if (enrol_ && enrol_->wait_for(0s) == std::future_status::ready) {
        enrol_result_ = enrol_->get();
        enrol_.reset();
        log_("enrolment: " + std::string(enrol_result_.ok ? "done" : "failed"));  // details are on screen
        if (enrol_result_.ok) code_.clear();
    }
    if (checks_ && checks_->wait_for(0s) == std::future_status::ready) {
        rows_.clear();
        for (const auto& c : checks_->get()) {
            const char* st = c.status == doctor::Status::Ok     ? "ok"
                             : c.status == doctor::Status::Warn ? "warn"
                                                                : "fail";
            rows_.push_back({c.name, st, c.detail, c.fix});
            log_("admin diagnostics: " + c.name + " " + st + ": " + c.detail);
        }
        checks_.reset();
    }
}

ui::AdminView AdminMode::view() const {
    ui::AdminView v;
    v.page = page_;
    v.pin_length = pin_.size();
    v.pin_checking = pin_check_.has_value();
    v.pin_message = pin_message_;
    v.info = info;
    v.checks = rows_;
    v.checks_running = checks_.has_value();
    v.enrol_target =
        enrol_target_.kiosk_id + " -> " + enrol_target_.host + ":" + std::to_string(enrol_target_.port);
    v.code = code_;
    v.enrolling = enrol_.has_value();
    v.enrol_ok = enrol_result_.ok;
    v.enrol_message = enrol_result_.message;
    v.enrol_from_setup = enrol_from_setup_;
    if (setup_ && page_ == ui::AdminView::Page::Setup) v.setup = setup_->view();
    return v;
}

std::string AdminMode::page_name() const {
    switch (page_) {
        case ui::AdminView::Page::Pin:
            return "admin_pin";
        case ui::AdminView::Page::Menu:
            return "admin_menu";
        case ui::AdminView::Page::Diagnostics:
            return "admin_diagnostics";
        case ui::AdminView::Page::Enrol:
            return "admin_enrol";
        case ui::AdminView::Page::Setup:
            return setup_ ? setup_->step_name() : "setup";
    }
    return "admin";
}

}  // namespace uk::app
