// uketsuke-reception: the clinic's reception service and its administration commands.
//
//   uketsuke-reception serve [--config FILE] [--data DIR] [--listen HOST:PORT]
//   uketsuke-reception kiosk add KIOSK_ID [--config FILE] [--data DIR]     prints the kiosk's token
//   uketsuke-reception kiosk invite KIOSK_ID [--minutes 15] [--config FILE] [--data DIR]
//       prints a one-time enrolment code to type on the kiosk and the certificate's fingerprint
//   uketsuke-reception user add NAME --role ROLE [--config FILE] [--data DIR]  reads the password from stdin
//
// Exit codes: 0 done, 1 runtime failure (message on stderr), 2 usage or configuration error.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/queue/enrolment_proof.h"
#include "platform/system/log.h"
#include "reception/qualification/reception_hook.h"
#include "reception/server/auth.h"
#include "reception/server/config.h"
#include "reception/server/doctor.h"
#include "reception/server/service.h"
#include "reception/server/tls.h"

namespace uk::reception {
namespace {

class SystemClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

constexpr const char* kUsage =
    "usage:\n"
    "  uketsuke-reception serve [--config FILE] [--data DIR] [--listen HOST:PORT]\n"
    "  uketsuke-reception kiosk add KIOSK_ID [--config FILE] [--data DIR]\n"
    "  uketsuke-reception kiosk invite KIOSK_ID [--minutes 15] [--config FILE] [--data DIR]\n"
    "      (a one-time code to type on the kiosk's set-up screen, 1..1440 minutes)\n"
    "  uketsuke-reception user add NAME --role clerk|doctor|pharmacist|admin [--config FILE] [--data DIR]\n"
    "      (the password is read from standard input, one line)\n"
    "  uketsuke-reception --doctor [--config FILE] [--data DIR] [--listen HOST:PORT]\n"
    "      (checks configuration, data folder, store, TLS, listen address, clock, disk; exit code = failed "
    "bits)\n";

int usage(const std::string& why) {
    if (!why.empty()) std::cerr << "uketsuke-reception: " << why << "\n";
    std::cerr << kUsage;
    return 2;
}

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
};

uk::Result<Args> parse_args(int argc, char** argv, std::initializer_list<std::string_view> known) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        if (s.rfind("--", 0) == 0) {
            std::string key = s, value;
            if (auto eq = s.find('='); eq != std::string::npos) {
                key = s.substr(0, eq);
                value = s.substr(eq + 1);
            } else {
                if (i + 1 >= argc) return uk::Error{s + " needs a value"};
                value = argv[++i];
            }
            bool ok = false;
            for (auto k : known)
                ok = ok || key == k;
            if (!ok) return uk::Error{"unknown option " + key};
            a.options[key] = value;
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

uk::Result<ServiceConfig> make_config(const Args& a) {
    ServiceConfig cfg;
    if (auto it = a.options.find("--config"); it != a.options.end()) {
        auto c = load_config_file(it->second);
        if (!c) return uk::Error{c.error()};
        cfg = *c;
    }
    if (auto it = a.options.find("--data"); it != a.options.end()) cfg.data_dir = it->second;
    if (auto it = a.options.find("--listen"); it != a.options.end()) {
        if (auto ok = apply_listen(cfg, it->second); !ok) return uk::Error{ok.error()};
    }
    if (auto ok = finish_config(cfg); !ok) return uk::Error{ok.error()};
    return cfg;
}

uk::Result<std::unique_ptr<Store>> open_store(const ServiceConfig& cfg) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) return uk::Error{"cannot create the data folder " + cfg.data_dir + ": " + ec.message()};
    ::chmod(cfg.data_dir.c_str(), 0700);
    if (cfg.store == "postgres") return open_pg_store(cfg.postgres);
    return open_sqlite_store(cfg.data_dir + "/reception.db");
}

volatile sig_atomic_t g_signal = 0;
volatile sig_atomic_t g_reopen = 0;

