// Helpers for the reception and queue tests: temp folders, sample records, an in-process reception over real
// HTTPS on loopback, a staff client that logs in like the monitor does, an SSE listener, a raw TLS client for
// malformed traffic, and a scratch PostgreSQL database on the cluster tests/reception/pg_fixture.sh started.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/record.h"
#include "platform/net/https_transport.h"
#include "reception/server/auth.h"
#include "reception/server/service.h"
#include "reception/server/tls.h"
#include "reception/store/store.h"

namespace uk::testing {

using nlohmann::json;

class SystemClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

inline const SystemClock& system_clock() {
    static SystemClock c;
    return c;
}

// [SECTION] Files

class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "uk-test.XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

// [SECTION] Records

// A loopback port nobody listens on right now (the kernel picks it; closed again at once).
inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline std::string make_uuid(std::uint64_t seed) {
    static std::mt19937_64 rng{std::random_device{}()};
    static std::mutex mu;
    unsigned char b[16];
    std::lock_guard lock(mu);
    std::uint64_t r1 = rng() ^ seed, r2 = rng();
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(r1 >> (8 * i));
        b[8 + i] = static_cast<unsigned char>(r2 >> (8 * i));
    }
    return uuid_v4_from_bytes(b);
}

inline CheckinRecord sample_record(const std::string& kiosk_id = "kiosk-1", int ticket = 1) {
    CheckinRecord r;
    r.record_id = make_uuid(static_cast<std::uint64_t>(ticket));
    r.facility_code = "1312345678";
    r.facility_type = FacilityType::Clinic;
    r.kiosk_id = kiosk_id;
    r.started_at = *parse_rfc3339("2026-11-25T01:30:00.000Z");
    r.completed_at = *parse_rfc3339("2026-11-25T01:31:12.345Z");
    r.language = "ja";
    r.kiosk_ticket = ticket % 10000;
    r.verification.method = VerificationMethod::Face;
    r.verification.face = FaceEvidence{0.31, 0.45, "arcface-112", true, "blink"};
    r.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed},
                  {ConsentItem::HealthCheckup, ConsentAnswer::Refused}};
    r.certificate = CertificateRef{"1a2b3c", "CN=Test JPKI User Auth CA,O=Uketsuke Test,C=JP",
                                   "2030-03-31T14:59:59.000Z"};
    return r;
}

// [SECTION] In-process reception over HTTPS on loopback

struct Reception {
    TempDir dir;
    std::unique_ptr<reception::Store> store;
    reception::TlsFiles tls;
    reception::ServiceConfig cfg;
    std::unique_ptr<reception::ReceptionService> service;
    int port = 0;

    // `store` null = a fresh SQLite store in the temp dir.
    explicit Reception(std::unique_ptr<reception::Store> s = nullptr,
                       std::function<void(reception::ServiceConfig&)> tweak = nullptr, int fixed_port = 0,
                       std::function<void(reception::ReceptionService&)> before_start = nullptr)
        : before_start_(std::move(before_start)) {
        reception::init_crypto();
        if (!s) {
            auto opened = reception::open_sqlite_store(dir.file("reception.db"));
            if (!opened) throw std::runtime_error(opened.error());
            s = std::move(*opened);
        }
        store = std::move(s);
        auto t = reception::ensure_self_signed(dir.file("tls"), "127.0.0.1");
        if (!t) throw std::runtime_error(t.error());
        tls = *t;
        cfg.host = "127.0.0.1";
        cfg.port = fixed_port;
        cfg.data_dir = dir.path();
        cfg.threads = 24;
        cfg.max_event_streams = 8;
        cfg.sse_keepalive_s = 1;
        if (tweak) tweak(cfg);
        start();
    }
    ~Reception() { stop(); }

    void start() {
        service = std::make_unique<reception::ReceptionService>(cfg, *store, system_clock(), tls);
        if (before_start_) before_start_(*service);
        auto p = service->start();
        if (!p) throw std::runtime_error(p.error());
        port = *p;
        cfg.port = port;
    }
    void stop() {
        if (service) service->stop();
        service.reset();
    }

    std::string add_kiosk(const std::string& id) {
        std::string token = "ukk_" + reception::random_token(32);
        auto ok = store->put_kiosk(id, reception::sha256_hex(token), system_clock().wall_now());
        if (!ok) throw std::runtime_error(ok.error());
        return token;
    }
    void add_user(const std::string& name, reception::Role role, const std::string& password) {
        auto h = reception::hash_password(password);
        auto ok = store->put_user({name, role, *h});
        if (!ok) throw std::runtime_error(ok.error());
    }
    HttpsTransportConfig transport_config(const std::string& token) const {
        HttpsTransportConfig c;
        c.host = "127.0.0.1";
        c.port = port;
        c.pinned_cert_path = tls.cert_path;
        c.token = token;
        return c;
    }
    std::function<void(reception::ReceptionService&)> before_start_;

    std::unique_ptr<httplib::SSLClient> client() const {
        auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
        c->set_ca_cert_path(tls.cert_path.c_str());
        c->enable_server_certificate_verification(true);
        c->set_read_timeout(std::chrono::seconds(10));
        return c;
    }
};

