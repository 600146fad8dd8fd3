// The facility IT side of uketsuke-kiosk: --check-config, --doctor and --set-admin-pin, and the paths they
// share with the kiosk.
#include <sodium.h>

#include <cstdlib>
#include <iostream>

#include "kiosk/app/app.h"
#include "kiosk/app/reception_link.h"
#include "kiosk/config/config.h"
#include "platform/doctor/doctor.h"

namespace uk::app {

std::filesystem::path resolve_data_dir(const AppOptions& options) {
    if (!options.data_dir.empty()) return options.data_dir;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::filesystem::path(x) / "uketsuke";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".local/share/uketsuke";
    return std::filesystem::temp_directory_path() / "uketsuke";
}

std::filesystem::path resolve_models_dir(const AppOptions& options, const std::string& configured) {
    if (!options.models_dir.empty()) return options.models_dir;
    if (!configured.empty()) return configured;
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    for (auto p : {std::filesystem::path("models"), exe.parent_path() / "../../../../models",
                   std::filesystem::path("/usr/share/uketsuke/models")})
        if (std::filesystem::exists(p / "faceplugin")) return p;
    return {};
}

int check_config(const std::filesystem::path& file, const std::filesystem::path& data_dir) {
    auto r = config::load_kiosk_config(file);
    for (const auto& e : r.errors)
        std::cerr << e.message() << "\n";
    if (!r.config) {
        std::cerr << r.errors.size() << (r.errors.size() == 1 ? " problem" : " problems") << " in "
                  << file.string() << "\n";
        return 2;
    }
    const auto& c = *r.config;
    std::cout << file.string() << ": valid (facility " << c.flow.facility.code << " "
              << to_string(c.flow.facility.type) << ", kiosk " << c.flow.kiosk_id << ", card "
              << c.card.transport << ", reception " << c.reception.url << ")\n";
    std::filesystem::path setup = data_dir / config::kSetupFileName;
    std::error_code ec;
    if (!std::filesystem::exists(setup, ec)) {
        std::cout << setup.string()
                  << ": none yet (a real kiosk opens its set-up pages at the first start)\n";
        return 0;
    }
    config::KioskConfig merged = c;
    auto errors = config::apply_setup_file(merged, setup);
    for (const auto& e : errors)
        std::cerr << e.message() << "\n";
    if (!errors.empty()) {
        std::cerr << errors.size() << (errors.size() == 1 ? " problem" : " problems") << " in "
                  << setup.string() << "\n";
        return 2;
    }
    std::string langs;
    for (const auto& l : merged.languages)
        langs += (langs.empty() ? "" : ",") + l;
    std::cout << setup.string() << ": valid (reader \"" << merged.card.reader << "\", camera "
              << (merged.camera.enabled ? merged.camera.device : "off") << ", languages " << langs << ")\n";
    return 0;
}

int run_doctor(const AppOptions& options) {
    doctor::DoctorOptions o;
    // The configuration file (or the embedded defaults) with the set-up file the kiosk's set-up pages wrote.
    std::filesystem::path setup = resolve_data_dir(options) / config::kSetupFileName;
    auto r = config::load_kiosk_config_with_setup(options.config, resolve_data_dir(options));
    if (!r.config) {
        for (const auto& e : r.errors)
            std::cout << "[FAIL] config: " << e.message() << "\n";
        std::cout << "fix the configuration first (uketsuke-kiosk --check-config "
                  << (options.config.empty() ? std::string("FILE") : options.config.string()) << " --data "
                  << resolve_data_dir(options).string() << ")\n";
        return 2;
    }
    o.config = *r.config;
    std::cout << "[ok  ] config: "
              << (options.config.empty() ? std::string("none given, checking the embedded defaults")
                                         : options.config.string() + " is valid")
              << (std::filesystem::exists(setup) ? " (with " + setup.string() + ")" : std::string()) << "\n";
    if (!options.camera.empty()) o.config.camera.device = options.camera;
    if (!options.card.empty()) o.config.card.transport = options.card;
    o.data_dir = resolve_data_dir(options);
    auto files = reception_files(o.config.reception, o.data_dir);  // an enrolment's files count
    o.config.reception.token_file = files.token_file;
    o.config.reception.ca_file = files.ca_file;
    o.models_dir = resolve_models_dir(options, o.config.face.models_dir);
    if (o.models_dir.empty()) o.models_dir = "models";
    return doctor::report(doctor::run_all(o), std::cout);
}

int set_admin_pin(std::istream& in, std::ostream& out, std::ostream& err) {
    if (sodium_init() < 0) {
        err << "libsodium failed to start\n";
        return 2;
    }
    std::string a, b;
    std::getline(in, a);
    std::getline(in, b);
    auto digits_ok = [](const std::string& s) {
        if (s.size() < 4 || s.size() > 8) return false;
        for (char c : s)
            if (c < '0' || c > '9') return false;
        return true;
    };
    bool ok = digits_ok(a) && a == b;
    std::string problem = !digits_ok(a) ? "the admin PIN must be 4 to 8 digits" : "the two PINs differ";
    char hash[crypto_pwhash_STRBYTES] = {};
    if (ok && crypto_pwhash_str(hash, a.c_str(), a.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        ok = false;
        problem = "out of memory while hashing";
    }
    sodium_memzero(a.data(), a.size());
    sodium_memzero(b.data(), b.size());
    if (!ok) {
        err << problem << "\n";
        return 2;
    }
    out << "admin_pin_hash = \"" << hash << "\"  # under [kiosk] in kiosk.toml\n";
    return 0;
}

}  // namespace uk::app
