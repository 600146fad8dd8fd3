// Internal to reception/server: what the service's files share. service.cpp: the helpers, the server set-up
// and ReceptionService itself; service_kiosk_api.cpp: the kiosk API (enrolment, check-ins, heartbeats,
// alerts, visual-check requests); service_staff_api.cpp: the staff API (log-in, session, queue, actions,
// events). Not for use outside these three files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "reception/server/auth.h"
#include "reception/server/http_json.h"
#include "reception/server/metrics.h"
#include "reception/server/service.h"

namespace uk::reception {
namespace detail {

using nlohmann::json;

// [SECTION] Helpers (service.cpp)

using reception::reply;  // reception/server/http_json.h
using reception::reply_error;
bool is_json_content(const httplib::Request& req);
std::string cookie_value(const httplib::Request& req, std::string_view name);
std::int64_t unix_ms(WallTime t);

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
bool one_of(const std::string& v, std::initializer_list<std::string_view> allowed);

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

}  // namespace detail

// [SECTION] Impl

struct ReceptionService::Impl {
    ServiceConfig cfg;
    Store& store;
    const Clock& clock;
    TlsFiles tls;
    std::unique_ptr<httplib::SSLServer> server;
    detail::EventHub hub;
    detail::LoginGuard logins;
    std::thread thread;
    std::atomic<bool> stopping{false};
    ServiceExtension extension;
    Metrics metrics;
    std::mutex fill_mu;
    detail::EnrolGuard enrol_guard;
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

    Impl(ServiceConfig c, Store& s, const Clock& k, TlsFiles t);
    ~Impl() { store.set_change_listener(nullptr); }

    // Server set-up, access log, monitor page (service.cpp)
    void configure();
    static void access_log(const httplib::Request& req, const httplib::Response& res);
    static void serve_asset(const std::string& path, httplib::Response& res);
    bool require_json(const httplib::Request& req, httplib::Response& res);

    // Kiosk API (service_kiosk_api.cpp)
    // The kiosk id for a valid bearer token, or nullopt after writing the 401.
    std::optional<std::string> kiosk_auth(const httplib::Request& req, httplib::Response& res);
    // POST /api/v1/kiosks/enrol (docs/api.md, docs/reception.md "Enrolling a kiosk from the kiosk").
    void enrol(const httplib::Request& req, httplib::Response& res);
    void kiosk_routes();

    // Staff API (service_staff_api.cpp)
    std::optional<Session> staff_auth(const httplib::Request& req, httplib::Response& res,
                                      bool state_changing);
    std::string session_cookie(const std::string& value, int max_age) const;
    void staff_routes();
};

}  // namespace uk::reception
