// Index:
//   [SECTION] The test card
//   [SECTION] Steps and input
//   [SECTION] Probes (readers, camera preview, tests)
//   [SECTION] The view
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

std::string language_label(const std::string& code) {
    static const std::pair<const char*, const char*> kNames[] = {
        {"ja", "日本語 Japanese"},       {"en", "English"},
        {"zh-Hans", "简体中文 Chinese"}, {"ko", "한국어 Korean"},
        {"vi", "Tiếng Việt Vietnamese"}, {"pt-BR", "Português Portuguese"}};
    for (const auto& [c, n] : kNames)
        if (code == c) return n;
    return code;
}

std::string consent_label(ConsentItem i) {
    switch (i) {
        case ConsentItem::Medication:
            return "薬剤情報 Medication";
        case ConsentItem::HealthCheckup:
            return "特定健診情報 Health checkup";
        case ConsentItem::MedicalTreatment:
            return "診療情報 Treatment";
        case ConsentItem::Surgery:
            return "手術情報 Surgery";
    }
    return "";
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
        std::lock_guard lock(face_mu_);  // the face thread checks stop_ under this lock
        stop_ = true;
    }
    readers_cv_.notify_all();
    face_cv_.notify_all();
    if (readers_thread_.joinable()) readers_thread_.join();
    if (face_thread_.joinable()) face_thread_.join();
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
    std::unique_lock lock(face_mu_);
    while (!stop_) {
        face_cv_.wait(lock, [this] { return stop_.load() || !face_frame_.empty(); });
        if (stop_) break;
        cv::Mat frame = std::move(face_frame_);
        face_frame_ = cv::Mat();
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
            face_frame_size_ = size;
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
                std::lock_guard problem_lock(face_mu_);
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
        face_frame_size_ = size;
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
        std::lock_guard lock(face_mu_);
        face_report_.reset();
        face_box_.reset();
        card_quad_.reset();
        face_frame_ = cv::Mat();
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
    if (now - face_handed_ > 250ms) {  // the checks look a few times a second
        face_handed_ = now;
        std::lock_guard lock(face_mu_);
        face_frame_ = m.clone();
        frame_is_front_ = front_role_;
        if (!face_thread_.joinable()) face_thread_ = std::thread([this] { check_loop(); });
        face_cv_.notify_all();
    }
    preview_texture_ = upload(m);
    preview_w_ = m.cols;
    preview_h_ = m.rows;
}

// [SECTION] The view

std::vector<ui::SetupChoice> SetupWizard::reader_choices() const {
    std::vector<ui::SetupChoice> out;
    out.push_back({"", "自動 Any reader (the first with a card)", "", choices_.reader.empty()});
    std::lock_guard lock(readers_mu_);
    bool chosen_listed = choices_.reader.empty();
    for (const auto& r : readers_) {
        std::string detail = r.card_mute      ? "カードが応答しません card does not answer"
                             : r.card_present ? "カードあり card on it"
                                              : "カードなし no card";
        out.push_back({r.name, r.name, detail, r.name == choices_.reader, true, !r.card_mute});
        chosen_listed = chosen_listed || r.name == choices_.reader;
    }
    if (!chosen_listed)
        out.push_back({choices_.reader, choices_.reader,
                       "設定ファイルの指定 from the configuration (not connected)", true, true, false});
    return out;
}

