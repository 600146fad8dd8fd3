#include "kiosk/queue/outbox.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace uk {
namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS outbox(record_id TEXT PRIMARY KEY, body TEXT NOT NULL, queued_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS dead_letters(record_id TEXT PRIMARY KEY, body TEXT NOT NULL, queued_at TEXT NOT NULL,
  failed_at TEXT NOT NULL, http_status INTEGER NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS statements(record_id TEXT PRIMARY KEY, body TEXT NOT NULL);
)SQL";

class Stmt {
  public:
    Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return st_ != nullptr; }
    Stmt& bind(int i, const std::string& s) {
        sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(st_, i, v);
        return *this;
    }
    int step() { return st_ ? sqlite3_step(st_) : SQLITE_ERROR; }
    std::string text(int col) const {
        const auto* p = sqlite3_column_text(st_, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
                 : std::string();
    }
    std::int64_t int64(int col) const { return sqlite3_column_int64(st_, col); }

  private:
    sqlite3_stmt* st_ = nullptr;
};

std::string reply_reason(const HttpReply& r) {
    if (r.status == 0) return r.error.empty() ? "reception not reachable" : r.error;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("error") && j["error"].is_string())
        return "HTTP " + std::to_string(r.status) + ": " + j["error"].get<std::string>();
    return "HTTP " + std::to_string(r.status);
}

}  // namespace

std::chrono::milliseconds backoff_delay(int failures, const BackoffPolicy& p, double unit_random) {
    if (failures <= 0) return std::chrono::milliseconds(0);
    double base = static_cast<double>(p.first.count()) * std::pow(2.0, std::min(failures - 1, 30));
    base = std::min(base, static_cast<double>(p.max.count()));
    double j = 1.0 + p.jitter * (2.0 * unit_random - 1.0);
    return std::chrono::milliseconds(static_cast<std::int64_t>(base * j));
}

DeliveryClass classify_reply(int s) {
    if (s == 200 || s == 201) return DeliveryClass::Delivered;
    if (s == 0 || s >= 500 || s == 401 || s == 408 || s == 429) return DeliveryClass::Transient;
    if (s >= 400) return DeliveryClass::Permanent;
    return DeliveryClass::Transient;  // 1xx/3xx/other 2xx: not an acknowledgement; keep and retry
}

Result<std::unique_ptr<Outbox>> Outbox::open(const std::string& path, const Clock& clock) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return Error{"cannot open the outbox " + path + ": " + msg};
    }
    std::unique_ptr<Outbox> box(new Outbox(db, clock));
    char* err = nullptr;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
                     nullptr, nullptr, &err) != SQLITE_OK ||
        sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        return Error{"cannot prepare the outbox " + path + ": " + msg};
    }
    return box;
}

Outbox::~Outbox() {
    sqlite3_close_v2(db_);
}

Result<bool> Outbox::submit(const CheckinRecord& record) {
    return store(record, nullptr);
}

Result<bool> Outbox::submit_with_statement(const CheckinRecord& record, const std::string& statement_body) {
    return store(record, &statement_body);
}

Result<bool> Outbox::store(const CheckinRecord& record, const std::string* statement_body) {
    std::string body = to_json_string(record);
    std::function<void()> notify;
    {
        std::lock_guard lock(mu_);
        sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        // INSERT OR IGNORE: submitting the same record twice (an app retry) queues it once.
        Stmt s(db_, "INSERT OR IGNORE INTO outbox(record_id, body, queued_at) VALUES(?, ?, ?)");
        bool ok = s.ok();
        if (ok) {
            s.bind(1, record.record_id).bind(2, body).bind(3, format_rfc3339(clock_.wall_now()));
            ok = s.step() == SQLITE_DONE;
        }
        if (ok && statement_body) {
            Stmt st(db_, "INSERT OR IGNORE INTO statements(record_id, body) VALUES(?, ?)");
            ok = st.ok() && st.bind(1, record.record_id).bind(2, *statement_body).step() == SQLITE_DONE;
        }
        if (!ok) {
            std::string why = sqlite3_errmsg(db_);
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            return Error{"outbox: cannot store the record: " + why};
        }
        if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
            std::string why = sqlite3_errmsg(db_);
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            return Error{"outbox: cannot store the record: " + why};
        }
        notify = on_submit_;
    }
    if (notify) notify();
    return true;
}

std::int64_t Outbox::pending() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT COUNT(*) FROM outbox");
    return s.step() == SQLITE_ROW ? s.int64(0) : -1;
}

std::int64_t Outbox::dead_letter_count() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT COUNT(*) FROM dead_letters");
    return s.step() == SQLITE_ROW ? s.int64(0) : -1;
}

std::vector<DeadLetter> Outbox::dead_letters() {
    std::lock_guard lock(mu_);
    Stmt s(db_, "SELECT record_id, http_status, reason FROM dead_letters ORDER BY failed_at");
    std::vector<DeadLetter> out;
    while (s.step() == SQLITE_ROW)
        out.push_back({s.text(0), static_cast<int>(s.int64(1)), s.text(2)});
    return out;
}

