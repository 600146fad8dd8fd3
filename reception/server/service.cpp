// The reception's HTTPS service. Index:
//   [SECTION] Helpers         JSON replies, content type, cookies
//   [SECTION] Impl            server set-up, limits, security headers
// Elsewhere: the event hub (store changes -> SSE frames for every open monitor stream) and the guards in
// service_internal.h; the kiosk API (enrolment, check-ins, heartbeats, alerts, visual-check requests) in
// service_kiosk_api.cpp; the staff API (log-in, session, queue, actions, events) in service_staff_api.cpp.
#include <openssl/ssl.h>

#include <chrono>
#include <memory>

#include "platform/system/log.h"
#include "reception/server/service_internal.h"
#include "reception/server/tls.h"
#include "reception/server/web_assets.h"

namespace uk::reception {

using nlohmann::json;

namespace detail {

// [SECTION] Helpers

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

bool one_of(const std::string& v, std::initializer_list<std::string_view> allowed) {
    for (auto a : allowed)
        if (v == a) return true;
    return false;
}

}  // namespace detail

using namespace detail;

namespace {}  // namespace

// [SECTION] Impl

ReceptionService::Impl::Impl(ServiceConfig c, Store& s, const Clock& k, TlsFiles t)
    : cfg(std::move(c)),
      store(s),
      clock(k),
      tls(std::move(t)),
      hub(s, static_cast<std::size_t>(cfg.max_event_streams)),
      enrol_guard(cfg.enrol_attempts),
      cert_der([this] {
          auto der = certificate_der(tls.cert_path);  // what the kiosk sees in the TLS handshake
          return der ? *der : std::string();          // empty: enrolment refused with a clear message
      }()) {
    store.set_change_listener([this](const Change& ch) { hub.on_change(ch); });
    server = std::make_unique<httplib::SSLServer>(tls.cert_path.c_str(), tls.key_path.c_str());
    if (server->is_valid()) {
        SSL_CTX_set_min_proto_version(server->ssl_context(), TLS1_2_VERSION);
    }
    configure();
}

// [SECTION] Server set-up
void ReceptionService::Impl::configure() {
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

void ReceptionService::Impl::access_log(const httplib::Request& req, const httplib::Response& res) {
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

void ReceptionService::Impl::serve_asset(const std::string& path, httplib::Response& res) {
    const WebAsset* a = find_web_asset(path);
    if (!a) return reply_error(res, 404, "no such file: " + path);
    res.set_content(std::string(a->body), std::string(a->content_type));
}

bool ReceptionService::Impl::require_json(const httplib::Request& req, httplib::Response& res) {
    if (is_json_content(req)) return true;
    reply_error(
        res, 415,
        "unsupported content type \"" + req.get_header_value("Content-Type") + "\": send application/json");
    return false;
}

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
