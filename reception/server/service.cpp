// The reception's HTTPS service. Index:
//   [SECTION] Helpers         JSON replies, content type, cookies
//   [SECTION] Event hub       store changes -> SSE frames for every open monitor stream
//   [SECTION] Impl            server set-up, limits, security headers
//   [SECTION] Kiosk API       check-ins, heartbeats, alerts, visual-check requests
//   [SECTION] Staff API       log-in, session, queue, actions, events
#include "reception/server/service.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "kiosk/queue/enrolment_proof.h"
#include "platform/system/log.h"
#include "reception/server/auth.h"
#include "reception/server/metrics.h"
#include "reception/server/web_assets.h"

namespace uk::reception {

using nlohmann::json;

namespace {

// [SECTION] Helpers

void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void reply_error(httplib::Response& res, int status, const std::string& message) {
    reply(res, status, json{{"error", message}, {"status", status}});
}

bool is_json_content(const httplib::Request& req) {
    std::string ct = req.get_header_value("Content-Type");
    auto semi = ct.find(';');
    std::string base = ct.substr(0, semi);
    while (!base.empty() && base.back() == ' ')
        base.pop_back();
    for (auto& c : base)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return base == "application/json";
}

std::string cookie_value(const httplib::Request& req, std::string_view name) {
    std::string all = req.get_header_value("Cookie");
    std::size_t pos = 0;
    while (pos < all.size()) {
        auto end = all.find(';', pos);
        if (end == std::string::npos) end = all.size();
        std::string_view part(all.data() + pos, end - pos);
        while (!part.empty() && part.front() == ' ')
            part.remove_prefix(1);
        if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
            return std::string(part.substr(name.size() + 1));
        pos = end + 1;
    }
    return {};
}

std::int64_t unix_ms(WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Strict small-object reader for the non-record kiosk/staff bodies: unknown keys are errors naming the key.
class BodyReader {
  public:
    static Result<json> parse(const std::string& body) {
        if (auto bad = first_invalid_utf8(body); bad != std::string_view::npos)
            return Error{"body is not valid UTF-8 (byte " + std::to_string(bad) + ")"};
        json j = json::parse(body, nullptr, false);
        if (j.is_discarded()) return Error{"malformed JSON"};
        if (!j.is_object()) return Error{"expected a JSON object"};
        return j;
    }
    static Result<bool> only(const json& j, std::initializer_list<std::string_view> keys) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            bool ok = false;
            for (auto k : keys)
                ok = ok || it.key() == k;
            if (!ok) return Error{it.key() + ": unknown field"};
        }
        return true;
    }
    static Result<std::string> string(const json& j, const char* key, std::size_t max, bool required = true) {
        auto it = j.find(key);
        if (it == j.end()) {
            if (required) return Error{std::string(key) + ": is required"};
            return std::string();
        }
        if (!it->is_string()) return Error{std::string(key) + ": expected a string"};
        std::string s = it->get<std::string>();
        if (s.size() > max)
            return Error{std::string(key) + ": longer than " + std::to_string(max) + " bytes"};
        return s;
    }
    static Result<long long> integer(const json& j, const char* key, long long lo, long long hi) {
        auto it = j.find(key);
        if (it == j.end()) return Error{std::string(key) + ": is required"};
        if (!it->is_number_integer()) return Error{std::string(key) + ": expected an integer"};
        long long v = it->get<long long>();
        if (v < lo || v > hi)
            return Error{std::string(key) + ": must be " + std::to_string(lo) + ".." + std::to_string(hi)};
        return v;
    }
};

bool one_of(const std::string& v, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (v == a) return true;
    return false;
}

// [SECTION] Event hub

class EventHub {
  public:
    struct Stream {
        std::mutex mu;
        std::condition_variable cv;
        std::deque<std::string> frames;
        bool closed = false;
    };

    EventHub(Store& store, std::size_t max_streams) : store_(store), max_streams_(max_streams) {
        worker_ = std::thread([this] { run(); });
    }
    ~EventHub() { shutdown(); }

    void shutdown() {
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
            stopping_ = true;
        }
        cv_.notify_all();
        if (worker_.joinable()) worker_.join();
        std::lock_guard lock(mu_);
        for (auto& s : streams_)
            close(*s);
        streams_.clear();
    }

