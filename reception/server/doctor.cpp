#include "reception/server/doctor.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <httplib.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "reception/store/store.h"

namespace uk::reception {
namespace {

namespace fs = std::filesystem;
using doctor::CheckResult;
using doctor::fail;
using doctor::ok;
using doctor::warn;

CheckResult check_data(const ServiceConfig& cfg) {
    std::error_code ec;
    fs::path dir = cfg.data_dir;
    if (!fs::exists(dir, ec))
        return warn("data", kDoctorData, dir.string() + " does not exist yet",
                    "`serve` makes it on first start");
    fs::path probe = dir / (".doctor-" + std::to_string(::getpid()));
    {
        std::ofstream out(probe);
        if (!(out << "x"))
            return fail("data", kDoctorData, dir.string() + " is not writable",
                        "chown it to the service user");
    }
    fs::remove(probe, ec);
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
        return warn("data", kDoctorData, dir.string() + " is readable by other users",
                    "chmod 700 " + dir.string() + " (it holds check-ins and the TLS key)");
    return ok("data", kDoctorData, dir.string() + " is writable and private");
}

CheckResult check_store(const ServiceConfig& cfg) {
    if (cfg.store == "postgres") {
        auto s = open_pg_store(cfg.postgres);
        if (!s)
            return fail("store", kDoctorStore, "PostgreSQL: " + s.error(),
                        "check [store] postgres and the server");
        auto p = (*s)->ping();
        if (!p) return fail("store", kDoctorStore, "PostgreSQL does not answer: " + p.error(), "");
        return ok("store", kDoctorStore, "PostgreSQL answers");
    }
    fs::path db = fs::path(cfg.data_dir) / "reception.db";
    if (!fs::exists(db))
        return warn("store", kDoctorStore, db.string() + " does not exist yet", "`serve` makes it");
    auto s = open_sqlite_store(db.string());
    if (!s) return fail("store", kDoctorStore, db.string() + ": " + s.error(), "restore it from a backup");
    auto p = (*s)->ping();
    if (!p) return fail("store", kDoctorStore, db.string() + ": " + p.error(), "");
    auto n = (*s)->count_entries();
    return ok("store", kDoctorStore,
              "SQLite " + db.string() + (n ? " (" + std::to_string(*n) + " queue entries)" : ""));
}

CheckResult check_tls(const ServiceConfig& cfg) {
    std::string cert = cfg.tls_cert.empty() ? cfg.data_dir + "/tls/cert.pem" : cfg.tls_cert;
    std::string key = cfg.tls_key.empty() ? cfg.data_dir + "/tls/key.pem" : cfg.tls_key;
    if (!fs::exists(cert)) {
        if (cfg.tls_cert.empty())
            return warn("tls", kDoctorTls, "no certificate yet",
                        "`serve` makes a self-signed one on first start");
        return fail("tls", kDoctorTls, cert + " is missing",
                    "fix [tls] cert or remove it to use a self-signed one");
    }
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(cert.c_str(), "r"), &std::fclose);
    if (!f) return fail("tls", kDoctorTls, cert + " cannot be read", "check its permissions");
    std::unique_ptr<X509, void (*)(X509*)> x(PEM_read_X509(f.get(), nullptr, nullptr, nullptr), &X509_free);
    if (!x) return fail("tls", kDoctorTls, cert + " is not a PEM certificate", "replace it");
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(x.get())) != 1)
        return fail("tls", kDoctorTls, "cannot read the expiry of " + cert, "");
    if (days < 0 || (days == 0 && secs <= 0))
        return fail("tls", kDoctorTls, cert + " has expired",
                    "renew it; kiosks pinning it must be re-enrolled");
    struct stat st {};
    if (::stat(key.c_str(), &st) != 0) return fail("tls", kDoctorTls, key + " is missing", "restore the key");
    if ((st.st_mode & 0077) != 0)
        return fail("tls", kDoctorTls, key + " is readable by other users", "chmod 600 " + key);
    if (days < 30)
        return warn("tls", kDoctorTls, cert + " expires in " + std::to_string(days) + " days",
                    "renew it soon; kiosks pinning it must be re-enrolled");
    return ok("tls", kDoctorTls, cert + " valid for " + std::to_string(days) + " more days");
}

CheckResult check_listen(const ServiceConfig& cfg) {
    std::string where = cfg.host + ":" + std::to_string(cfg.port);
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* ai = nullptr;
    if (getaddrinfo(cfg.host.c_str(), std::to_string(cfg.port).c_str(), &hints, &ai) != 0 || !ai)
        return fail("listen", kDoctorListen, cfg.host + " is not an address of this machine",
                    "fix [server] listen");
    int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bool free_port = fd >= 0 && ::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    if (fd >= 0) ::close(fd);
    freeaddrinfo(ai);
    if (free_port) return ok("listen", kDoctorListen, where + " is free for the service");
    // Taken: by the service itself (fine) or by another program.
    httplib::SSLClient cli(cfg.host, cfg.port);
    cli.enable_server_certificate_verification(false);
    cli.set_connection_timeout(2, 0);
    auto res = cli.Get("/healthz");
    if (res && res->status == 200 && res->body.find("\"ok\"") != std::string::npos)
        return ok("listen", kDoctorListen, "the service answers on " + where + " and is healthy");
    return fail("listen", kDoctorListen, where + " is taken by another program",
                "stop it or choose another port with --listen HOST:PORT");
}

}  // namespace

std::vector<doctor::CheckResult> reception_doctor(const Result<ServiceConfig>& config) {
    std::vector<CheckResult> out;
    if (!config) {
        out.push_back(
            fail("config", kDoctorConfig, config.error(), "fix the configuration file (docs/reception.md)"));
        out.push_back(doctor::check_clock(kDoctorClock));
        return out;
    }
    const ServiceConfig& cfg = *config;
    out.push_back(ok("config", kDoctorConfig, "configuration is valid"));
    out.push_back(check_data(cfg));
    out.push_back(check_store(cfg));
    out.push_back(check_tls(cfg));
    out.push_back(check_listen(cfg));
    out.push_back(doctor::check_clock(kDoctorClock));
    out.push_back(doctor::check_disk(cfg.data_dir, kDoctorDisk));
    return out;
}

}  // namespace uk::reception