std::vector<ui::SetupChoice> SetupWizard::camera_choices() const {
    std::vector<ui::SetupChoice> out;
    const std::string& chosen = front_role_ ? choices_.card_front_camera : choices_.camera;
    if (front_role_)
        out.push_back({"", "顔カメラと同じ Same as the face camera", "", chosen.empty()});
    else
        out.push_back({"auto", "自動 Auto (the first camera)",
                       cameras_.empty() ? "カメラが見つかりません none found" : cameras_.front().path,
                       chosen == "auto", true, !cameras_.empty()});
    bool listed = chosen.empty() || chosen == "auto" || chosen == "none";
    for (const auto& c : cameras_) {
        out.push_back({c.path, c.name, c.path, c.path == chosen});
        listed = listed || c.path == chosen;
    }
    if (!listed) {
        bool file = std::filesystem::exists(chosen) || chosen.find('%') != std::string::npos;
        out.push_back(
            {chosen, file ? "録画 Recorded clip" : chosen,
             file ? std::filesystem::path(chosen).filename().string() : "接続されていません not connected",
             true, true, file});
    }
    out.push_back({"none", "なし None (PIN or staff check only)", "", chosen == "none"});
    return out;
}

std::vector<ui::SetupChoice> SetupWizard::language_choices() const {
    std::vector<ui::SetupChoice> out;
    for (auto code : config::kKnownLanguages) {
        std::string c(code);
        bool on =
            std::find(choices_.languages.begin(), choices_.languages.end(), c) != choices_.languages.end();
        ui::SetupChoice ch{c, language_label(c), c == "ja" ? "常に表示 always offered" : "", on, c != "ja"};
        ch.is_default = c == choices_.default_language;
        out.push_back(ch);
    }
    return out;
}

std::vector<ui::SetupChoice> SetupWizard::consent_choices() const {
    std::vector<ui::SetupChoice> out;
    for (auto item : kAllConsentItems) {
        auto offer = consent_offer(ctx_.config.flow.facility.type, item);
        std::string detail = offer == ConsentOffer::Always ? "常に確認 always asked"
                             : offer == ConsentOffer::Never
                                 ? "この施設種別では対象外 not at this facility type"
                                 : "";
        bool on = offer == ConsentOffer::Always ||
                  (offer == ConsentOffer::OptIn && choices_.consent_items.count(item));
        out.push_back(
            {std::string(to_string(item)), consent_label(item), detail, on, offer == ConsentOffer::OptIn});
    }
    return out;
}