    void on_change(const Change& c) {
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
            changes_.push_back(c);
        }
        cv_.notify_one();
    }

    // nullptr when the stream limit is reached.
    std::shared_ptr<Stream> subscribe() {
        std::lock_guard lock(mu_);
        if (stopping_ || streams_.size() >= max_streams_) return nullptr;
        auto s = std::make_shared<Stream>();
        streams_.push_back(s);
        return s;
    }
    void unsubscribe(const std::shared_ptr<Stream>& s) {
        std::lock_guard lock(mu_);
        std::erase(streams_, s);
    }
    std::size_t stream_count() {
        std::lock_guard lock(mu_);
        return streams_.size();
    }

  private:
    static void close(Stream& s) {
        {
            std::lock_guard lock(s.mu);
            s.closed = true;
        }
        s.cv.notify_all();
    }

    std::string frame_for(const Change& c) {
        json data;
        switch (c.kind) {
            case Change::Kind::Entry: {
                auto e = store_.get_entry(c.id);
                if (!e || !e->has_value()) return {};
                data = entry_to_json(**e);
                break;
            }
            case Change::Kind::Heartbeat: {
                auto hs = store_.list_heartbeats();
                if (!hs) return {};
                for (const auto& h : *hs)
                    if (h.kiosk_id == c.id) data = heartbeat_to_json(h);
                if (data.is_null()) return {};
                break;
            }
            case Change::Kind::VisualCheck: {
                auto v = store_.get_visual_check(c.id);
                if (!v || !v->has_value()) return {};
                data = visual_check_to_json(**v);
                break;
            }
            case Change::Kind::Alert: {
                auto a = store_.get_alert(std::stoll(c.id));
                if (!a || !a->has_value()) return {};
                data = alert_to_json(**a);
                break;
            }
        }
        return "event: " + std::string(to_string(c.kind)) + "\ndata: " + data.dump() + "\n\n";
    }

    void run() {
        for (;;) {
            Change c;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stopping_ || !changes_.empty(); });
                if (stopping_) return;
                c = changes_.front();
                changes_.pop_front();
            }
            std::string frame = frame_for(c);
            if (frame.empty()) continue;
            std::vector<std::shared_ptr<Stream>> targets;
            {
                std::lock_guard lock(mu_);
                targets = streams_;
            }
            for (auto& s : targets) {
                bool overflow = false;
                {
                    std::lock_guard lock(s->mu);
                    // A stream that fell this far behind is closed; its page reconnects and reloads the
                    // queue.
                    if (s->frames.size() >= 2000)
                        overflow = true;
                    else
                        s->frames.push_back(frame);
                }
                if (overflow) close(*s);
                s->cv.notify_all();
            }
        }
    }

    Store& store_;
    std::size_t max_streams_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Change> changes_;
    std::vector<std::shared_ptr<Stream>> streams_;
    bool stopping_ = false;
    std::thread worker_;
};

// Caps concurrent Argon2id verifications (each takes 64 MiB) and slows down guessing per user name.
class LoginGuard {
  public:
    bool allowed(const std::string& name, std::int64_t now_ms) {
        std::lock_guard lock(mu_);
        auto& f = failures_[name];
        if (now_ms - f.first_ms > kWindowMs) f = {};
        return f.count < kMaxFailures;
    }
    void failed(const std::string& name, std::int64_t now_ms) {
        std::lock_guard lock(mu_);
        auto& f = failures_[name];
        if (f.count == 0 || now_ms - f.first_ms > kWindowMs) f = {0, now_ms};
        ++f.count;
        if (failures_.size() > 10000) failures_.clear();
    }
    void succeeded(const std::string& name) {
        std::lock_guard lock(mu_);
        failures_.erase(name);
    }
    void enter() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return hashing_ < 2; });
        ++hashing_;
    }
    void leave() {
        {
            std::lock_guard lock(mu_);
            --hashing_;
        }
        cv_.notify_one();
    }

  private:
    static constexpr int kMaxFailures = 5;
    static constexpr std::int64_t kWindowMs = 5 * 60 * 1000;
    struct Failures {
        int count = 0;
        std::int64_t first_ms = 0;
    };
    std::mutex mu_;
    std::condition_variable cv_;
    int hashing_ = 0;
    std::map<std::string, Failures> failures_;
};

// Attempts at POST /api/v1/kiosks/enrol per source address in a sliding 10-minute window.
class EnrolGuard {
  public:
    explicit EnrolGuard(int limit) : limit_(limit) {}
    bool admit(const std::string& source, std::int64_t now_ms) {
        std::lock_guard lock(mu_);
        auto& times = seen_[source];
        std::erase_if(times, [&](std::int64_t t) { return now_ms - t > kWindowMs; });
        if (static_cast<int>(times.size()) >= limit_) return false;
        times.push_back(now_ms);
        if (seen_.size() > 10000) seen_.clear();
        return true;
    }

  private:
    static constexpr std::int64_t kWindowMs = 10 * 60 * 1000;
    int limit_;
    std::mutex mu_;
    std::map<std::string, std::vector<std::int64_t>> seen_;
};

// The DER of the first certificate in a PEM file (what the kiosk sees in the TLS handshake); empty on error.
std::string leaf_der(const std::string& cert_path) {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(cert_path.c_str(), "r"), &std::fclose);
    if (!f) return {};
    std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                                &X509_free);
    if (!cert) return {};
    unsigned char* der = nullptr;
    int n = i2d_X509(cert.get(), &der);
    if (n <= 0) return {};
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

bool is_ed25519_public_pem(const std::string& pem) {
    std::unique_ptr<BIO, int (*)(BIO*)> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                          &BIO_free);
    if (!b) return false;
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> k(PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr),
                                                     &EVP_PKEY_free);
    return k && EVP_PKEY_is_a(k.get(), "ED25519");
}

bool valid_kiosk_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

void reply_refusal(httplib::Response& res, int status, const char* reason, const std::string& message) {
    reply(res, status, json{{"error", message}, {"status", status}, {"reason", reason}});
}

}  // namespace

// [SECTION] Impl

