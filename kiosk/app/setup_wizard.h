// The kiosk's set-up pages: the first-start wizard, and 設定 Set-up in the admin menu. Facility IT chooses,
// with live feedback from the devices, what the configuration file otherwise says:
//   1 reader      pcscd's readers with a card on them or not (refreshed twice a second); "read a test card"
//                 reads the JPKI certificate and the PIN tries of the card on the chosen reader (no PIN, no
//                 VERIFY, never the My Number application)
//   2 cameras     the face camera and the card-front camera, with a live preview, frame rate and brightness;
//                 for the face camera a face check on the preview (the kiosk's own finder and quality rules:
//                 found or not, its size and whether it is too far, too close, off centre, too dark ...)
//   3 reception   test the connection (the doctor's check), enrol the kiosk (the admin menu's enrolment page)
//   4 languages   which ones patients can choose, and the default
//   5 consent     the opt-in consent items the facility type allows (medication / checkup are always asked)
//   6 admin PIN   only on a kiosk that has none yet: typed twice, kept as an Argon2id hash
//   7 finish      the summary; "save and restart" writes <data>/kiosk-setup.toml (config::save_setup_file)
// The probes run on threads; poll() collects them on the UI thread. Camera frames only go to the preview
// texture, never to disk; the PIN digits live in a wiped buffer until hashed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/cardfront/detect.h"
#include "kiosk/config/config.h"
#include "kiosk/core/secure.h"
#include "kiosk/face/quality.h"
#include "kiosk/ui/admin_screens.h"
#include "platform/camera/camera_source.h"
#include "platform/doctor/doctor.h"
#include "platform/pcsc/pcsc.h"

namespace uk::app {

// Reads the card on `reader` (a name or pattern) the way the check-in does, without a PIN: the JPKI
// authentication certificate (issuer, expiry) and the tries left of the PIN and of 照合番号B. Blocking.
struct TestCardResult {
    bool ok = false;
    std::string text;  // in words, Japanese and English
};
TestCardResult read_test_card(const std::string& reader, WallTime now);

struct SetupContext {
    config::KioskConfig config;  // as loaded (configuration file and set-up file)
    std::filesystem::path data_dir;
    std::string card_transport = "sim";  // "sim": the demo card is used whatever reader is chosen
    bool need_admin_pin = false;         // no admin PIN configured: the set-up asks for one
    doctor::DoctorOptions doctor;        // the reception check
    std::function<bool()> enrolled;      // the kiosk has its reception token and certificate
    std::function<void(const std::string&)> log;
};

class SetupWizard {
  public:
    using Step = ui::SetupView::Step;
    enum class Outcome { Stay, Enrol, Saved };

    explicit SetupWizard(SetupContext ctx);
    ~SetupWizard();
    SetupWizard(const SetupWizard&) = delete;
    SetupWizard& operator=(const SetupWizard&) = delete;

    Outcome handle(const ui::AdminInput& key);
    // Every frame: collects the probes; on the camera step uploads the newest preview frame through `upload`
    // (returns the texture) and measures it.
    void poll(const std::function<void*(const cv::Mat&)>& upload);
    ui::SetupView view() const;
    std::string step_name() const;  // setup_reader, setup_camera ... (the kiosk's state line)
    Step step() const { return steps_[index_]; }
    const config::SetupChoices& choices() const { return choices_; }

  private:
    void go(std::size_t index);
    void reader_loop();
    void restart_preview();
    std::string preview_source() const;
    std::vector<ui::SetupChoice> reader_choices() const;
    std::vector<ui::SetupChoice> camera_choices() const;
    std::vector<ui::SetupChoice> language_choices() const;
    std::vector<ui::SetupChoice> consent_choices() const;
    void preview_check_view(ui::SetupView& v) const;
    void pin_ok();
    Outcome save();

    SetupContext ctx_;
    config::SetupChoices choices_;
    std::vector<Step> steps_;
    std::size_t index_ = 0;

    // Readers: polled on their own thread while the wizard is open.
    mutable std::mutex readers_mu_;
    std::vector<pcsc::ReaderStatus> readers_;
    std::string readers_problem_;
    std::atomic<bool> stop_{false};
    std::condition_variable readers_cv_;
    std::thread readers_thread_;

    // Cameras: the devices (re-listed every two seconds on the camera step) and the preview of the chosen
    // one.
    std::vector<camera::CameraDevice> cameras_;
    std::chrono::steady_clock::time_point cameras_listed_{};
    bool front_role_ = false;
    std::unique_ptr<camera::CameraSource> preview_;
    std::string preview_for_;
    std::uint64_t preview_seq_ = 0;
    void* preview_texture_ = nullptr;
    int preview_w_ = 0, preview_h_ = 0;
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>>
        frame_times_;         // captured, seq
    double brightness_ = -1;  // 0..1 mean of the last frame

    // The checks on the preview, on their own thread: the face camera's frames through the kiosk's face
    // finder (loaded on first use), the card-front camera's through the card locator; poll() hands it the
    // newest frame a few times a second (a copy in memory, never on disk).
    void check_loop();
    std::thread check_thread_;
    mutable std::mutex check_mu_;
    std::condition_variable check_cv_;
    cv::Mat check_frame_;
    bool frame_is_front_ = false;  // the frame is the card-front camera's
    std::chrono::steady_clock::time_point check_handed_{};
    std::optional<face::QualityReport> face_report_;
    std::optional<cv::Rect2f> face_box_;  // in the frame's pixels
    std::optional<cardfront::CardQuad> card_quad_;
    cv::Size check_frame_size_;
    std::string face_problem_;  // the finder could not be loaded

    // Tests (test card, reception) and the admin PIN's hash.
    std::optional<std::future<std::pair<bool, std::string>>> test_;
    std::string result_;
    bool result_ok_ = false;
    Step result_step_ = Step::Reader;
    SecretDigits<8> pin_, pin_first_;
    bool pin_confirming_ = false;
    std::string pin_message_;
    std::optional<std::future<std::string>> hashing_;
    std::string save_problem_;
};

}  // namespace uk::app