// A logged-in staff member, as the monitor page would be.
class StaffClient {
  public:
    StaffClient(const Reception& r, const std::string& name, const std::string& password) : c_(r.client()) {
        auto res = c_->Post("/api/v1/login", json{{"name", name}, {"password", password}}.dump(),
                            "application/json");
        if (!res || res->status != 200) throw std::runtime_error("staff log-in failed");
        std::string set_cookie = res->get_header_value("Set-Cookie");
        cookie_ = set_cookie.substr(0, set_cookie.find(';'));
        csrf_ = json::parse(res->body)["csrf"].get<std::string>();
    }
    httplib::Result get(const std::string& path) { return c_->Get(path, {{"Cookie", cookie_}}); }
    httplib::Result post(const std::string& path, bool with_csrf = true) {
        httplib::Headers h{{"Cookie", cookie_}};
        if (with_csrf) h.emplace("X-CSRF-Token", csrf_);
        return c_->Post(path, h, "", "application/json");
    }
    const std::string& cookie() const { return cookie_; }
    const std::string& csrf() const { return csrf_; }

  private:
    std::unique_ptr<httplib::SSLClient> c_;
    std::string cookie_, csrf_;
};

// Listens to /api/v1/events on a thread and collects (event, data) pairs.
class EventListener {
  public:
    struct Event {
        std::string type;
        json data;
        std::chrono::steady_clock::time_point at;
    };
    EventListener(const Reception& r, const std::string& cookie) : c_(r.client()) {
        c_->set_read_timeout(std::chrono::seconds(60));
        thread_ = std::thread([this, cookie] {
            auto res = c_->Get("/api/v1/events", {{"Cookie", cookie}}, [this](const char* d, std::size_t n) {
                feed(std::string(d, n));
                return !stop_.load();
            });
            std::lock_guard lock(mu_);
            status_ = res ? res->status : -1;
            ended_ = true;
            cv_.notify_all();
        });
    }
    ~EventListener() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    // Waits for an event of `type` whose data satisfies pred.
    std::optional<Event> wait_for(const std::string& type, std::function<bool(const json&)> pred,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        std::unique_lock lock(mu_);
        std::optional<Event> found;
        cv_.wait_for(lock, timeout, [&] {
            for (const auto& e : events_)
                if (e.type == type && pred(e.data)) {
                    found = e;
                    return true;
                }
            return ended_;
        });
        return found;
    }
    bool wait_hello(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return wait_for(
                   "hello", [](const json&) { return true; }, timeout)
            .has_value();
    }
    int ended_status(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, timeout, [&] { return ended_; });
        return ended_ ? status_ : 0;
    }

  private:
    void feed(const std::string& chunk) {
        std::lock_guard lock(mu_);
        buf_ += chunk;
        std::size_t end;
        while ((end = buf_.find("\n\n")) != std::string::npos) {
            std::string frame = buf_.substr(0, end);
            buf_.erase(0, end + 2);
            Event e;
            e.at = std::chrono::steady_clock::now();
            std::size_t pos = 0;
            while (pos < frame.size()) {
                auto nl = frame.find('\n', pos);
                if (nl == std::string::npos) nl = frame.size();
                std::string line = frame.substr(pos, nl - pos);
                if (line.rfind("event: ", 0) == 0) e.type = line.substr(7);
                if (line.rfind("data: ", 0) == 0) e.data = json::parse(line.substr(6), nullptr, false);
                pos = nl + 1;
            }
            if (!e.type.empty()) events_.push_back(std::move(e));
        }
        cv_.notify_all();
    }
    std::unique_ptr<httplib::SSLClient> c_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    std::string buf_;
    std::vector<Event> events_;
    bool ended_ = false;
    int status_ = 0;
};

// [SECTION] Raw TLS (for traffic httplib's client would not send)

class RawTls {
  public:
    explicit RawTls(int port) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        connected_ = SSL_connect(ssl_) == 1;
    }
    ~RawTls() {
        if (ssl_) SSL_free(ssl_);
        if (fd_ >= 0) ::close(fd_);
        SSL_CTX_free(ctx_);
    }
    bool connected() const { return connected_; }
    bool send(const std::string& s) { return SSL_write(ssl_, s.data(), static_cast<int>(s.size())) > 0; }
    // Reads until the peer closes, `until` has arrived, or `timeout` passes; returns what arrived.
    std::string read_all(std::chrono::milliseconds timeout, const std::string& until = "") {
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string out;
        char buf[4096];
        for (;;) {
            int n = SSL_read(ssl_, buf, sizeof buf);
            if (n <= 0) {
                closed_ = SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ && errno != EAGAIN;
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
            if (!until.empty() && out.find(until) != std::string::npos) break;
        }
        return out;
    }
    bool closed() const { return closed_; }

  private:
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
};

// [SECTION] PostgreSQL scratch database

#ifdef UK_PG_STATE_DIR
inline std::string pg_admin_conninfo() {
    std::ifstream f(std::string(UK_PG_STATE_DIR) + "/conninfo");
    std::string s;
    std::getline(f, s);
    return s;
}

// A fresh database on the fixture's cluster, dropped at the end.
class PgScratchDb {
  public:
    PgScratchDb() {
        admin_ = pg_admin_conninfo();
        if (admin_.empty()) throw std::runtime_error("no PostgreSQL fixture: run pg_fixture.sh start");
        name_ = "uk_t_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++);
        exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        exec("CREATE DATABASE " + name_);
    }
    ~PgScratchDb() { exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
    std::string conninfo() const { return admin_ + " dbname=" + name_; }

  private:
    static int& counter() {
        static int c = 0;
        return c;
    }
    void exec(const std::string& sql) {
        PGconn* c = PQconnectdb(admin_.c_str());
        PGresult* r = PQexec(c, sql.c_str());
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        std::string err = PQerrorMessage(c);
        PQclear(r);
        PQfinish(c);
        if (!ok) throw std::runtime_error(sql + ": " + err);
    }
    std::string admin_, name_;
};
#endif

}  // namespace uk::testing