struct ReceptionService::Impl {
    ServiceConfig cfg;
    Store& store;
    const Clock& clock;
    TlsFiles tls;
    std::unique_ptr<httplib::SSLServer> server;
    EventHub hub;
    LoginGuard logins;
    std::thread thread;
    std::atomic<bool> stopping{false};
    ServiceExtension extension;
    Metrics metrics;
    std::mutex fill_mu;
    EnrolGuard enrol_guard;
    std::string cert_der;  // the leaf certificate kiosks see; the enrolment proofs are bound to it
    std::once_flag dummy_once;
    std::string dummy_hash;  // verified against when the user name is unknown, so timing does not tell

    // Made on first use: an Argon2id hash costs ~0.2 s and 64 MiB, which a restart should not pay.
    const std::string& dummy() {
        std::call_once(dummy_once, [this] {
            auto h = hash_password(random_token(16));
            if (h) dummy_hash = *h;
        });
        return dummy_hash;
    }

    Impl(ServiceConfig c, Store& s, const Clock& k, TlsFiles t)
        : cfg(std::move(c)),
          store(s),
          clock(k),
          tls(std::move(t)),
          hub(s, static_cast<std::size_t>(cfg.max_event_streams)),
          enrol_guard(cfg.enrol_attempts),
          cert_der(leaf_der(tls.cert_path)) {
        store.set_change_listener([this](const Change& ch) { hub.on_change(ch); });
        server = std::make_unique<httplib::SSLServer>(tls.cert_path.c_str(), tls.key_path.c_str());
        if (server->is_valid()) {
            SSL_CTX_set_min_proto_version(server->ssl_context(), TLS1_2_VERSION);
        }
        configure();
    }

    ~Impl() { store.set_change_listener(nullptr); }

