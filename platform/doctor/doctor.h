// `uketsuke-kiosk --doctor`: one check per thing facility IT has to get right, each with a readable line, the
// fix, and a bit in the exit code, so a script (or a vendor on the phone) can tell exactly what is wrong.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "kiosk/config/config.h"
#include "platform/doctor/checks.h"

namespace uk::doctor {

struct DoctorOptions {
    config::KioskConfig config;
    std::filesystem::path models_dir;                       // where the fetched model files are
    std::filesystem::path data_dir;                         // the kiosk's state (outbox, PKI of the demo)
    std::vector<std::filesystem::path> font_candidates = {  // what kiosk/ui/fonts.cpp loads
        "/usr/share/fonts/truetype/bizud-gothic/BIZUDPGothic-Regular.ttf",
        "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf"};
    int camera_timeout_ms = 3000;
    std::filesystem::path video4linux_dir = "/sys/class/video4linux";  // camera "auto" (tests: a temp tree)
};

// Exit-code bits, documented in docs/configuration.md.
inline constexpr unsigned kBitCamera = 1u << 0;
inline constexpr unsigned kBitPcscd = 1u << 1;
inline constexpr unsigned kBitReader = 1u << 2;
inline constexpr unsigned kBitCard = 1u << 3;
inline constexpr unsigned kBitModels = 1u << 4;
inline constexpr unsigned kBitFonts = 1u << 5;
inline constexpr unsigned kBitReception = 1u << 6;
inline constexpr unsigned kBitClock = 1u << 7;
inline constexpr unsigned kBitDisk = 1u << 8;

// Camera "auto" is the first video capture device (camera::list_camera_devices), as the kiosk picks it.
CheckResult check_camera(const DoctorOptions& o);
// With card.transport "sim" (the demo card) pcscd, reader and card are not used: the three report ok and say
// so.
CheckResult check_pcscd(const DoctorOptions& o);
CheckResult check_reader(const DoctorOptions& o);
CheckResult check_card(const DoctorOptions& o);
CheckResult check_models(const DoctorOptions& o);
CheckResult check_fonts(const DoctorOptions& o);
CheckResult check_reception(const DoctorOptions& o);
CheckResult check_clock(const DoctorOptions& o);
CheckResult check_disk(const DoctorOptions& o);

std::vector<CheckResult> run_all(const DoctorOptions& o);

// The model files and their sha256, as scripts/setup.d/models.sha256 lists them (built into the program).
std::vector<std::pair<std::string, std::string>> expected_model_sums();

}  // namespace uk::doctor
