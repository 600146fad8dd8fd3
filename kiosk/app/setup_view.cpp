// What each set-up step shows (kiosk/app/setup_wizard.h): the choices with their live state, the step's
// actions, the camera step's preview figures and checks, the summary.
#include <algorithm>
#include <cstdio>

#include "kiosk/app/setup_wizard.h"
#include "kiosk/core/facility.h"

namespace uk::app {

using Step = ui::SetupView::Step;

namespace {

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
                preview_check_view(v);
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
void SetupWizard::preview_check_view(ui::SetupView& v) const {
    std::lock_guard lock(check_mu_);
    if (front_role_) {  // the card-front camera: is a card in view, and where
        if (!card_quad_) {
            v.preview_status += "\nカードが見つかりません no card: hold a card where patients will";
            return;
        }
        char pct[96];
        std::snprintf(pct, sizeof pct, "\nカードを検出 card found (%d%% of the frame)",
                      static_cast<int>(card_quad_->area_fraction * 100 + 0.5));
        v.preview_status += pct;
        v.check_ok = true;
        if (check_frame_size_.width > 0 && check_frame_size_.height > 0) {
            std::array<float, 8> o{};
            for (int i = 0; i < 4; ++i) {
                o[2 * i] = card_quad_->corners[i].x / static_cast<float>(check_frame_size_.width);
                o[2 * i + 1] = card_quad_->corners[i].y / static_cast<float>(check_frame_size_.height);
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
    if (face_box_ && check_frame_size_.width > 0)
        std::snprintf(
            pct, sizeof pct, " (%d%%)",
            static_cast<int>(face_box_->width * 100 / static_cast<float>(check_frame_size_.width) + 0.5f));
    v.preview_status += "\n" + words + pct;
    v.check_ok = face_report_->guidance == G::Ok;
    if (face_box_ && check_frame_size_.width > 0 && check_frame_size_.height > 0) {
        float fw = static_cast<float>(check_frame_size_.width),
              fh = static_cast<float>(check_frame_size_.height);
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