    // [SECTION] Server set-up
    void configure() {
        auto& s = *server;
        int threads = cfg.threads;
        s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
        s.set_payload_max_length(cfg.max_body_bytes);
        s.set_read_timeout(cfg.read_timeout_s, 0);
        s.set_write_timeout(cfg.write_timeout_s, 0);
        s.set_keep_alive_max_count(1000);
        s.set_keep_alive_timeout(5);
        s.set_tcp_nodelay(true);
        s.set_default_headers({
            {"Content-Security-Policy",
             "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src "
             "'self'; "
             "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"},
            {"X-Content-Type-Options", "nosniff"},
            {"X-Frame-Options", "DENY"},
            {"Referrer-Policy", "no-referrer"},
            {"Strict-Transport-Security", "max-age=31536000"},
            {"Cache-Control", "no-store"},
            {"Cross-Origin-Opener-Policy", "same-origin"},
            {"Cross-Origin-Resource-Policy", "same-origin"},
        });
        s.set_error_handler(
            httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
                if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
                std::string msg;
                switch (res.status) {
                    case 400:
                        msg = "bad request: malformed request line or headers (at most 8192 bytes per line)";
                        break;
                    case 404:
                        msg = "no such resource: " + req.path;
                        break;
                    case 405:
                        msg = "method not allowed";
                        break;
                    case 413:
                        msg = "request body too large";
                        break;
                    case 414:
                        msg = "request URI too long (at most 8192 bytes)";
                        break;
                    default:
                        msg = "request refused (HTTP " + std::to_string(res.status) + ")";
                }
                reply_error(res, res.status, msg);
                return httplib::Server::HandlerResponse::Handled;
            }));
        s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown error";
            try {
                if (ep) std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            uk::log::error("internal error on " + std::string("request: ") + what);
            reply_error(res, 500, "internal error: " + what);
        });
        // Size check before the body is read: a declared Content-Length over the limit is refused at once.
        s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            if (req.has_header("Content-Length")) {
                std::string v = req.get_header_value("Content-Length");
                std::size_t len = v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos
                                      ? std::size_t(-1)
                                      : std::stoull("0" + v);
                if (len > cfg.max_body_bytes) {
                    reply_error(res, 413,
                                "request body too large: " + std::to_string(len) + " bytes, the limit is " +
                                    std::to_string(cfg.max_body_bytes));
                    return httplib::Server::HandlerResponse::Handled;
                }
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });

        s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
            auto p = store.ping();
            if (!p)
                return reply(res, 503,
                             {{"status", "unavailable"}, {"store", store.backend()}, {"error", p.error()}});
            reply(res, 200,
                  {{"status", "ok"}, {"store", store.backend()}, {"event_streams", hub.stream_count()}});
        });
        // Prometheus text format; aggregates only (reception/server/metrics.h).
        s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(metrics.render(clock.wall_now()), "text/plain; version=0.0.4; charset=utf-8");
        });
        // Refused check-ins are counted by status after any handler (or the size check) answered; every
        // request gets one access-log line (method, path, status, source; never a body, header or query).
        s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            if (req.method == "POST" && req.path == "/api/v1/checkins" && res.status >= 400)
                metrics.checkin_refused(res.status);
            access_log(req, res);
        });
        s.Get("/", [](const httplib::Request&, httplib::Response& res) { serve_asset("/", res); });
        s.Get(R"(/static/([A-Za-z0-9_.-]+))",
              [](const httplib::Request& req, httplib::Response& res) { serve_asset(req.path, res); });

        kiosk_routes();
        staff_routes();
    }

    static void access_log(const httplib::Request& req, const httplib::Response& res) {
        namespace lg = uk::log;
        bool routine = (req.method == "GET" && res.status < 400) || req.path == "/api/v1/kiosk/heartbeat";
        lg::Level level = res.status >= 500   ? lg::Level::Error
                          : res.status >= 400 ? lg::Level::Warn
                          : routine           ? lg::Level::Debug
                                              : lg::Level::Info;
        if (!lg::global().enabled(level)) return;
        std::string line = req.method + " " + req.path + " " + std::to_string(res.status);
        if (req.path == "/api/v1/kiosks/enrol") {
            // The answer carries the token on success: only its kiosk id, or the refusal's reason, is read.
            json j = json::parse(res.body, nullptr, false);
            if (j.is_object() && j.contains("reason") && j["reason"].is_string())
                line += " enrolment refused: " + j["reason"].get<std::string>();
            else if (j.is_object() && j.contains("kiosk_id") && j["kiosk_id"].is_string())
                line += " kiosk " + j["kiosk_id"].get<std::string>() + " enrolled (face key " +
                        j.value("face_key", std::string("?")) + ")";
        } else if (res.status >= 400) {
            json j = json::parse(res.body, nullptr, false);
            if (j.is_object() && j.contains("error") && j["error"].is_string())
                line += ": " + j["error"].get<std::string>().substr(0, 300);
        }
        lg::global().write(level, line, {lg::field("from", req.remote_addr)});
    }

    static void serve_asset(const std::string& path, httplib::Response& res) {
        const WebAsset* a = find_web_asset(path);
        if (!a) return reply_error(res, 404, "no such file: " + path);
        res.set_content(std::string(a->body), std::string(a->content_type));
    }

    // [SECTION] Kiosk API

    // The kiosk id for a valid bearer token, or nullopt after writing the 401.
    std::optional<std::string> kiosk_auth(const httplib::Request& req, httplib::Response& res) {
        std::string h = req.get_header_value("Authorization");
        constexpr std::string_view kBearer = "Bearer ";
        if (h.size() <= kBearer.size() || h.compare(0, kBearer.size(), kBearer) != 0) {
            res.set_header("WWW-Authenticate", "Bearer realm=\"uketsuke\"");
            reply_error(res, 401, "missing kiosk credentials: send Authorization: Bearer <kiosk token>");
            return std::nullopt;
        }
        auto kiosk = store.kiosk_for_token_hash(sha256_hex(std::string_view(h).substr(kBearer.size())));
        if (!kiosk) {
            reply_error(res, 503, kiosk.error());
            return std::nullopt;
        }
        if (!kiosk->has_value()) {
            res.set_header("WWW-Authenticate", "Bearer realm=\"uketsuke\", error=\"invalid_token\"");
            reply_error(res, 401,
                        "unknown kiosk token: enrol the kiosk again (`uketsuke-reception kiosk invite "
                        "KIOSK_ID`, then the "
                        "kiosk's set-up screen)");
            return std::nullopt;
        }
        return **kiosk;
    }

    bool require_json(const httplib::Request& req, httplib::Response& res) {
        if (is_json_content(req)) return true;
        reply_error(res, 415,
                    "unsupported content type \"" + req.get_header_value("Content-Type") +
                        "\": send application/json");
        return false;
    }

    // POST /api/v1/kiosks/enrol (docs/api.md, docs/reception.md "Enrolling a kiosk from the kiosk").
    void enrol(const httplib::Request& req, httplib::Response& res) {
        namespace en = uk::enrolment;
        std::int64_t now = unix_ms(clock.wall_now());
        if (!enrol_guard.admit(req.remote_addr, now)) {
            res.set_header("Retry-After", "600");
            return reply_refusal(res, 429, "rate_limited",
                                 "too many enrolment attempts from this address: wait 10 minutes");
        }
        if (!require_json(req, res)) return;
        auto j = BodyReader::parse(req.body);
        if (!j) return reply_refusal(res, 400, "bad_request", j.error());
        if (auto ok = BodyReader::only(*j, {"kiosk_id", "code_proof", "channel_proof", "face_public_key"});
            !ok)
            return reply_refusal(res, 400, "bad_request", ok.error());
        auto kiosk_id = BodyReader::string(*j, "kiosk_id", 64);
        if (!kiosk_id) return reply_refusal(res, 400, "bad_request", kiosk_id.error());
        if (!valid_kiosk_id(*kiosk_id))
            return reply_refusal(res, 400, "bad_request",
                                 "kiosk_id: use 1..64 letters, digits, '-', '_' or '.'");
        auto code_proof = BodyReader::string(*j, "code_proof", 64);
        if (!code_proof) return reply_refusal(res, 400, "bad_request", code_proof.error());
        auto channel_proof = BodyReader::string(*j, "channel_proof", 64);
        if (!channel_proof) return reply_refusal(res, 400, "bad_request", channel_proof.error());
        auto face_key = BodyReader::string(*j, "face_public_key", 2048);
        if (!face_key) return reply_refusal(res, 400, "bad_request", face_key.error());
        if (!is_ed25519_public_pem(*face_key))
            return reply_refusal(res, 400, "bad_request",
                                 "face_public_key: expected an Ed25519 public key (PEM)");
        if (cert_der.empty())
            return reply_refusal(res, 500, "server_error", "the reception cannot read its own certificate");

        auto invites = store.list_enrolment_invites();
        if (!invites) return reply_refusal(res, 503, "server_error", invites.error());
        const EnrolmentInvite* match = nullptr;
        std::optional<en::Key> key;
        bool has_invite = false;
        for (const auto& inv : *invites) {
            has_invite = has_invite || inv.kiosk_id == *kiosk_id;
            auto k = en::key_from_hex(inv.key_hex);
            if (k && en::proof_equal(en::code_proof(*k, *kiosk_id), *code_proof)) {
                match = &inv;
                key = *k;
                break;
            }
        }
        if (!match) {
            if (!has_invite)
                return reply_refusal(res, 403, "no_invite",
                                     "no enrolment code was made for kiosk \"" + *kiosk_id +
                                         "\": run `uketsuke-reception kiosk invite " + *kiosk_id + "`");
            auto n = store.count_enrolment_failure(*kiosk_id);
            return reply_refusal(res, 403, "wrong_code",
                                 "wrong enrolment code for kiosk \"" + *kiosk_id + "\" (" +
                                     std::to_string(n ? *n : 0) + " of 5 tries; then make a new code)");
        }
        if (match->kiosk_id != *kiosk_id)
            return reply_refusal(res, 403, "kiosk_id_mismatch",
                                 "this code was made for kiosk \"" + match->kiosk_id + "\", not \"" +
                                     *kiosk_id + "\": type the kiosk id the code was made for");
        if (match->used_ms != 0)
            return reply_refusal(
                res, 410, "used_code",
                "this enrolment code was already used: make a new one with `uketsuke-reception "
                "kiosk invite " +
                    *kiosk_id + "`");
        if (match->failures >= 5)
            return reply_refusal(
                res, 410, "too_many_tries",
                "this code is void after 5 wrong tries: make a new one with `uketsuke-reception "
                "kiosk invite " +
                    *kiosk_id + "`");
        if (match->expires_ms <= now)
            return reply_refusal(
                res, 410, "expired_code",
                "this enrolment code has expired: make a new one with `uketsuke-reception kiosk "
                "invite " +
                    *kiosk_id + "`");
        std::string key_hex = match->key_hex;
        if (!en::proof_equal(en::channel_proof(*key, *kiosk_id, cert_der, *face_key), *channel_proof)) {
            // The kiosk saw another certificate than ours: someone sits between them. The code is spent.
            (void)store.use_enrolment_invite(*kiosk_id, key_hex, now);
            return reply_refusal(
                res, 403, "certificate_mismatch",
                "the kiosk saw a different TLS certificate than the reception's (fingerprint " +
                    en::fingerprint_of_der(cert_der) +
                    "): possible interception; the code is void, check the network and make a "
                    "new code");
        }
        auto used = store.use_enrolment_invite(*kiosk_id, key_hex, now);
        if (!used) return reply_refusal(res, 503, "server_error", used.error());
        if (!*used)
            return reply_refusal(res, 410, "used_code",
                                 "this enrolment code was already used: make a new one");
        std::string face_status = "not_registered";
        if (extension.register_kiosk_key) {
            auto r = extension.register_kiosk_key(*kiosk_id, *face_key);
            if (!r)
                return reply_refusal(res, 500, "server_error",
                                     "cannot register the kiosk's face-statement key (" + r.error() +
                                         "); the code is used up: make a new one");
            face_status = "registered";
        }
        std::string token = "ukk_" + random_token(32);
        auto put = store.put_kiosk(*kiosk_id, sha256_hex(token), clock.wall_now());
        if (!put) return reply_refusal(res, 503, "server_error", put.error() + "; make a new code");
        reply(res, 201,
              {{"kiosk_id", *kiosk_id},
               {"token", token},
               {"answer_proof", en::answer_proof(*key, cert_der, *kiosk_id, token)},
               {"face_key", face_status},
               {"certificate_fingerprint", en::fingerprint_of_der(cert_der)}});
        wipe(token);
    }

    void kiosk_routes() {
        auto& s = *server;
        s.Post("/api/v1/kiosks/enrol",
               [this](const httplib::Request& req, httplib::Response& res) { enrol(req, res); });
        s.Post("/api/v1/checkins", [this](const httplib::Request& req, httplib::Response& res) {
            auto started = std::chrono::steady_clock::now();
            auto kiosk = kiosk_auth(req, res);
            if (!kiosk) return;
            if (!require_json(req, res)) return;
            if (auto bad = first_invalid_utf8(req.body); bad != std::string_view::npos)
                return reply_error(res, 400, "body is not valid UTF-8 (byte " + std::to_string(bad) + ")");
            auto rec = parse_checkin_record(req.body);
            if (!rec) return reply_error(res, 400, rec.error());
            if (rec->kiosk_id != *kiosk)
                return reply_error(res, 403,
                                   "kiosk_id: \"" + rec->kiosk_id +
                                       "\" does not match the kiosk these credentials belong to");
            if (rec->qualification.status != QualificationStatus::Pending)
                return reply_error(res, 400,
                                   "qualification.status: must be \"pending\"; the reception fills it");
            json answer{{"record_id", rec->record_id}};
            if (extension.fill_record) {
                std::lock_guard lock(fill_mu);
                answer["qualification"] = extension.fill_record(*rec);
            }
            std::string canonical = to_json_string(*rec);
            auto out = store.insert_checkin(*rec, canonical, *kiosk, clock.wall_now());
            if (!out) return reply_error(res, 503, out.error());
            switch (*out) {
                case InsertOutcome::Created:
                    metrics.checkin_stored(*rec, std::chrono::duration_cast<std::chrono::microseconds>(
                                                     std::chrono::steady_clock::now() - started));
                    answer["result"] = "created";
                    return reply(res, 201, answer);
                case InsertOutcome::Duplicate:
                    answer["result"] = "duplicate";
                    return reply(res, 200, answer);
                case InsertOutcome::Conflict:
                    return reply_error(
                        res, 409,
                        "record_id: " + rec->record_id + " was already received with other content");
            }
        });

        s.Post("/api/v1/kiosk/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
            auto kiosk = kiosk_auth(req, res);
            if (!kiosk) return;
            if (!require_json(req, res)) return;
            auto j = BodyReader::parse(req.body);
            if (!j) return reply_error(res, 400, j.error());
            if (auto ok = BodyReader::only(*j, {"reader", "camera", "outbox_depth", "version"}); !ok)
                return reply_error(res, 400, ok.error());
            auto reader = BodyReader::string(*j, "reader", 16);
            if (!reader) return reply_error(res, 400, reader.error());
            if (!one_of(*reader, {"ok", "no_reader", "no_card_service", "error"}))
                return reply_error(res, 400, "reader: expected ok, no_reader, no_card_service or error");
            auto camera = BodyReader::string(*j, "camera", 16);
            if (!camera) return reply_error(res, 400, camera.error());
            if (!one_of(*camera, {"ok", "none", "error"}))
                return reply_error(res, 400, "camera: expected ok, none or error");
            auto depth = BodyReader::integer(*j, "outbox_depth", 0, 1000000000);
            if (!depth) return reply_error(res, 400, depth.error());
            auto version = BodyReader::string(*j, "version", 40, false);
            if (!version) return reply_error(res, 400, version.error());
            Heartbeat h{*kiosk, format_rfc3339(clock.wall_now()), *reader, *camera, *depth, *version};
            auto ok = store.put_heartbeat(h);
            if (!ok) return reply_error(res, 503, ok.error());
            metrics.heartbeat(*kiosk, *depth, clock.wall_now());
            res.status = 204;
        });

        s.Post("/api/v1/kiosk/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            auto kiosk = kiosk_auth(req, res);
            if (!kiosk) return;
            if (!require_json(req, res)) return;
            auto j = BodyReader::parse(req.body);
            if (!j) return reply_error(res, 400, j.error());
            if (auto ok = BodyReader::only(*j, {"kind", "message"}); !ok)
                return reply_error(res, 400, ok.error());
            auto kind = BodyReader::string(*j, "kind", 32);
            if (!kind) return reply_error(res, 400, kind.error());
            if (!is_alert_kind(*kind))
                return reply_error(
                    res, 400,
                    "kind: expected staff_help, card_blocked, card_error, camera_lost, reader_lost or "
                    "other");
            auto message = BodyReader::string(*j, "message", 500, false);
            if (!message) return reply_error(res, 400, message.error());
            auto a = store.add_alert(
                Alert{0, *kiosk, *kind, *message, format_rfc3339(clock.wall_now()), false, ""});
            if (!a) return reply_error(res, 503, a.error());
            reply(res, 201, alert_to_json(*a));
        });

        s.Post("/api/v1/visual-checks", [this](const httplib::Request& req, httplib::Response& res) {
            auto kiosk = kiosk_auth(req, res);
            if (!kiosk) return;
            if (!require_json(req, res)) return;
            auto j = BodyReader::parse(req.body);
            if (!j) return reply_error(res, 400, j.error());
            if (auto ok = BodyReader::only(*j, {"id", "kiosk_ticket"}); !ok)
                return reply_error(res, 400, ok.error());
            auto id = BodyReader::string(*j, "id", 36);
            if (!id) return reply_error(res, 400, id.error());
            if (!is_uuid(*id)) return reply_error(res, 400, "id: expected a lowercase UUID");
            auto ticket = BodyReader::integer(*j, "kiosk_ticket", 0, 9999);
            if (!ticket) return reply_error(res, 400, ticket.error());
            VisualCheck v{*id,
                          *kiosk,
                          static_cast<int>(*ticket),
                          format_rfc3339(clock.wall_now()),
                          VisualCheckState::Pending,
                          "",
                          ""};
            auto out = store.create_visual_check(v);
            if (!out) return reply_error(res, 409, out.error());
            reply(res, out->created_at == v.created_at ? 201 : 200, visual_check_to_json(*out));
        });

        s.Get(R"(/api/v1/visual-checks/([0-9a-f-]{36}))",
              [this](const httplib::Request& req, httplib::Response& res) {
                  auto kiosk = kiosk_auth(req, res);
                  if (!kiosk) return;
                  auto v = store.get_visual_check(req.matches[1]);
                  if (!v) return reply_error(res, 503, v.error());
                  if (!v->has_value() || (*v)->kiosk_id != *kiosk)
                      return reply_error(
                          res, 404, "no visual check " + std::string(req.matches[1]) + " for this kiosk");
                  reply(res, 200, visual_check_to_json(**v));
              });
    }

    // [SECTION] Staff API

    std::optional<Session> staff_auth(const httplib::Request& req, httplib::Response& res,
                                      bool state_changing) {
        std::string token = cookie_value(req, "uk_session");
        if (token.empty()) {
            reply_error(res, 401, "not logged in");
            return std::nullopt;
        }
        auto s = store.get_session(sha256_hex(token), unix_ms(clock.wall_now()));
        if (!s) {
            reply_error(res, 503, s.error());
            return std::nullopt;
        }
        if (!s->has_value()) {
            reply_error(res, 401, "session expired or unknown: log in again");
            return std::nullopt;
        }
        if (state_changing && !secret_equal(req.get_header_value("X-CSRF-Token"), (*s)->csrf)) {
            reply_error(res, 403, "missing or wrong X-CSRF-Token header");
            return std::nullopt;
        }
        return **s;
    }

    std::string session_cookie(const std::string& value, int max_age) const {
        return "uk_session=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
               "; Secure; HttpOnly; SameSite=Strict";
    }

    void staff_routes() {
        auto& s = *server;
        s.Post("/api/v1/login", [this](const httplib::Request& req, httplib::Response& res) {
            if (!require_json(req, res)) return;
            auto j = BodyReader::parse(req.body);
            if (!j) return reply_error(res, 400, j.error());
            if (auto ok = BodyReader::only(*j, {"name", "password"}); !ok)
                return reply_error(res, 400, ok.error());
            auto name = BodyReader::string(*j, "name", 64);
            if (!name) return reply_error(res, 400, name.error());
            auto password = BodyReader::string(*j, "password", 256);
            if (!password) return reply_error(res, 400, password.error());
            std::int64_t now = unix_ms(clock.wall_now());
            if (!logins.allowed(*name, now))
                return reply_error(res, 429, "too many failed log-ins for this name: wait 5 minutes");
            auto user = store.get_user(*name);
            if (!user) return reply_error(res, 503, user.error());
            logins.enter();
            bool ok = user->has_value() ? verify_password((*user)->password_hash, *password)
                                        : (verify_password(dummy(), *password), false);
            logins.leave();
            wipe(*password);
            if (!ok) {
                logins.failed(*name, now);
                return reply_error(res, 401, "wrong name or password");
            }
            logins.succeeded(*name);
            (void)store.purge_sessions(now);  // expired sessions are not kept (least retention)
            std::string token = random_token(32);
            Session ses{sha256_hex(token), (*user)->name, (*user)->role, random_token(24),
                        now + std::int64_t{cfg.session_hours} * 3600 * 1000};
            auto put = store.put_session(ses);
            if (!put) return reply_error(res, 503, put.error());
            res.set_header("Set-Cookie", session_cookie(token, cfg.session_hours * 3600));
            reply(res, 200, {{"name", ses.user}, {"role", to_string(ses.role)}, {"csrf", ses.csrf}});
        });

        s.Post("/api/v1/logout", [this](const httplib::Request& req, httplib::Response& res) {
            auto ses = staff_auth(req, res, true);
            if (!ses) return;
            (void)store.delete_session(ses->token_hash);
            res.set_header("Set-Cookie", session_cookie("", 0));
            res.status = 204;
        });

        s.Get("/api/v1/session", [this](const httplib::Request& req, httplib::Response& res) {
            auto ses = staff_auth(req, res, false);
            if (!ses) return;
            reply(res, 200, {{"name", ses->user}, {"role", to_string(ses->role)}, {"csrf", ses->csrf}});
        });

        s.Get("/api/v1/queue", [this](const httplib::Request& req, httplib::Response& res) {
            auto ses = staff_auth(req, res, false);
            if (!ses) return;
            auto entries = store.list_entries(cfg.queue_limit);
            auto visual = store.list_visual_checks(true);
            auto beats = store.list_heartbeats();
            auto alerts = store.list_alerts(true);
            if (!entries || !visual || !beats || !alerts)
                return reply_error(res, 503,
                                   !entries  ? entries.error()
                                   : !visual ? visual.error()
                                   : !beats  ? beats.error()
                                             : alerts.error());
            json out{{"server_time", format_rfc3339(clock.wall_now())},
                     {"entries", json::array()},
                     {"visual_checks", json::array()},
                     {"kiosks", json::array()},
                     {"alerts", json::array()}};
            for (const auto& e : *entries)
                out["entries"].push_back(entry_to_json(e));
            for (const auto& v : *visual)
                out["visual_checks"].push_back(visual_check_to_json(v));
            for (const auto& h : *beats)
                out["kiosks"].push_back(heartbeat_to_json(h));
            for (const auto& a : *alerts)
                out["alerts"].push_back(alert_to_json(a));
            reply(res, 200, out);
        });

        s.Post(R"(/api/v1/entries/([0-9a-f-]{36})/(call|start|finish|cancel))",
               [this](const httplib::Request& req, httplib::Response& res) {
                   auto ses = staff_auth(req, res, true);
                   if (!ses) return;
                   auto action = parse_entry_action(std::string(req.matches[2]));
                   auto cur = store.get_entry(req.matches[1]);
                   if (!cur) return reply_error(res, 503, cur.error());
                   if (!cur->has_value())
                       return reply_error(res, 404,
                                          "no queue entry with record id " + std::string(req.matches[1]));
                   auto e = store.act_on_entry(req.matches[1], *action, ses->user, clock.wall_now());
                   if (!e) return reply_error(res, 409, e.error());
                   reply(res, 200, entry_to_json(*e));
               });

        s.Post(R"(/api/v1/visual-checks/([0-9a-f-]{36})/(confirm|reject))",
               [this](const httplib::Request& req, httplib::Response& res) {
                   auto ses = staff_auth(req, res, true);
                   if (!ses) return;
                   auto cur = store.get_visual_check(req.matches[1]);
                   if (!cur) return reply_error(res, 503, cur.error());
                   if (!cur->has_value())
                       return reply_error(res, 404, "no visual check " + std::string(req.matches[1]));
                   auto v = store.resolve_visual_check(req.matches[1], req.matches[2] == "confirm", ses->user,
                                                       clock.wall_now());
                   if (!v) return reply_error(res, 409, v.error());
                   reply(res, 200, visual_check_to_json(*v));
               });

        s.Post(R"(/api/v1/alerts/([0-9]{1,18})/ack)",
               [this](const httplib::Request& req, httplib::Response& res) {
                   auto ses = staff_auth(req, res, true);
                   if (!ses) return;
                   auto a = store.ack_alert(std::stoll(req.matches[1]), ses->user);
                   if (!a) return reply_error(res, 404, a.error());
                   reply(res, 200, alert_to_json(*a));
               });

        s.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
            auto ses = staff_auth(req, res, false);
            if (!ses) return;
            auto stream = hub.subscribe();
            if (!stream) {
                res.set_header("Retry-After", "5");
                return reply_error(res, 503,
                                   "too many open monitor streams; close a tab or raise "
                                   "limits.max_event_streams");
            }
            res.set_header("X-Accel-Buffering", "no");
            auto first = std::make_shared<bool>(true);
            res.set_chunked_content_provider(
                "text/event-stream",
                [this, stream, first](std::size_t, httplib::DataSink& sink) {
                    if (*first) {
                        *first = false;
                        std::string hello = "retry: 2000\nevent: hello\ndata: {}\n\n";
                        return sink.write(hello.data(), hello.size());
                    }
                    std::deque<std::string> frames;
                    {
                        std::unique_lock lock(stream->mu);
                        stream->cv.wait_for(lock, std::chrono::seconds(cfg.sse_keepalive_s),
                                            [&] { return stream->closed || !stream->frames.empty(); });
                        if (stream->closed || stopping) return false;
                        frames.swap(stream->frames);
                    }
                    if (frames.empty()) {
                        static constexpr char kPing[] = ": keep-alive\n\n";
                        return sink.write(kPing, sizeof kPing - 1);
                    }
                    std::string out;
                    for (auto& f : frames)
                        out += f;
                    return sink.write(out.data(), out.size());
                },
                [this, stream](bool) { hub.unsubscribe(stream); });
        });
    }
};

