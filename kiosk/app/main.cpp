// uketsuke-kiosk: the self check-in kiosk. `uketsuke-kiosk --demo` runs the whole flow on embedded defaults
// (simulated card with a test PKI generated on first run, local outbox) so a newcomer sees the product with
// one command.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "kiosk/app/app.h"

namespace {
void usage() {
    std::puts(
        "usage: uketsuke-kiosk [--demo] [options]\n"
        "  --demo                 embedded defaults: simulated card, local outbox, DEMO controls on screen\n"
        "  --config FILE          kiosk.toml (default: embedded defaults)\n"
        "  --check-config FILE    check a configuration file, and the set-up file in the data folder "
        "(--data),\n"
        "                         and exit (0 valid, 2 not)\n"
        "  --doctor               check camera, reader, pcscd, card, models, fonts, reception, clock, disk\n"
        "  --set-admin-pin        read a new admin PIN (4-8 digits) twice from stdin, print the kiosk.toml "
        "line\n"
        "  --card sim|pcsc        card transport (default: the configuration's, else sim)\n"
        "  --setup                open the set-up pages (reader, cameras, reception, languages, consent)\n"
        "  --identity NAME        simulated card holder (default yamada-taro; PIN 1234)\n"
        "  --data DIR             demo card PKI and outbox (default ~/.local/share/uketsuke)\n"
        "  --size WxH             window size instead of the display's (still borderless)\n"
        "  --windowed             development window with a pointer; closes on Alt+F4\n"
        "  --software             software renderer\n"
        "  --lang CODE            start language (ja en zh-Hans ko vi pt-BR)\n"
        "  --idle-seconds N       patient idle time-out (tests)\n"
        "  --frames N             stop after N frames (benchmarks)\n"
        "  --bench-json FILE      write frame-time statistics at exit\n"
        "  --keep-card-counters   demo: do not reset the simulated card's retry counters at start\n"
        "  --camera SRC           auto (default), none, a device (0, /dev/video0) or a recorded clip\n"
        "  --card-photo FILE      demo: the simulated card's chip photo (any image)\n"
        "  --models DIR           face models (default: ./models, fetched by scripts/setup.d/10-models.sh)\n"
        "  --face-challenge-off   recorded clips only: no blink/turn prompts (never on a patient kiosk)\n"
        "Exit: touch the four corners in order (top-left, top-right, bottom-right, bottom-left) within 8 s,\n"
        "or send SIGTERM.");
}
}  // namespace

int main(int argc, char** argv) {
    uk::app::AppOptions o;
    bool doctor = false;
    std::string check;  // --check-config FILE
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto next = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", argv[i]);
                std::exit(64);
            }
            return argv[++i];
        };
        if (a == "--demo")
            o.demo = true;
        else if (a == "--config")
            o.config = next();
        else if (a == "--check-config")
            check = next();
        else if (a == "--doctor")
            doctor = true;
        else if (a == "--set-admin-pin")
            return uk::app::set_admin_pin(std::cin, std::cout, std::cerr);
        else if (a == "--card")
            o.card = next();
        else if (a == "--identity")
            o.identity = next();
        else if (a == "--data")
            o.data_dir = next();
        else if (a == "--size") {
            if (std::sscanf(next(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240) {
                std::fprintf(stderr, "--size wants WIDTHxHEIGHT, e.g. 1920x1080\n");
                return 64;
            }
        } else if (a == "--windowed")
            o.windowed = true;
        else if (a == "--software")
            o.software = true;
        else if (a == "--lang")
            o.language = next();
        else if (a == "--idle-seconds")
            o.idle_seconds = std::atoi(next());
        else if (a == "--frames")
            o.frames = std::atoi(next());
        else if (a == "--bench-json")
            o.bench_json = next();
        else if (a == "--keep-card-counters")
            o.reset_card = false;
        else if (a == "--camera")
            o.camera = next();
        else if (a == "--card-photo")
            o.card_photo = next();
        else if (a == "--models")
            o.models_dir = next();
        else if (a == "--setup")
            o.setup = true;
        else if (a == "--face-challenge-off")
            o.face_challenge = false;
        else if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else {
            std::fprintf(stderr, "unknown option %s (try --help)\n", argv[i]);
            return 64;
        }
    }
    if (!check.empty()) return uk::app::check_config(check, uk::app::resolve_data_dir(o));
    if (doctor) return uk::app::run_doctor(o);
    return uk::app::run_kiosk(o);
}
