// The kiosk's configuration file (TOML): what facility IT edits, with validation that names the file, the
// line, the key and the fix. No file at all gives the demo defaults. docs/configuration.md documents every
// key; deploy/kiosk.example.toml is a commented example.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/checkin/flow.h"

namespace uk::config {

struct CardSettings {
    std::string transport = "sim";  // "pcsc" (a real reader through pcscd) or "sim" (the built-in demo card)
    std::string reader;  // reader name or glob pattern ("SONY*"); empty: the first reader with a card
    std::string sim_identity = "demo";
};

struct CameraSettings {
    std::string device =
        "auto";  // "auto", a device index ("0"), a path (/dev/video0) or a video file / image sequence
    std::string card_front_device;  // a second camera looking at the reader; empty: the face camera
    bool enabled = true;
};

struct ReceptionSettings {
    std::string url = "https://127.0.0.1:8443";
    std::string token_file;  // the kiosk's bearer token from `uketsuke-reception kiosk add`
    std::string ca_file;     // the reception's certificate (or its CA) the kiosk trusts
};

struct FaceSettings {
    std::string model = "default";    // embedding model id; "default" = the build's chosen model
    std::optional<double> threshold;  // decision threshold; empty = the model's own default
    std::string landmark_model = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat";
    std::string models_dir;  // where fetched model files live; empty = built-in search path
};

struct KioskConfig {
    checkin::FlowConfig flow;  // facility, kiosk id, methods, time-outs
    std::vector<std::string> languages = {"ja", "en", "zh-Hans", "ko", "vi", "pt-BR"};
    CardSettings card;
    CameraSettings camera;
    ReceptionSettings reception;
    FaceSettings face;
    std::string admin_pin_hash;    // libsodium crypto_pwhash_str of the admin PIN; empty: admin menu disabled
    std::filesystem::path source;  // the file it came from (empty for defaults)
};

struct ConfigError {
    std::string file;
    int line = 0;     // 0 when not tied to a line (file missing)
    std::string key;  // dotted key, e.g. "facility.code"
    std::string problem;
    std::string fix;
    // "kiosk.toml:4: facility.code: "13100" is not 10 digits. Fix: use the 10-digit 医療機関コード ..."
    std::string message() const;
};

struct LoadResult {
    std::optional<KioskConfig> config;  // set when there are no errors
    std::vector<ConfigError> errors;    // every problem found, not just the first
};

// Reads and validates a kiosk configuration file.
LoadResult load_kiosk_config(const std::filesystem::path& file);
// The same from text (the name is used in messages only).
LoadResult parse_kiosk_config(std::string_view toml_text, const std::string& file_name);

// [SECTION] The kiosk's own set-up file
//
// What facility IT chooses on the kiosk's set-up pages (the first-start wizard, or the admin menu's 設定):
// the reader, the cameras, the languages, the optional consent items and, on a kiosk that has none, the admin
// PIN's hash. Written as <data folder>/kiosk-setup.toml (0600, atomically) and read over the configuration
// file at every start: the same keys, the same checks and messages; any other key there is an error that
// says it belongs in kiosk.toml. The file's presence means "set-up done": without it a real kiosk (not the
// demo) starts on the set-up pages.
inline constexpr const char* kSetupFileName = "kiosk-setup.toml";

struct SetupChoices {
    std::string reader;             // card.reader ("" = the first reader with a card)
    std::string camera;             // camera.device
    std::string card_front_camera;  // camera.card_front_device ("" = the face camera)
    std::vector<std::string> languages;
    std::string default_language;
    std::set<ConsentItem> consent_items;  // the opt-in items turned on
    std::string admin_pin_hash;           // empty: keep the configuration file's
};

// The choices a configuration already makes (the set-up pages start from them).
SetupChoices setup_choices_of(const KioskConfig& cfg);
// The file's text; `written_at` goes into its comment.
std::string render_setup_file(const SetupChoices& choices, std::string_view written_at);
// Applies a set-up file's text over `cfg` (errors name `file_name`); `cfg` is unchanged when there are any.
std::vector<ConfigError> apply_setup_text(KioskConfig& cfg, std::string_view text,
                                          const std::string& file_name);
// The same from a file; a missing file is no error (set-up not done yet).
std::vector<ConfigError> apply_setup_file(KioskConfig& cfg, const std::filesystem::path& file);
// Writes the file atomically (temporary file, fsync, rename) with mode 0600; returns the problem or "".
std::string save_setup_file(const std::filesystem::path& file, const std::string& text);
// The configuration file (or the defaults when `config_file` is empty) with <data_dir>/kiosk-setup.toml over
// it.
LoadResult load_kiosk_config_with_setup(const std::filesystem::path& config_file,
                                        const std::filesystem::path& data_dir);

inline constexpr std::string_view kKnownLanguages[] = {"ja", "en", "zh-Hans", "ko", "vi", "pt-BR"};

}  // namespace uk::config