ui::SetupView SetupWizard::view() const {
    ui::SetupView v;
    v.step = step();
    v.index = static_cast<int>(index_) + 1;
    v.count = static_cast<int>(steps_.size());
    v.busy = test_.has_value();
    if (result_step_ == step()) {
        v.result = result_;
        v.result_ok = result_ok_;
    }
    switch (step()) {
        case Step::Reader:
            v.title = "カードリーダー Card reader";
            v.help =
                "使うリーダーを選び、カードを置いて読み取りを試します Choose the reader, place a card, read "
                "it";
            v.choices = reader_choices();
            {
                std::lock_guard lock(readers_mu_);
                if (!readers_problem_.empty()) {
                    v.note = readers_problem_;
                    while (!v.note.empty() && v.note.back() == '.')
                        v.note.pop_back();
                    v.note += ". 対処 Fix: `systemctl enable --now pcscd.socket`";
                } else if (readers_.empty())
                    v.note = "リーダーが見つかりません No reader connected: plug it in (USB)";
            }
            if (ctx_.card_transport == "sim")
                v.note += std::string(v.note.empty() ? "" : " ") +
                          "(デモ demo: check-ins use the simulated card; the test reads the chosen reader)";
            v.actions = {{"test_card", "テストカードを読む Read a test card"}};
            break;
        case Step::Camera:
            v.title = "カメラ Cameras";
            v.help = front_role_
                         ? "カードの表面(券面)を読むカメラ The camera that reads the card's front"
                         : "顔認証のカメラ The camera for face checks: the patient's face should fill the "
                           "middle";
            v.choices = camera_choices();
            v.front_role = front_role_;
            v.actions = {{"role_face", "顔カメラ Face camera"},
                         {"role_front", "券面カメラ Card-front camera"}};
            v.preview_texture = preview_texture_;
            v.preview_w = preview_w_;
            v.preview_h = preview_h_;
            if (!preview_) {
                v.preview_status = "プレビューなし No preview (no camera chosen)";
            } else if (preview_->state() == face::SourceState::Gone ||
                       preview_->state() == face::SourceState::Ended) {
                v.preview_status = "開けません Cannot open " + preview_for_ + ": " + preview_->problem();
            } else if (!preview_texture_) {
                v.preview_status = "起動中… Starting " + preview_for_;
            } else {
                double fps = 0.0;
                if (frame_times_.size() >= 2) {
                    double span =
                        std::chrono::duration<double>(frame_times_.back().first - frame_times_.front().first)
                            .count();
                    if (span > 0)
                        fps = static_cast<double>(frame_times_.back().second - frame_times_.front().second) /
                              span;
                }
                char buf[200];
                const char* light = brightness_ < 0.2 ? "暗すぎます too dark: add light"
                                    : brightness_ > 0.9 ? "明るすぎます too bright: turn it from the window"
                                                        : "明るさ良好 light ok";
                std::snprintf(buf, sizeof buf, "%dx%d, %.0f fps, %s", preview_w_, preview_h_, fps, light);
                v.preview_status = buf;
                v.preview_ok = brightness_ >= 0.2 && brightness_ <= 0.9 && fps >= 5;
                face_check_view(v);
            }
            break;
        case Step::Reception: {
            v.title = "受付サーバー Reception";
            v.help = "接続を確かめ、未登録なら登録します Test the connection; enrol the kiosk if it is not";
            bool enrolled = ctx_.enrolled && ctx_.enrolled();
            v.choices = {{"", ctx_.config.reception.url,
                          enrolled ? "登録済み enrolled" : "未登録 not enrolled", true, false, enrolled}};
            v.actions = {{"test_reception", "接続テスト Test the connection"},
                         {"enrol", "登録 Enrol with the reception"}};
            break;
        }
        case Step::Languages:
            v.title = "言語 Languages";
            v.help =
                "患者さんが選べる言語と、最初に表示する言語 The languages patients can choose, and the first "
                "one";
            v.choices = language_choices();
            break;
        case Step::Consent:
            v.title = "同意項目 Consent items";
            v.help = "患者さんに同意を確認する情報 What patients are asked to share";
            v.choices = consent_choices();
            break;
        case Step::AdminPin:
            v.title = "管理者PIN Admin PIN";
            v.help = "この管理メニューを開くPIN(4〜8桁)The PIN that opens this menu (4 to 8 digits)";
            v.pin_length = pin_.size();
            v.pin_confirming = pin_confirming_;
            v.pin_message = pin_message_;
            v.pin_set = !choices_.admin_pin_hash.empty();
            v.busy = hashing_.has_value();
            v.can_next = v.pin_set;
            break;
        case Step::Finish: {
            v.title = "確認 Review and save";
            v.help = "保存すると端末が再起動します The kiosk restarts with these settings";
            std::string langs;
            for (const auto& l : choices_.languages)
                langs += (langs.empty() ? "" : ", ") + l +
                         (l == choices_.default_language ? " (既定 default)" : "");
            std::string items = "medication";
            if (consent_offer(ctx_.config.flow.facility.type, ConsentItem::HealthCheckup) ==
                ConsentOffer::Always)
                items += ", health_checkup";
            for (auto i : choices_.consent_items)
                items += ", " + std::string(to_string(i));
            v.summary = {
                {"カードリーダー Reader", choices_.reader.empty() ? "自動 any" : choices_.reader},
                {"顔カメラ Face camera", choices_.camera},
                {"券面カメラ Card-front camera",
                 choices_.card_front_camera.empty() ? "顔カメラと同じ same" : choices_.card_front_camera},
                {"言語 Languages", langs},
                {"同意項目 Consent items", items}};
            if (ctx_.need_admin_pin)
                v.summary.push_back({"管理者PIN Admin PIN",
                                     choices_.admin_pin_hash.empty() ? "未設定 not set" : "設定済み set"});
            v.summary.push_back({"保存先 File", (ctx_.data_dir / config::kSetupFileName).string()});
            v.note = save_problem_;
            v.can_next = !ctx_.need_admin_pin || !choices_.admin_pin_hash.empty();
            break;
        }
    }
    return v;
}

