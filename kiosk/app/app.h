// The kiosk app: wires the check-in flow to the devices and the screens. The UI thread owns the flow, the
// window and the PIN buffer; the card, the outbox (and, when wired, the face session) run on their own
// threads and answer through the EventInbox. One frame: input -> drain worker events -> Tick -> draw ->
// present; effects are carried out as they come out of each dispatch.
//
// Machine-readable lines on stdout (for the end-to-end scripts and operators), one per change:
//   UK ready renderer=<name> size=<w>x<h> first_frame_ms=<n>
//   UK state phase=<phase> error=<kind|-> notice=<key|-> lang=<code> pin_tries=<n|-> ticket=<n> offline=<0|1>
//   UK buttons <id>@<cx>,<cy> ...          (the touch targets of the screen now shown, centres in pixels)
//   UK submit record=<uuid> method=<m> consents=<item>:<answer>,...
//   UK log <text>                           (device and outbox messages for staff/IT; never a PIN)
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace uk::app {

struct AppOptions {
    bool demo = false;
    std::string
        card;  // "sim" (in-process simulated card) or "pcsc"; empty: the configuration's card.transport
    std::string identity = "yamada-taro";
    std::filesystem::path data_dir;    // demo card PKI + outbox; default ~/.local/share/uketsuke
    std::filesystem::path config;      // kiosk.toml; empty = embedded defaults
    int width = 0, height = 0;         // 0 = full screen at the display's size
    bool windowed = false;             // development: a normal window that closes on Alt+F4
    bool software = false;             // SDL software renderer
    int frames = 0;                    // stop after N frames (benchmarks, smoke tests); 0 = run until told
    std::filesystem::path bench_json;  // write frame-time statistics here at exit
    std::string language;              // start language (default from config)
    std::optional<int> idle_seconds;   // override the interaction / waiting-for-card time-outs (tests)
    bool reset_card = true;            // demo: put the simulated card's retry counters back at start
    std::string camera;                // "auto" (default: config), "none", a device, or a recorded clip
    std::filesystem::path card_photo;  // demo: the simulated card's chip photo (any image; made JPEG 2000)
    std::filesystem::path
        models_dir;              // face models (scripts/setup.d/10-models.sh); default: config, ./models
    bool face_challenge = true;  // off only for recorded clips in tests (a recording cannot blink on cue)
    bool setup = false;          // open the set-up pages at start (they open by themselves on a real kiosk's
                                 // first start: no <data>/kiosk-setup.toml yet)
};

// Runs the kiosk until the admin gesture, SIGTERM/SIGINT, or `frames`. Returns the process exit code.
int run_kiosk(const AppOptions& options);

// Where the kiosk keeps its state: --data, else $XDG_DATA_HOME/uketsuke, else ~/.local/share/uketsuke.
std::filesystem::path resolve_data_dir(const AppOptions& options);
// The face models: --models, else the configured folder, else ./models, the build tree's models/ or
// /usr/share/uketsuke/models (the first that holds them); empty when none does.
std::filesystem::path resolve_models_dir(const AppOptions& options, const std::string& configured);

// `uketsuke-kiosk --check-config FILE [--data DIR]`: every problem of the file and, when the data folder has
// one, of the set-up file the kiosk's set-up pages wrote (<data>/kiosk-setup.toml, read over the file at
// start); exit 0 when valid, 2 when not.
int check_config(const std::filesystem::path& file, const std::filesystem::path& data_dir);
// `uketsuke-kiosk --doctor`: the facility's checks (docs/configuration.md); exit code = bits of failed
// checks.
int run_doctor(const AppOptions& options);
// `uketsuke-kiosk --set-admin-pin`: reads the PIN twice (one line each; 4 to 8 digits), prints
// `admin_pin_hash = "$argon2id$..."` for the [kiosk] table. Exit 0, or 2 with the reason on `err`.
int set_admin_pin(std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace uk::app