ReceptionService::ReceptionService(ServiceConfig cfg, Store& store, const Clock& clock, TlsFiles tls)
    : impl_(std::make_unique<Impl>(std::move(cfg), store, clock, std::move(tls))) {}

void ReceptionService::set_extension(ServiceExtension ext) {
    Impl& im = *impl_;
    im.extension = std::move(ext);
    if (!im.extension.add_routes) return;
    ServiceExtension::KioskAuth kiosk = [&im](const httplib::Request& req, httplib::Response& res) {
        return im.kiosk_auth(req, res);
    };
    ServiceExtension::StaffAuth staff =
        [&im](const httplib::Request& req, httplib::Response& res,
              bool state_changing) -> std::optional<std::pair<std::string, std::string>> {
        auto s = im.staff_auth(req, res, state_changing);
        if (!s) return std::nullopt;
        return std::make_pair(s->user, std::string(to_string(s->role)));
    };
    im.extension.add_routes(*im.server, kiosk, staff);
}

ReceptionService::~ReceptionService() {
    stop();
}

Result<int> ReceptionService::bind() {
    auto& s = *impl_->server;
    if (!s.is_valid())
        return Error{"cannot load the TLS certificate " + impl_->tls.cert_path + " and key " +
                     impl_->tls.key_path};
    if (impl_->cfg.port == 0) {
        int port = s.bind_to_any_port(impl_->cfg.host);
        if (port < 0) return Error{"cannot listen on " + impl_->cfg.host + " (any port)"};
        return port;
    }
    if (!s.bind_to_port(impl_->cfg.host, impl_->cfg.port))
        return Error{"cannot listen on " + impl_->cfg.host + ":" + std::to_string(impl_->cfg.port) +
                     " (in use, or not an address of this machine)"};
    return impl_->cfg.port;
}

void ReceptionService::run() {
    impl_->server->listen_after_bind();
}

Result<int> ReceptionService::start() {
    auto port = bind();
    if (!port) return port;
    impl_->thread = std::thread([this] { run(); });
    // Wait until the server really listens: cpp-httplib's stop() does nothing before that, so a stop() right
    // after start() would leave listen_after_bind() running and the join in stop() waiting for ever (seen
    // under load in the tests as a 300 s time-out).
    for (int i = 0; i < 10000 && !impl_->server->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!impl_->server->is_running()) return Error{"the HTTPS server did not start listening within 10 s"};
    return port;
}

void ReceptionService::stop() {
    if (!impl_ || impl_->stopping.exchange(true)) return;
    impl_->hub.shutdown();
    impl_->server->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace uk::reception