int serve(const Args& a) {
    namespace lg = uk::log;
    auto cfg = make_config(a);
    if (!cfg) return usage(cfg.error());
    lg::LogConfig lc{"uketsuke-reception", lg::parse_level(cfg->log_level).value_or(lg::Level::Info), true,
                     cfg->log_file};
    lc.max_file_bytes = static_cast<std::size_t>(cfg->log_max_bytes);
    lc.max_files = cfg->log_files;
    if (auto ok = lg::configure(lc); !ok) {
        std::cerr << "uketsuke-reception: " << ok.error() << "\n";
        return 1;
    }
    auto store = open_store(*cfg);
    if (!store) {
        lg::error(store.error());
        return 1;
    }
    TlsFiles tls{cfg->tls_cert, cfg->tls_key, false};
    if (tls.cert_path.empty()) {
        auto made = ensure_self_signed(cfg->data_dir + "/tls", cfg->host);
        if (!made) {
            lg::error(made.error());
            return 1;
        }
        tls = *made;
    }
    SystemClock clock;
    ReceptionService service(*cfg, **store, clock, tls);
    // Issue 8: the qualification simulator, when its folder was set up (uketsuke-qualification seed).
    auto qual = qualification::ReceptionQualification::open(cfg->data_dir, clock);
    if (qual) {
        auto* q = qual->get();
        service.set_extension(
            {[q](CheckinRecord& rec) { return q->fill(rec); },
             [q](httplib::Server& s, ServiceExtension::KioskAuth k, ServiceExtension::StaffAuth st) {
                 q->register_routes(s, {std::move(k), std::move(st)});
             },
             [q, &clock](const std::string& kiosk_id, const std::string& pem) {
                 return q->register_kiosk_key(kiosk_id, pem, "enrolment", clock.wall_now());
             }});
    }
    auto port = service.bind();
    if (!port) {
        lg::error(port.error());
        return 1;
    }
    auto fp = certificate_fingerprint(tls.cert_path);
    std::string host = cfg->host.find(':') != std::string::npos ? "[" + cfg->host + "]" : cfg->host;
    lg::info("listening on https://" + host + ":" + std::to_string(*port) + "/",
             {lg::field("data", cfg->data_dir), lg::field("store", std::string((*store)->backend()))});
    lg::info("certificate " + tls.cert_path + (tls.created ? " (made just now, self-signed)" : ""),
             {lg::field("fingerprint", fp ? *fp : fp.error())});
    lg::info(qual ? "qualification: simulator in " +
                        qualification::ReceptionQualification::folder(cfg->data_dir).string()
                  : "qualification: off: " + qual.error());
    if (!cfg->log_file.empty()) lg::info("log file " + cfg->log_file + " (SIGHUP reopens it)");
    auto users = (*store)->count_users();
    if (users && *users == 0)
        lg::warn(
            "no staff user yet: add an administrator with `uketsuke-reception user add NAME --role admin "
            "--data " +
            cfg->data_dir +
            "` and enrol each kiosk from its set-up screen with a code from "
            "`uketsuke-reception kiosk invite KIOSK_ID --data " +
            cfg->data_dir + "`");

    struct sigaction sa {};
    sa.sa_handler = [](int sig) {
        if (sig == SIGHUP)
            g_reopen = 1;
        else
            g_signal = sig;
    };
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    std::thread watcher([&] {
        while (!g_signal) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (g_reopen) {
                g_reopen = 0;
                if (auto ok = lg::global().reopen(); !ok) lg::error(ok.error());
            }
        }
        lg::info("stopping (signal " + std::to_string(g_signal) + ")");
        service.stop();
    });
    service.run();
    g_signal = g_signal ? g_signal : SIGTERM;
    watcher.join();
    lg::info("stopped");
    return 0;
}

bool valid_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

int kiosk_add(const Args& a) {
    if (a.positional.size() != 3) return usage("kiosk add takes one KIOSK_ID");
    const std::string& id = a.positional[2];
    if (!valid_id(id)) return usage("KIOSK_ID: use 1..64 letters, digits, '-', '_' or '.'");
    auto cfg = make_config(a);
    if (!cfg) return usage(cfg.error());
    auto store = open_store(*cfg);
    if (!store) {
        std::cerr << "uketsuke-reception: " << store.error() << "\n";
        return 1;
    }
    std::string token = "ukk_" + random_token(32);
    auto ok = (*store)->put_kiosk(id, sha256_hex(token), std::chrono::system_clock::now());
    if (!ok) {
        std::cerr << "uketsuke-reception: " << ok.error() << "\n";
        return 1;
    }
    std::cerr << "kiosk " << id
              << " enrolled; its token (shown once, store it in the kiosk's configuration):\n";
    std::cout << token << "\n";
    return 0;
}

