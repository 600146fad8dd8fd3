// The reception's staff API (docs/api.md): log-in and session, the queue, actions on entries, visual checks
// and alerts, and the monitor's server-sent events.
#include <chrono>

#include "reception/server/service_internal.h"

namespace uk::reception {

using nlohmann::json;
using namespace detail;

// [SECTION] Staff API

std::optional<Session> ReceptionService::Impl::staff_auth(const httplib::Request& req, httplib::Response& res,
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

std::string ReceptionService::Impl::session_cookie(const std::string& value, int max_age) const {
    return "uk_session=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
           "; Secure; HttpOnly; SameSite=Strict";
}

void ReceptionService::Impl::staff_routes() {
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

}  // namespace uk::reception