void Outbox::set_on_submit(std::function<void()> fn) {
    std::lock_guard lock(mu_);
    on_submit_ = std::move(fn);
}

DeliveryReport Outbox::deliver_once(ReceptionTransport& transport) {
    DeliveryReport rep;
    struct Item {
        std::string id, body, queued_at, statement;
        bool has_statement = false;
    };
    std::vector<Item> items;
    {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "SELECT o.record_id, o.body, o.queued_at, s.body, s.record_id IS NOT NULL FROM outbox o LEFT "
               "JOIN "
               "statements s ON s.record_id = o.record_id ORDER BY o.queued_at, o.rowid");
        while (s.step() == SQLITE_ROW)
            items.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4) != 0});
    }
    for (const auto& it : items) {
        if (it.has_statement) {
            HttpReply sr = transport.post_json("/api/v1/qualification/face-statements", it.statement);
            DeliveryClass sc = sr.status == 201 ? DeliveryClass::Delivered : classify_reply(sr.status);
            if (sc == DeliveryClass::Transient) {
                rep.transient_failure = true;
                rep.last_error = "face statement: " + reply_reason(sr);
                break;
            }
            // Delivered, or refused for good (the record still goes; the reception then says see_staff).
            if (sc == DeliveryClass::Permanent) rep.last_error = "face statement: " + reply_reason(sr);
            std::lock_guard lock(mu_);
            Stmt d(db_, "DELETE FROM statements WHERE record_id = ?");
            d.bind(1, it.id).step();
        }
        HttpReply r = transport.post_json("/api/v1/checkins", it.body);
        DeliveryClass c = classify_reply(r.status);
        std::lock_guard lock(mu_);
        if (c == DeliveryClass::Delivered) {
            Stmt d(db_, "DELETE FROM outbox WHERE record_id = ?");
            d.bind(1, it.id).step();
            ++rep.delivered;
        } else if (c == DeliveryClass::Permanent) {
            std::string reason = reply_reason(r);
            sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
            Stmt ins(db_,
                     "INSERT OR REPLACE INTO dead_letters(record_id, body, queued_at, failed_at, "
                     "http_status, reason) "
                     "VALUES(?, ?, ?, ?, ?, ?)");
            ins.bind(1, it.id)
                .bind(2, it.body)
                .bind(3, it.queued_at)
                .bind(4, format_rfc3339(clock_.wall_now()));
            ins.bind(5, std::int64_t{r.status}).bind(6, reason);
            bool ok = ins.step() == SQLITE_DONE;
            Stmt d(db_, "DELETE FROM outbox WHERE record_id = ?");
            ok = ok && d.bind(1, it.id).step() == SQLITE_DONE;
            sqlite3_exec(db_, ok ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
            ++rep.dead;
            rep.last_error = reason;
        } else {
            rep.transient_failure = true;
            rep.last_error = reply_reason(r);
            Stmt u(db_, "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE record_id = ?");
            u.bind(1, rep.last_error).bind(2, it.id).step();
            break;
        }
    }
    return rep;
}

// [SECTION] Push loop

OutboxPusher::OutboxPusher(Outbox& outbox, ReceptionTransport& transport, BackoffPolicy policy,
                           std::chrono::milliseconds idle_poll)
    : outbox_(outbox), transport_(transport), policy_(policy), idle_poll_(idle_poll) {}

OutboxPusher::~OutboxPusher() {
    stop();
}

void OutboxPusher::start() {
    outbox_.set_on_submit([this] { wake(); });
    thread_ = std::thread([this] { run(); });
}

void OutboxPusher::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    outbox_.set_on_submit(nullptr);
}

void OutboxPusher::wake() {
    {
        std::lock_guard lock(mu_);
        woken_ = true;
    }
    cv_.notify_all();
}

int OutboxPusher::consecutive_failures() const {
    std::lock_guard lock(mu_);
    return failures_;
}

std::string OutboxPusher::last_error() const {
    std::lock_guard lock(mu_);
    return last_error_;
}

void OutboxPusher::run() {
    for (;;) {
        {
            std::lock_guard lock(mu_);
            if (stop_) return;
            woken_ = false;
        }
        DeliveryReport rep = outbox_.deliver_once(transport_);
        std::unique_lock lock(mu_);
        if (rep.transient_failure) {
            ++failures_;
            last_error_ = rep.last_error;
            auto delay =
                backoff_delay(failures_, policy_, std::uniform_real_distribution<double>(0, 1)(rng_));
            // A new submit does not cut the back-off short: the reception is down, hammering it helps nobody.
            cv_.wait_for(lock, delay, [&] { return stop_; });
        } else {
            failures_ = 0;
            if (!rep.last_error.empty()) last_error_ = rep.last_error;
            cv_.wait_for(lock, idle_poll_, [&] { return stop_ || woken_; });
        }
    }
}

}  // namespace uk
