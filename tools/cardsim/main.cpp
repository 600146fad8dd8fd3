// uketsuke-cardsim: a simulated My Number card behind the real pcscd, through vsmartcard's vpcd driver.
//
//   uketsuke-cardsim --list [--data DIR]
//       prints the identities as JSON: name, PIN, 照合番号B, certificate state, tries left, photo present
//   uketsuke-cardsim --identity NAME [--host H] [--port P] [--data DIR] [--photo FILE.jp2] [--reset-counters]
//                    [--delay-ms N] [--remove-after N] [--garbage-from N] [--truncate-from N]
//                    [--force-sw INS=SW] [--t0] [--no-extended]
//       FILE: a .jp2 as the card holds it, or any image (converted: crop, greyscale, JPEG 2000)
//       connects to vpcd (default 127.0.0.1:35963), which inserts the card; SIGTERM/SIGINT or exit removes
//       it.
//
// DIR is --data, else $UK_CARDSIM_DATA, else $XDG_DATA_HOME/uketsuke/cardsim, else
// ~/.local/share/uketsuke/cardsim (./cardsim-data without HOME); when it holds no test PKI yet, one is
// generated there (tools/pki). Exit status: 0 after a normal removal, 1 on errors, 2 on bad arguments.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/cardsim/photo.h"
#include "tools/cardsim/sim_card.h"
#include "tools/cardsim/vpcd_client.h"
#include "tools/pki/pki.h"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
    g_stop = true;
}

int run(uk::Result<uk::cardsim::Identity> id, bool reset, const uk::cardsim::VpcdOptions& vo,
        const uk::cardsim::Faults& faults);

int usage() {
    std::fprintf(
        stderr,
        "usage: uketsuke-cardsim --list [--data DIR]\n"
        "       uketsuke-cardsim --identity NAME [--host H] [--port P] [--data DIR] [--photo FILE]\n"
        "                        [--reset-counters] [--delay-ms N] [--remove-after N] [--garbage-from N]\n"
        "                        [--truncate-from N] [--force-sw INS=SW] [--t0] [--no-extended]\n");
    return 2;
}

bool parse_number(const char* s, unsigned long max, unsigned long& out, int base = 10) {
    char* end = nullptr;
    errno = 0;
    out = std::strtoul(s, &end, base);
    return errno == 0 && end != s && *end == '\0' && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace uk::cardsim;
    bool list = false, reset = false;
    std::string identity, data_dir;
    std::optional<std::filesystem::path> photo;
    VpcdOptions vo;
    Faults faults;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        unsigned long n = 0;
        if (a == "--list") {
            list = true;
        } else if (a == "--reset-counters") {
            reset = true;
        } else if (a == "--t0") {
            faults.t0_get_response = true;
        } else if (a == "--no-extended") {
            faults.no_extended = true;
        } else if (a == "--identity" || a == "--host" || a == "--data" || a == "--photo") {
            const char* v = value();
            if (v == nullptr) return usage();
            if (a == "--identity") identity = v;
            if (a == "--host") vo.host = v;
            if (a == "--data") data_dir = v;
            if (a == "--photo") photo = v;
        } else if (a == "--port" || a == "--delay-ms" || a == "--remove-after" || a == "--garbage-from" ||
                   a == "--truncate-from") {
            const char* v = value();
            if (v == nullptr || !parse_number(v, a == "--port" ? 65535 : 1000000, n)) return usage();
            if (a == "--port") vo.port = static_cast<std::uint16_t>(n);
            if (a == "--delay-ms") faults.delay = std::chrono::milliseconds(n);
            if (a == "--remove-after") faults.remove_after = n;
            if (a == "--garbage-from") faults.garbage_from = n;
            if (a == "--truncate-from") faults.truncate_from = n;
        } else if (a == "--force-sw") {
            const char* v = value();
            const char* eq = v ? std::strchr(v, '=') : nullptr;
            unsigned long ins = 0, sw = 0;
            if (eq == nullptr || !parse_number(std::string(v, eq).c_str(), 0xFF, ins, 16) ||
                !parse_number(eq + 1, 0xFFFF, sw, 16)) {
                return usage();
            }
            faults.force_sw[static_cast<std::uint8_t>(ins)] = static_cast<std::uint16_t>(sw);
        } else {
            return usage();
        }
    }
    if (list == !identity.empty()) return usage();
    if (data_dir.empty()) {
        auto env = [](const char* name) -> std::string {
            const char* v = std::getenv(name);
            return v != nullptr ? v : "";
        };
        if (!env("UK_CARDSIM_DATA").empty()) {
            data_dir = env("UK_CARDSIM_DATA");
        } else if (!env("XDG_DATA_HOME").empty()) {
            data_dir = env("XDG_DATA_HOME") + "/uketsuke/cardsim";
        } else if (!env("HOME").empty()) {
            data_dir = env("HOME") + "/.local/share/uketsuke/cardsim";
        } else {
            data_dir = "cardsim-data";
        }
    }
    if (auto g = uk::pki::ensure_generated(data_dir); !g) {
        std::fprintf(stderr, "uketsuke-cardsim: %s\n", g.error().c_str());
        return 1;
    }
    if (list) {
        auto names = list_identities(data_dir);
        if (!names) {
            std::fprintf(stderr, "uketsuke-cardsim: %s\n", names.error().c_str());
            return 1;
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& name : *names) {
            auto id = load_identity(data_dir, name);
            if (!id) {
                std::fprintf(stderr, "uketsuke-cardsim: %s\n", id.error().c_str());
                return 1;
            }
            out.push_back({{"name", id->name},
                           {"pin", id->pin},
                           {"match_code_b", id->match_code_b},
                           {"photo", id->face_jp2.has_value()},
                           {"state",
                            {{"certificate", id->cert_state},
                             {"auth_pin_tries_left", id->counters.auth_pin_tries_left},
                             {"auth_pin_blocked", id->counters.auth_pin_tries_left == 0},
                             {"match_code_b_tries_left", id->counters.match_code_b_tries_left}}}});
        }
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    if (photo && photo->extension() != ".jp2") {  // any other image: convert it to the card's form first
        auto jp2 = card_photo_from_image(*photo);
        if (!jp2) {
            std::fprintf(stderr, "uketsuke-cardsim: %s\n", jp2.error().c_str());
            return 1;
        }
        photo.reset();
        auto loaded = load_identity(data_dir, identity);
        if (loaded) loaded->face_jp2 = std::move(*jp2);
        return run(std::move(loaded), reset, vo, faults);
    }
    return run(load_identity(data_dir, identity, photo), reset, vo, faults);
}

namespace {
int run(uk::Result<uk::cardsim::Identity> id, bool reset, const uk::cardsim::VpcdOptions& vo,
        const uk::cardsim::Faults& faults) {
    using namespace uk::cardsim;
    if (!id) {
        std::fprintf(stderr, "uketsuke-cardsim: %s\n", id.error().c_str());
        return 1;
    }
    if (reset) {
        if (auto r = reset_counters(*id); !r) {
            std::fprintf(stderr, "uketsuke-cardsim: %s\n", r.error().c_str());
            return 1;
        }
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    SimulatedCard card(std::move(*id), faults);
    auto r = serve_vpcd(card, vo, g_stop);
    if (!r) {
        std::fprintf(stderr, "uketsuke-cardsim: %s\n", r.error().c_str());
        return 1;
    }
    std::fprintf(stderr, "uketsuke-cardsim: card removed (%s) after %zu APDUs\n", r->c_str(),
                 card.apdu_count());
    return 0;
}
}  // namespace