// The face check's result under the preview, and the face's box on it.
void SetupWizard::face_check_view(ui::SetupView& v) const {
    std::lock_guard lock(face_mu_);
    if (front_role_) {  // the card-front camera: is a card in view, and where
        if (!card_quad_) {
            v.preview_status += "\nカードが見つかりません no card: hold a card where patients will";
            return;
        }
        char pct[96];
        std::snprintf(pct, sizeof pct, "\nカードを検出 card found (%d%% of the frame)",
                      static_cast<int>(card_quad_->area_fraction * 100 + 0.5));
        v.preview_status += pct;
        v.face_ok = true;
        if (face_frame_size_.width > 0 && face_frame_size_.height > 0) {
            std::array<float, 8> o{};
            for (int i = 0; i < 4; ++i) {
                o[2 * i] = card_quad_->corners[i].x / static_cast<float>(face_frame_size_.width);
                o[2 * i + 1] = card_quad_->corners[i].y / static_cast<float>(face_frame_size_.height);
            }
            v.card_outline = o;
        }
        return;
    }
    if (!face_problem_.empty()) {
        v.preview_status += "; " + face_problem_;
        return;
    }
    if (!face_report_) return;
    using G = face::Guidance;
    static const std::pair<G, const char*> kWords[] = {
        {G::Ok, "顔OK face well placed"},
        {G::NoFace, "顔が見つかりません no face: check the camera's height and angle"},
        {G::SeveralFaces, "複数の顔 several faces"},
        {G::TooFar, "遠すぎます face too small: move the camera closer or lower"},
        {G::TooClose, "近すぎます face too large"},
        {G::OffCentre, "中央からずれています face off centre: turn the camera"},
        {G::TurnedAway, "横向き face turned away: the camera should face the patient"},
        {G::TooDark, "顔が暗い face too dark: add light"},
        {G::TooBright, "顔が明るすぎ face too bright: backlight?"},
        {G::Blurred, "ぼやけています blurred: check the focus"},
        {G::EyesClosed, "目が閉じています eyes closed"},
        {G::FaceCovered, "顔が隠れています face covered"}};
    std::string words = std::string(face::to_string(face_report_->guidance));
    for (const auto& [g, w] : kWords)
        if (g == face_report_->guidance) words = w;
    char pct[48] = "";  // the face's width in the frame
    if (face_box_ && face_frame_size_.width > 0)
        std::snprintf(
            pct, sizeof pct, " (%d%%)",
            static_cast<int>(face_box_->width * 100 / static_cast<float>(face_frame_size_.width) + 0.5f));
    v.preview_status += "\n" + words + pct;
    v.face_ok = face_report_->guidance == G::Ok;
    if (face_box_ && face_frame_size_.width > 0 && face_frame_size_.height > 0) {
        float fw = static_cast<float>(face_frame_size_.width),
              fh = static_cast<float>(face_frame_size_.height);
        v.face_box = std::array<float, 4>{face_box_->x / fw, face_box_->y / fh, face_box_->width / fw,
                                          face_box_->height / fh};
    }
}

std::string SetupWizard::step_name() const {
    switch (step()) {
        case Step::Reader:
            return "setup_reader";
        case Step::Camera:
            return "setup_camera";
        case Step::Reception:
            return "setup_reception";
        case Step::Languages:
            return "setup_languages";
        case Step::Consent:
            return "setup_consent";
        case Step::AdminPin:
            return "setup_admin_pin";
        case Step::Finish:
            return "setup_finish";
    }
    return "setup";
}

}  // namespace uk::app