// A one-time enrolment code for KIOSK_ID (docs/reception.md "Enrolling a kiosk from the kiosk"). The code is
// shown once; the store keeps only the Argon2id key derived from it.
int kiosk_invite(const Args& a) {
    if (a.positional.size() != 3) return usage("kiosk invite takes one KIOSK_ID");
    const std::string& id = a.positional[2];
    if (!valid_id(id)) return usage("KIOSK_ID: use 1..64 letters, digits, '-', '_' or '.'");
    long minutes = 15;
    if (auto it = a.options.find("--minutes"); it != a.options.end()) {
        const std::string& v = it->second;
        if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stol(v) < 1 || std::stol(v) > 1440)
            return usage("--minutes: a whole number of minutes, 1..1440");
        minutes = std::stol(v);
    }
    auto cfg = make_config(a);
    if (!cfg) return usage(cfg.error());
    auto store = open_store(*cfg);
    if (!store) {
        std::cerr << "uketsuke-reception: " << store.error() << "\n";
        return 1;
    }
    // The certificate `serve` will present: the configured one, else the self-signed one (made now if new).
    std::string cert = cfg->tls_cert;
    if (cert.empty()) {
        auto made = ensure_self_signed(cfg->data_dir + "/tls", cfg->host);
        if (!made) {
            std::cerr << "uketsuke-reception: " << made.error() << "\n";
            return 1;
        }
        cert = made->cert_path;
    }
    auto fp = certificate_fingerprint(cert);
    if (!fp) {
        std::cerr << "uketsuke-reception: " << fp.error() << "\n";
        return 1;
    }
    std::string code = uk::enrolment::new_code();
    auto normal = uk::enrolment::normalise_code(code);
    auto key = normal ? uk::enrolment::derive_key(*normal)
                      : uk::Result<uk::enrolment::Key>(uk::Error{normal.error()});
    if (!key) {
        std::cerr << "uketsuke-reception: " << key.error() << "\n";
        return 1;
    }
    auto now = std::chrono::system_clock::now();
    std::int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    EnrolmentInvite inv{id, uk::enrolment::key_to_hex(*key), now_ms, now_ms + minutes * 60 * 1000, 0, 0};
    if (auto ok = (*store)->put_enrolment_invite(inv); !ok) {
        std::cerr << "uketsuke-reception: " << ok.error() << "\n";
        return 1;
    }
    std::time_t until = std::chrono::system_clock::to_time_t(now + std::chrono::minutes(minutes));
    char until_text[32];
    std::strftime(until_text, sizeof until_text, "%Y-%m-%d %H:%M", std::localtime(&until));
    std::cout
        << "kiosk:       " << id << "\n"
        << "code:        " << code << "\n"
        << "valid until: " << until_text << " (" << minutes << " min, one use; a new invite replaces it)\n"
        << "fingerprint: " << *fp << "\n"
        << "On the kiosk's set-up screen type the kiosk id and the code; check that the fingerprint the "
           "kiosk shows afterwards is this one.\n";
    return 0;
}

int user_add(const Args& a) {
    if (a.positional.size() != 3) return usage("user add takes one NAME");
    const std::string& name = a.positional[2];
    if (!valid_id(name)) return usage("NAME: use 1..64 letters, digits, '-', '_' or '.'");
    auto role_it = a.options.find("--role");
    if (role_it == a.options.end()) return usage("user add needs --role");
    auto role = parse_role(role_it->second);
    if (!role) return usage("--role: expected clerk, doctor, pharmacist or admin");
    auto cfg = make_config(a);
    if (!cfg) return usage(cfg.error());
    if (::isatty(STDIN_FILENO)) std::cerr << "password for " << name << ": " << std::flush;
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    auto rules = check_password_rules(password);
    if (!rules) {
        wipe(password);
        std::cerr << "uketsuke-reception: " << rules.error() << "\n";
        return 2;
    }
    auto hash = hash_password(password);
    wipe(password);
    if (!hash) {
        std::cerr << "uketsuke-reception: " << hash.error() << "\n";
        return 1;
    }
    auto store = open_store(*cfg);
    if (!store) {
        std::cerr << "uketsuke-reception: " << store.error() << "\n";
        return 1;
    }
    auto ok = (*store)->put_user(StaffUser{name, *role, *hash});
    if (!ok) {
        std::cerr << "uketsuke-reception: " << ok.error() << "\n";
        return 1;
    }
    std::cout << "user " << name << " (" << to_string(*role) << ") saved\n";
    return 0;
}

}  // namespace
}  // namespace uk::reception

int main(int argc, char** argv) {
    using namespace uk::reception;
    if (!init_crypto()) {
        std::cerr << "uketsuke-reception: cannot initialise libsodium\n";
        return 1;
    }
    ::signal(SIGPIPE, SIG_IGN);
    ::umask(077);  // the database (and its WAL), keys and tokens are for this user only
    // --doctor is a flag (no value), unlike every other option: take it out before parsing.
    std::vector<char*> rest;
    bool run_doctor = false;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && std::string_view(argv[i]) == "--doctor")
            run_doctor = true;
        else
            rest.push_back(argv[i]);
    }
    auto args = parse_args(static_cast<int>(rest.size()), rest.data(),
                           {"--config", "--data", "--listen", "--role", "--minutes"});
    if (!args) return usage(args.error());
    const auto& p = args->positional;
    if (run_doctor) {
        if (!p.empty()) return usage("--doctor takes no command");
        return uk::doctor::report(reception_doctor(make_config(*args)), std::cout);
    }
    if (p.empty()) return usage("");
    if (p[0] == "serve" && p.size() == 1) return serve(*args);
    if (p[0] == "kiosk" && p.size() >= 2 && p[1] == "add") return kiosk_add(*args);
    if (p[0] == "kiosk" && p.size() >= 2 && p[1] == "invite") return kiosk_invite(*args);
    if (p[0] == "user" && p.size() >= 2 && p[1] == "add") return user_add(*args);
    return usage("unknown command: " + p[0]);
}
