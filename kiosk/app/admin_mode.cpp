#include "kiosk/app/admin_mode.h"

#include <sodium.h>

#include <string>

namespace uk::app {

using namespace std::chrono_literals;

namespace {
constexpr int kMaxFailures = 5;
constexpr auto kLockout = 5min;
}  // namespace

AdminMode::AdminMode(doctor::DoctorOptions doctor, bool demo, std::function<void(const std::string&)> log)
    : doctor_(std::move(doctor)), demo_(demo), log_(std::move(log)) {}

AdminMode::~AdminMode() {
    pin_.clear();
    if (pin_check_) pin_check_->wait();
    if (checks_) checks_->wait();
}

bool AdminMode::open() {
    if (active_) return true;
    if (doctor_.config.admin_pin_hash.empty()) {
        if (!demo_) {
            log_(
                "admin gesture: the admin menu is off (no kiosk.admin_pin_hash; make one with "
                "`uketsuke-kiosk --hash-admin-pin`)");
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

void AdminMode::close() {
    active_ = false;
    pin_.clear();
    page_ = ui::AdminView::Page::Pin;
    log_("admin menu closed");
}

void AdminMode::start_checks() {
    if (checks_) return;
    rows_.clear();
    doctor::DoctorOptions o = doctor_;
    checks_ = std::async(std::launch::async, [o] { return doctor::run_all(o); });
}

AdminMode::Outcome AdminMode::handle(const std::vector<ui::AdminInput>& keys) {
    using Key = ui::AdminInput::Key;
    for (const auto& k : keys) {
        switch (k.key) {
            case Key::Digit:
                if (page_ == ui::AdminView::Page::Pin && !pin_check_) pin_.push(k.digit);
                break;
            case Key::Delete:
                pin_.pop();
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
                if (page_ != ui::AdminView::Page::Pin) page_ = ui::AdminView::Page::Menu;
                break;
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

void AdminMode::poll() {
    if (pin_check_ && pin_check_->wait_for(0s) == std::future_status::ready) {
        bool ok = pin_check_->get();
        pin_check_.reset();
        if (ok) {
            failures_ = 0;
            pin_message_.clear();
            page_ = ui::AdminView::Page::Menu;
            log_("admin PIN accepted");
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
    }
    return "admin";
}

}  // namespace uk::app
