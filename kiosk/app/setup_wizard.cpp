// Index:
//   [SECTION] The test card
//   [SECTION] Steps and input
//   [SECTION] Probes (readers, camera preview, tests)
// What each step shows is in setup_view.cpp.
#include "kiosk/app/setup_wizard.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <opencv2/imgproc.hpp>

#include "kiosk/app/reception_link.h"
#include "kiosk/card/mynumber_card.h"
#include "kiosk/cardfront/detect.h"
#include "kiosk/core/facility.h"
#include "kiosk/face/detector.h"

namespace uk::app {

using namespace std::chrono_literals;
using Step = ui::SetupView::Step;

namespace {

std::string date_of(WallTime t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    localtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace

// [SECTION] The test card

TestCardResult read_test_card(const std::string& reader, WallTime now) {
    pcsc::PcscTransport transport(reader);
    auto connected = transport.connect();
    if (!connected) {
        if (connected.fault() == CardFault::Removed)
            return {false, "カードがありません No card on the reader: place a My Number card and try again"};
        return {false, "カードに接続できません Cannot reach the card: " + connected.error().message};
    }
    card::MyNumberCard card(transport);
    auto cert = card.read_auth_certificate();
    if (!cert)
        return {false, "証明書を読めません The card's certificate cannot be read (" +
                           std::string(to_string(cert.error().fault)) + "): " + cert.error().message};
    auto pin = card.auth_pin_tries_left();
    auto code = card.match_code_b_tries_left();
    std::string text = "読めました Read: 証明書 certificate valid until " + date_of(cert->not_after);
    bool ok = true;
    if (auto expired = card::check_validity(*cert, now)) {
        text += " (期限切れ EXPIRED: " + expired->message + ")";
        ok = false;
    }
    if (pin)
        text += ", 暗証番号 PIN tries left " + std::to_string(*pin) + (*pin == 0 ? " (ロック BLOCKED)" : "");
    else
        text += ", PIN tries unknown (" + pin.error().message + ")";
    if (code) text += ", 照合番号B tries left " + std::to_string(*code);
    text += ". " + std::to_string(card.apdu_count()) + " APDUs";
    return {ok, text};
}

// [SECTION] Steps and input

SetupWizard::SetupWizard(SetupContext ctx) : ctx_(std::move(ctx)) {
    choices_ = config::setup_choices_of(ctx_.config);
    steps_ = {Step::Reader, Step::Camera, Step::Reception, Step::Languages, Step::Consent};
    if (ctx_.need_admin_pin) steps_.push_back(Step::AdminPin);
    steps_.push_back(Step::Finish);
    readers_thread_ = std::thread([this] { reader_loop(); });
    ctx_.log("set-up pages opened");
}

SetupWizard::~SetupWizard() {
    {
        std::lock_guard lock(check_mu_);  // the face thread checks stop_ under this lock
        stop_ = true;
    }
    readers_cv_.notify_all();
    check_cv_.notify_all();
    if (readers_thread_.joinable()) readers_thread_.join();
    if (check_thread_.joinable()) check_thread_.join();
    preview_.reset();
    pin_.clear();
    pin_first_.clear();
    if (test_) test_->wait();
    if (hashing_) hashing_->wait();
}

void SetupWizard::go(std::size_t index) {
    if (index >= steps_.size()) return;
    index_ = index;
    result_.clear();
    pin_.clear();  // a half-typed admin PIN does not survive leaving the step
    pin_first_.clear();
    pin_confirming_ = false;
    if (step() == Step::Camera)
        restart_preview();
    else
        preview_.reset();
}

SetupWizard::Outcome SetupWizard::handle(const ui::AdminInput& k) {
    using Key = ui::AdminInput::Key;
    switch (k.key) {
        case Key::SetupNext:
            if (step() == Step::Finish) return save();
            if (step() == Step::AdminPin && choices_.admin_pin_hash.empty()) break;
            go(index_ + 1);
            break;
        case Key::SetupPrev:
            if (index_ > 0) go(index_ - 1);
            break;
        case Key::SetupChoose:
            switch (step()) {
                case Step::Reader:
                    choices_.reader = k.value;
                    break;
                case Step::Camera:
                    (front_role_ ? choices_.card_front_camera : choices_.camera) = k.value;
                    restart_preview();
                    break;
                case Step::Languages: {
                    if (k.value == "ja") break;  // Japanese is always offered
                    auto& l = choices_.languages;
                    auto it = std::find(l.begin(), l.end(), k.value);
                    if (it != l.end()) {
                        l.erase(it);
                        if (choices_.default_language == k.value) choices_.default_language = "ja";
                    } else {
                        // Keep the order of config::kKnownLanguages (the picker's order).
                        std::vector<std::string> next;
                        for (auto known : config::kKnownLanguages)
                            if (known == k.value || std::find(l.begin(), l.end(), known) != l.end())
                                next.emplace_back(known);
                        l = next;
                    }
                    break;
                }
                case Step::Consent:
                    for (auto item : kAllConsentItems) {
                        if (to_string(item) != k.value ||
                            consent_offer(ctx_.config.flow.facility.type, item) != ConsentOffer::OptIn)
                            continue;
                        if (!choices_.consent_items.erase(item)) choices_.consent_items.insert(item);
                    }
                    break;
                default:
                    break;
            }
            break;
        case Key::SetupAction:
            if (k.value == "test_card" && !test_) {
                std::string reader = choices_.reader;
                result_step_ = Step::Reader;
                ctx_.log("set-up: reading a test card on \"" + (reader.empty() ? "any reader" : reader) +
                         "\"");
                test_ = std::async(std::launch::async, [reader] {
                    auto r = read_test_card(reader, std::chrono::system_clock::now());
                    return std::make_pair(r.ok, r.text);
                });
            } else if (k.value == "test_reception" && !test_) {
                doctor::DoctorOptions o = ctx_.doctor;
                // An enrolment made on these pages saved the token and pinned certificate in the data folder.
                auto files = reception_files(o.config.reception, ctx_.data_dir);
                o.config.reception.token_file = files.token_file;
                o.config.reception.ca_file = files.ca_file;
                result_step_ = Step::Reception;
                test_ = std::async(std::launch::async, [o] {
                    auto r = doctor::check_reception(o);
                    std::string text = (r.status == doctor::Status::Ok     ? "接続できました OK: "
                                        : r.status == doctor::Status::Warn ? "注意 Warning: "
                                                                           : "接続できません Failed: ") +
                                       r.detail + (r.fix.empty() ? "" : ". 対処 Fix: " + r.fix);
                    return std::make_pair(r.status == doctor::Status::Ok, text);
                });
            } else if (k.value == "enrol") {
                return Outcome::Enrol;
            } else if (k.value == "role_face" || k.value == "role_front") {
                front_role_ = k.value == "role_front";
                restart_preview();
            } else if (k.value.rfind("default:", 0) == 0) {
                std::string code = k.value.substr(8);
                auto& l = choices_.languages;
                if (std::find(l.begin(), l.end(), code) != l.end()) choices_.default_language = code;
            }
            break;
        case Key::Digit:
            if (step() == Step::AdminPin && !hashing_) pin_.push(k.digit);
            break;
        case Key::Delete:
            if (step() == Step::AdminPin) pin_.pop();
            break;
        case Key::Ok:
            if (step() == Step::AdminPin) pin_ok();
            break;
        default:
            break;
    }
    return Outcome::Stay;
}

// The admin PIN, typed twice; the hash is made on a thread (Argon2id, libsodium's interactive limits, as
// `uketsuke-kiosk --set-admin-pin` makes it).
void SetupWizard::pin_ok() {
    if (hashing_ || pin_.size() < 4) return;
    if (!pin_confirming_) {
        pin_first_ = std::move(pin_);
        pin_confirming_ = true;
        pin_message_ = "もう一度入力 Type it again";
        return;
    }
    auto a = pin_first_.bytes(), b = pin_.bytes();
    bool same = a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    pin_confirming_ = false;
    if (!same) {
        pin_.clear();
        pin_first_.clear();
        pin_message_ = "一致しません The two PINs differ: type a new one";
        return;
    }
    auto digits = std::make_shared<SecretDigits<8>>(std::move(pin_));
    pin_first_.clear();
    pin_message_ = "保存中… Hashing…";
    hashing_ = std::async(std::launch::async, [digits] {
        char buf[9] = {};
        auto d = digits->bytes();
        std::copy(d.begin(), d.end(), buf);
        char hash[crypto_pwhash_STRBYTES];
        bool ok = crypto_pwhash_str(hash, buf, d.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
        sodium_memzero(buf, sizeof buf);
        digits->clear();
        return ok ? std::string(hash) : std::string();
    });
}

SetupWizard::Outcome SetupWizard::save() {
    if (ctx_.need_admin_pin && choices_.admin_pin_hash.empty()) return Outcome::Stay;
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    std::string text = config::render_setup_file(choices_, when);
    // What is written must read back: the same checks as at the next start.
    config::KioskConfig check = ctx_.config;
    if (auto errors = config::apply_setup_text(check, text, config::kSetupFileName); !errors.empty()) {
        save_problem_ = "保存できません Not saved: " + errors.front().message();
        return Outcome::Stay;
    }
    std::filesystem::path file = ctx_.data_dir / config::kSetupFileName;
    save_problem_ = config::save_setup_file(file, text);
    if (!save_problem_.empty()) {
        save_problem_ = "保存できません Not saved: " + save_problem_;
        ctx_.log("set-up: " + save_problem_);
        return Outcome::Stay;
    }
    ctx_.log("set-up saved to " + file.string() +
             "; the kiosk exits to start again with it (systemd restarts it)");
    return Outcome::Saved;
}

// [SECTION] Probes (readers, camera preview, tests)

void SetupWizard::reader_loop() {
    std::unique_lock lock(readers_mu_);
    while (!stop_) {
        lock.unlock();
        auto r = pcsc::reader_statuses();
        lock.lock();
        if (r) {
            // Each change is logged once, for IT reading the journal and for the tests.
            for (const auto& now : *r) {
                auto before = std::find_if(readers_.begin(), readers_.end(),
                                           [&](const pcsc::ReaderStatus& b) { return b.name == now.name; });
                if (before == readers_.end() || before->card_present != now.card_present)
                    ctx_.log("set-up reader \"" + now.name +
                             "\": " + (now.card_present ? "card on it" : "no card"));
            }
            readers_ = std::move(*r);
            readers_problem_.clear();
        } else {
            readers_.clear();
            readers_problem_ = r.error();
        }
        readers_cv_.wait_for(lock, 500ms, [this] { return stop_.load(); });
    }
}

// The checks on the preview, on their own thread: the face camera's frames through the kiosk's face finder
// and quality rules (the finder is loaded at the first face frame), the card-front camera's through the card
// locator the card-front reader uses.
void SetupWizard::check_loop() {
    std::unique_ptr<face::FaceFinder> finder;
    bool finder_tried = false;
    face::Guidance last_face = face::Guidance::CameraUnavailable;
    int last_card = -1;
    std::unique_lock lock(check_mu_);
    while (!stop_) {
        check_cv_.wait(lock, [this] { return stop_.load() || !check_frame_.empty(); });
        if (stop_) break;
        cv::Mat frame = std::move(check_frame_);
        check_frame_ = cv::Mat();
        bool front = frame_is_front_;
        lock.unlock();
        cv::Size size{frame.cols, frame.rows};
        if (front) {
            auto quad = cardfront::find_card(frame);
            if (static_cast<int>(quad.has_value()) != last_card) {
                last_card = quad.has_value();
                ctx_.log(std::string("set-up card-front check: ") + (quad ? "card found" : "no card"));
            }
            lock.lock();
            card_quad_ = quad;
            check_frame_size_ = size;
            continue;
        }
        if (!finder_tried) {
            finder_tried = true;
            face::DlibFinderOptions fo;
            fo.landmark_model = ctx_.config.face.landmark_model;
            auto made = face::make_dlib_finder(fo);
            if (made) {
                finder = std::move(*made);
            } else {
                std::lock_guard problem_lock(check_mu_);
                face_problem_ = "顔チェックなし no face check: " + made.error();
            }
        }
        if (!finder) {
            lock.lock();
            continue;
        }
        auto faces = finder->detect(frame);
        face::QualityReport report = face::assess_quality(frame, faces);
        if (report.guidance != last_face) {
            last_face = report.guidance;
            ctx_.log("set-up face check: " + std::string(face::to_string(report.guidance)) +
                     (faces.empty() ? ""
                                    : " (face " +
                                          std::to_string(static_cast<int>(faces.front().box.width * 100 /
                                                                          static_cast<float>(frame.cols))) +
                                          "% of the width)"));
        }
        lock.lock();
        face_report_ = report;
        check_frame_size_ = size;
        if (faces.empty())
            face_box_.reset();
        else
            face_box_ = faces.front().box;
    }
}

// The source the preview shows: the chosen camera of the role being set ("auto": the first device; the
// card-front camera "": the face camera).
std::string SetupWizard::preview_source() const {
    std::string s = front_role_ ? choices_.card_front_camera : choices_.camera;
    if (front_role_ && s.empty()) s = choices_.camera;
    if (s == "auto") s = cameras_.empty() ? "none" : cameras_.front().path;
    return s;
}

void SetupWizard::restart_preview() {
    if (cameras_listed_ == std::chrono::steady_clock::time_point{}) {
        cameras_ = camera::list_camera_devices();
        cameras_listed_ = std::chrono::steady_clock::now();
    }
    std::string src = preview_source();
    if (preview_ && src == preview_for_) return;
    preview_.reset();  // a device can be open once: close the old one first
    preview_for_ = src;
    preview_seq_ = 0;
    preview_texture_ = nullptr;
    frame_times_.clear();
    brightness_ = -1;
    {
        std::lock_guard lock(check_mu_);
        face_report_.reset();
        face_box_.reset();
        card_quad_.reset();
        check_frame_ = cv::Mat();
    }
    if (src.empty() || src == "none" || src == "demo") return;
    camera::CameraOptions o;
    o.source = src;
    o.loop = true;
    o.reconnect_attempts = 2;
    preview_ = std::make_unique<camera::CameraSource>(o);
}

void SetupWizard::poll(const std::function<void*(const cv::Mat&)>& upload) {
    if (test_ && test_->wait_for(0s) == std::future_status::ready) {
        auto [ok, text] = test_->get();
        test_.reset();
        result_ok_ = ok;
        result_ = text;
        ctx_.log("set-up test: " + text);
    }
    if (hashing_ && hashing_->wait_for(0s) == std::future_status::ready) {
        choices_.admin_pin_hash = hashing_->get();
        hashing_.reset();
        pin_message_ = choices_.admin_pin_hash.empty()
                           ? "保存できません Could not hash the PIN (out of memory?)"
                           : "管理者PINを設定しました Admin PIN set";
        ctx_.log(choices_.admin_pin_hash.empty() ? "set-up: the admin PIN could not be hashed"
                                                 : "set-up: admin PIN set (kept as an Argon2id hash)");
    }
    if (step() != Step::Camera) return;
    auto now = std::chrono::steady_clock::now();
    if (now - cameras_listed_ > 2s) {
        cameras_ = camera::list_camera_devices();
        cameras_listed_ = now;
    }
    if (!preview_) return;
    auto frame = preview_->wait_newer(preview_seq_, 0ms);
    if (!frame) return;
    preview_seq_ = frame->seq;
    // The camera's own rate (its frame numbers over time), not how often this screen picked one up.
    frame_times_.emplace_back(frame->captured, frame->seq);
    while (frame_times_.size() > 1 && now - frame_times_.front().first > 2s)
        frame_times_.erase(frame_times_.begin());
    const cv::Mat& m = frame->bgr;
    cv::Mat small;
    cv::resize(m, small, {}, 0.25, 0.25, cv::INTER_AREA);
    cv::Scalar mean = cv::mean(small);  // B, G, R
    brightness_ = (mean[0] * 0.114 + mean[1] * 0.587 + mean[2] * 0.299) / 255.0;
    if (!preview_texture_)
        ctx_.log("set-up camera preview: " + preview_for_ + " " + std::to_string(m.cols) + "x" +
                 std::to_string(m.rows));
    if (now - check_handed_ > 250ms) {  // the checks look a few times a second
        check_handed_ = now;
        std::lock_guard lock(check_mu_);
        check_frame_ = m.clone();
        frame_is_front_ = front_role_;
        if (!check_thread_.joinable()) check_thread_ = std::thread([this] { check_loop(); });
        check_cv_.notify_all();
    }
    preview_texture_ = upload(m);
    preview_w_ = m.cols;
    preview_h_ = m.rows;
}

}  // namespace uk::app
