// SqliteStore: the embedded default. One connection guarded by a mutex (SQLite serialises writers anyway);
// WAL journal with synchronous=FULL so that a 201 means the record is on disk, even if the power goes next.
#include <sqlite3.h>

#include <mutex>

#include "reception/store/store.h"

namespace uk::reception {
namespace {

// [SECTION] Small RAII helpers

class Stmt {
  public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
    }
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
    int step() { return sqlite3_step(st_); }
    std::string text(int col) const {
        const auto* p = sqlite3_column_text(st_, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
                 : std::string();
    }
    std::int64_t int64(int col) const { return sqlite3_column_int64(st_, col); }
    std::string error() const { return sqlite3_errmsg(db_); }

  private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS entries(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,
  record_json TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS kiosks(kiosk_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrolment_invites(kiosk_id TEXT PRIMARY KEY, key_hex TEXT NOT NULL,
  created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY, user TEXT NOT NULL, role TEXT NOT NULL,
  csrf TEXT NOT NULL, expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats(kiosk_id TEXT PRIMARY KEY, received_at TEXT NOT NULL, reader TEXT NOT NULL,
  camera TEXT NOT NULL, outbox_depth INTEGER NOT NULL, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS visual_checks(id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kiosk_ticket INTEGER NOT NULL,
  created_at TEXT NOT NULL, state TEXT NOT NULL, staff TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS alerts(id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,
  message TEXT NOT NULL, created_at TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0,
  acknowledged_by TEXT NOT NULL DEFAULT '');
)SQL";

QueueEntry read_entry(const Stmt& s) {
    QueueEntry e;
    e.seq = s.int64(0);
    e.record_id = s.text(1);
    e.kiosk_id = s.text(2);
    e.record_json = s.text(3);
    e.status = parse_entry_status(s.text(4)).value_or(EntryStatus::Waiting);
    e.received_at = s.text(5);
    e.updated_at = s.text(6);
    e.updated_by = s.text(7);
    return e;
}
constexpr const char* kEntryCols =
    "seq, record_id, kiosk_id, record_json, status, received_at, updated_at, updated_by";

VisualCheck read_visual(const Stmt& s) {
    VisualCheck v;
    v.id = s.text(0);
    v.kiosk_id = s.text(1);
    v.kiosk_ticket = static_cast<int>(s.int64(2));
    v.created_at = s.text(3);
    std::string st = s.text(4);
    v.state = st == "confirmed"  ? VisualCheckState::Confirmed
              : st == "rejected" ? VisualCheckState::Rejected
                                 : VisualCheckState::Pending;
    v.staff = s.text(5);
    v.resolved_at = s.text(6);
    return v;
}

Alert read_alert(const Stmt& s) {
    Alert a;
    a.id = s.int64(0);
    a.kiosk_id = s.text(1);
    a.kind = s.text(2);
    a.message = s.text(3);
    a.created_at = s.text(4);
    a.acknowledged = s.int64(5) != 0;
    a.acknowledged_by = s.text(6);
    return a;
}

// [SECTION] The store

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(sqlite3* db) : db_(db) {}
    ~SqliteStore() override { sqlite3_close_v2(db_); }

    std::string_view backend() const override { return "sqlite"; }

    Result<bool> ping() override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "SELECT 1");
        if (!s.ok() || s.step() != SQLITE_ROW) return fail("ping");
        return true;
    }

    Result<InsertOutcome> insert_checkin(const CheckinRecord& record, const std::string& canonical_json,
                                         const std::string& kiosk_id, WallTime now) override {
        InsertOutcome outcome;
        {
            std::lock_guard lock(mu_);
            Stmt find(db_, "SELECT record_json FROM entries WHERE record_id = ?");
            if (!find.ok()) return fail("look up record");
            find.bind(1, record.record_id);
            int rc = find.step();
            if (rc == SQLITE_ROW) {
                return find.text(0) == canonical_json ? InsertOutcome::Duplicate : InsertOutcome::Conflict;
            }
            if (rc != SQLITE_DONE) return fail("look up record");
            std::string t = format_rfc3339(now);
            Stmt ins(db_,
                     "INSERT INTO entries(record_id, kiosk_id, record_json, status, received_at, updated_at) "
                     "VALUES(?, ?, ?, 'waiting', ?, ?)");
            if (!ins.ok()) return fail("store record");
            ins.bind(1, record.record_id).bind(2, kiosk_id).bind(3, canonical_json).bind(4, t).bind(5, t);
            if (ins.step() != SQLITE_DONE) return fail("store record");
            outcome = InsertOutcome::Created;
        }
        emit({Change::Kind::Entry, record.record_id});
        return outcome;
    }

    Result<std::vector<QueueEntry>> list_entries(std::size_t limit) override {
        std::lock_guard lock(mu_);
        std::string sql = std::string("SELECT * FROM (SELECT ") + kEntryCols +
                          " FROM entries ORDER BY seq DESC LIMIT ?) ORDER BY seq";
        Stmt s(db_, sql.c_str());
        if (!s.ok()) return fail("list entries");
        s.bind(1, static_cast<std::int64_t>(limit));
        std::vector<QueueEntry> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(read_entry(s));
        if (rc != SQLITE_DONE) return fail("list entries");
        return out;
    }

    Result<std::optional<QueueEntry>> get_entry(const std::string& record_id) override {
        std::lock_guard lock(mu_);
        return get_entry_locked(record_id);
    }

    Result<std::int64_t> count_entries() override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "SELECT COUNT(*) FROM entries");
        if (!s.ok() || s.step() != SQLITE_ROW) return fail("count entries");
        return s.int64(0);
    }

    Result<QueueEntry> act_on_entry(const std::string& record_id, EntryAction action,
                                    const std::string& staff, WallTime now) override {
        QueueEntry e;
        {
            std::lock_guard lock(mu_);
            auto cur = get_entry_locked(record_id);
            if (!cur) return Error{cur.error()};
            if (!cur->has_value()) return Error{"no queue entry with record id " + record_id};
            e = **cur;
            auto next = apply_action(e.status, action);
            if (!next)
                return Error{"cannot " + std::string(to_string(action)) + " an entry that is " +
                             std::string(to_string(e.status))};
            e.status = *next;
            e.updated_at = format_rfc3339(now);
            e.updated_by = staff;
            Stmt u(db_, "UPDATE entries SET status = ?, updated_at = ?, updated_by = ? WHERE record_id = ?");
            if (!u.ok()) return fail("update entry");
            u.bind(1, std::string(to_string(e.status)))
                .bind(2, e.updated_at)
                .bind(3, staff)
                .bind(4, record_id);
            if (u.step() != SQLITE_DONE) return fail("update entry");
        }
        emit({Change::Kind::Entry, record_id});
        return e;
    }

    Result<bool> put_kiosk(const std::string& kiosk_id, const std::string& token_hash,
                           WallTime now) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "INSERT OR REPLACE INTO kiosks(kiosk_id, token_hash, created_at) VALUES(?, ?, ?)");
        if (!s.ok()) return fail("store kiosk");
        s.bind(1, kiosk_id).bind(2, token_hash).bind(3, format_rfc3339(now));
        if (s.step() != SQLITE_DONE) return fail("store kiosk");
        return true;
    }

    Result<std::optional<std::string>> kiosk_for_token_hash(const std::string& token_hash) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "SELECT kiosk_id FROM kiosks WHERE token_hash = ?");
        if (!s.ok()) return fail("look up kiosk");
        s.bind(1, token_hash);
        int rc = s.step();
        if (rc == SQLITE_ROW) return std::optional<std::string>(s.text(0));
        if (rc != SQLITE_DONE) return fail("look up kiosk");
        return std::optional<std::string>();
    }

    Result<bool> put_enrolment_invite(const EnrolmentInvite& inv) override {
        std::lock_guard lock(mu_);
        Stmt purge(db_, "DELETE FROM enrolment_invites WHERE expires_ms < ?");
        if (!purge.ok()) return fail("store enrolment invite");
        purge.bind(1, inv.created_ms - std::int64_t{7} * 24 * 3600 * 1000);
        if (purge.step() != SQLITE_DONE) return fail("store enrolment invite");
        Stmt s(db_,
               "INSERT OR REPLACE INTO enrolment_invites(kiosk_id, key_hex, created_ms, expires_ms, used_ms, "
               "failures) VALUES(?, ?, ?, ?, 0, 0)");
        if (!s.ok()) return fail("store enrolment invite");
        s.bind(1, inv.kiosk_id).bind(2, inv.key_hex).bind(3, inv.created_ms).bind(4, inv.expires_ms);
        if (s.step() != SQLITE_DONE) return fail("store enrolment invite");
        return true;
    }

    Result<std::vector<EnrolmentInvite>> list_enrolment_invites() override {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "SELECT kiosk_id, key_hex, created_ms, expires_ms, used_ms, failures FROM enrolment_invites "
               "ORDER BY kiosk_id");
        if (!s.ok()) return fail("list enrolment invites");
        std::vector<EnrolmentInvite> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(
                {s.text(0), s.text(1), s.int64(2), s.int64(3), s.int64(4), static_cast<int>(s.int64(5))});
        if (rc != SQLITE_DONE) return fail("list enrolment invites");
        return out;
    }

    Result<bool> use_enrolment_invite(const std::string& kiosk_id, const std::string& key_hex,
                                      std::int64_t now_ms) override {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "UPDATE enrolment_invites SET used_ms = ? WHERE kiosk_id = ? AND key_hex = ? AND used_ms = 0");
        if (!s.ok()) return fail("use enrolment invite");
        s.bind(1, now_ms).bind(2, kiosk_id).bind(3, key_hex);
        if (s.step() != SQLITE_DONE) return fail("use enrolment invite");
        return sqlite3_changes(db_) == 1;
    }

    Result<int> count_enrolment_failure(const std::string& kiosk_id) override {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "UPDATE enrolment_invites SET failures = failures + 1 WHERE kiosk_id = ? RETURNING failures");
        if (!s.ok()) return fail("count enrolment failure");
        s.bind(1, kiosk_id);
        int rc = s.step();
        int n = rc == SQLITE_ROW ? static_cast<int>(s.int64(0)) : 0;
        while (rc == SQLITE_ROW)
            rc = s.step();
        if (rc != SQLITE_DONE) return fail("count enrolment failure");
        return n;
    }

    Result<bool> put_user(const StaffUser& user) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "INSERT OR REPLACE INTO users(name, role, password_hash) VALUES(?, ?, ?)");
        if (!s.ok()) return fail("store user");
        s.bind(1, user.name).bind(2, std::string(to_string(user.role))).bind(3, user.password_hash);
        if (s.step() != SQLITE_DONE) return fail("store user");
        return true;
    }

    Result<std::optional<StaffUser>> get_user(const std::string& name) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "SELECT name, role, password_hash FROM users WHERE name = ?");
        if (!s.ok()) return fail("look up user");
        s.bind(1, name);
        int rc = s.step();
        if (rc == SQLITE_ROW)
            return std::optional<StaffUser>(
                StaffUser{s.text(0), parse_role(s.text(1)).value_or(Role::Clerk), s.text(2)});
        if (rc != SQLITE_DONE) return fail("look up user");
        return std::optional<StaffUser>();
    }

    Result<std::int64_t> count_users() override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "SELECT COUNT(*) FROM users");
        if (!s.ok() || s.step() != SQLITE_ROW) return fail("count users");
        return s.int64(0);
    }

    Result<bool> put_session(const Session& ses) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "INSERT INTO sessions(token_hash, user, role, csrf, expires_ms) VALUES(?, ?, ?, ?, ?)");
        if (!s.ok()) return fail("store session");
        s.bind(1, ses.token_hash)
            .bind(2, ses.user)
            .bind(3, std::string(to_string(ses.role)))
            .bind(4, ses.csrf);
        s.bind(5, ses.expires_ms);
        if (s.step() != SQLITE_DONE) return fail("store session");
        return true;
    }

    Result<std::optional<Session>> get_session(const std::string& token_hash, std::int64_t now_ms) override {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "SELECT token_hash, user, role, csrf, expires_ms FROM sessions WHERE token_hash = ? AND "
               "expires_ms > ?");
        if (!s.ok()) return fail("look up session");
        s.bind(1, token_hash).bind(2, now_ms);
        int rc = s.step();
        if (rc == SQLITE_ROW)
            return std::optional<Session>(Session{
                s.text(0), s.text(1), parse_role(s.text(2)).value_or(Role::Clerk), s.text(3), s.int64(4)});
        if (rc != SQLITE_DONE) return fail("look up session");
        return std::optional<Session>();
    }

    Result<bool> delete_session(const std::string& token_hash) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "DELETE FROM sessions WHERE token_hash = ?");
        if (!s.ok()) return fail("delete session");
        s.bind(1, token_hash);
        if (s.step() != SQLITE_DONE) return fail("delete session");
        return true;
    }

    Result<std::int64_t> purge_sessions(std::int64_t now_ms) override {
        std::lock_guard lock(mu_);
        Stmt s(db_, "DELETE FROM sessions WHERE expires_ms <= ?");
        if (!s.ok()) return fail("purge sessions");
        s.bind(1, now_ms);
        if (s.step() != SQLITE_DONE) return fail("purge sessions");
        return static_cast<std::int64_t>(sqlite3_changes(db_));
    }

    Result<bool> put_heartbeat(const Heartbeat& h) override {
        {
            std::lock_guard lock(mu_);
            Stmt s(db_,
                   "INSERT OR REPLACE INTO heartbeats(kiosk_id, received_at, reader, camera, outbox_depth, "
                   "version) "
                   "VALUES(?, ?, ?, ?, ?, ?)");
            if (!s.ok()) return fail("store heartbeat");
            s.bind(1, h.kiosk_id).bind(2, h.received_at).bind(3, h.reader).bind(4, h.camera);
            s.bind(5, h.outbox_depth).bind(6, h.version);
            if (s.step() != SQLITE_DONE) return fail("store heartbeat");
        }
        emit({Change::Kind::Heartbeat, h.kiosk_id});
        return true;
    }

    Result<std::vector<Heartbeat>> list_heartbeats() override {
        std::lock_guard lock(mu_);
        Stmt s(db_,
               "SELECT kiosk_id, received_at, reader, camera, outbox_depth, version FROM heartbeats ORDER BY "
               "kiosk_id");
        if (!s.ok()) return fail("list heartbeats");
        std::vector<Heartbeat> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4), s.text(5)});
        if (rc != SQLITE_DONE) return fail("list heartbeats");
        return out;
    }

    Result<VisualCheck> create_visual_check(const VisualCheck& v) override {
        VisualCheck out;
        {
            std::lock_guard lock(mu_);
            auto cur = get_visual_locked(v.id);
            if (!cur) return Error{cur.error()};
            if (cur->has_value()) {
                if ((*cur)->kiosk_id != v.kiosk_id)
                    return Error{"visual check id already used by another kiosk"};
                return **cur;
            }
            Stmt s(db_,
                   "INSERT INTO visual_checks(id, kiosk_id, kiosk_ticket, created_at, state) VALUES(?, ?, ?, "
                   "?, 'pending')");
            if (!s.ok()) return fail("store visual check");
            s.bind(1, v.id).bind(2, v.kiosk_id).bind(3, std::int64_t{v.kiosk_ticket}).bind(4, v.created_at);
            if (s.step() != SQLITE_DONE) return fail("store visual check");
            out = v;
            out.state = VisualCheckState::Pending;
        }
        emit({Change::Kind::VisualCheck, v.id});
        return out;
    }

    Result<std::optional<VisualCheck>> get_visual_check(const std::string& id) override {
        std::lock_guard lock(mu_);
        return get_visual_locked(id);
    }

    Result<VisualCheck> resolve_visual_check(const std::string& id, bool confirm, const std::string& staff,
                                             WallTime now) override {
        VisualCheck v;
        {
            std::lock_guard lock(mu_);
            auto cur = get_visual_locked(id);
            if (!cur) return Error{cur.error()};
            if (!cur->has_value()) return Error{"no visual check with id " + id};
            v = **cur;
            if (v.state != VisualCheckState::Pending)
                return Error{"visual check already " + std::string(to_string(v.state)) + " by " + v.staff};
            v.state = confirm ? VisualCheckState::Confirmed : VisualCheckState::Rejected;
            v.staff = staff;
            v.resolved_at = format_rfc3339(now);
            Stmt s(db_, "UPDATE visual_checks SET state = ?, staff = ?, resolved_at = ? WHERE id = ?");
            if (!s.ok()) return fail("update visual check");
            s.bind(1, std::string(to_string(v.state))).bind(2, staff).bind(3, v.resolved_at).bind(4, id);
            if (s.step() != SQLITE_DONE) return fail("update visual check");
        }
        emit({Change::Kind::VisualCheck, id});
        return v;
    }

    Result<std::vector<VisualCheck>> list_visual_checks(bool pending_only) override {
        std::lock_guard lock(mu_);
        std::string sql =
            "SELECT id, kiosk_id, kiosk_ticket, created_at, state, staff, resolved_at FROM visual_checks";
        if (pending_only) sql += " WHERE state = 'pending'";
        sql += " ORDER BY created_at, id";
        Stmt s(db_, sql.c_str());
        if (!s.ok()) return fail("list visual checks");
        std::vector<VisualCheck> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(read_visual(s));
        if (rc != SQLITE_DONE) return fail("list visual checks");
        return out;
    }

    Result<Alert> add_alert(const Alert& a) override {
        Alert out = a;
        {
            std::lock_guard lock(mu_);
            Stmt s(db_, "INSERT INTO alerts(kiosk_id, kind, message, created_at) VALUES(?, ?, ?, ?)");
            if (!s.ok()) return fail("store alert");
            s.bind(1, a.kiosk_id).bind(2, a.kind).bind(3, a.message).bind(4, a.created_at);
            if (s.step() != SQLITE_DONE) return fail("store alert");
            out.id = sqlite3_last_insert_rowid(db_);
            out.acknowledged = false;
        }
        emit({Change::Kind::Alert, std::to_string(out.id)});
        return out;
    }

    Result<Alert> ack_alert(std::int64_t id, const std::string& staff) override {
        Alert a;
        {
            std::lock_guard lock(mu_);
            auto cur = get_alert_locked(id);
            if (!cur) return Error{cur.error()};
            if (!cur->has_value()) return Error{"no alert with id " + std::to_string(id)};
            a = **cur;
            if (a.acknowledged) return a;
            Stmt s(db_, "UPDATE alerts SET acknowledged = 1, acknowledged_by = ? WHERE id = ?");
            if (!s.ok()) return fail("update alert");
            s.bind(1, staff).bind(2, id);
            if (s.step() != SQLITE_DONE) return fail("update alert");
            a.acknowledged = true;
            a.acknowledged_by = staff;
        }
        emit({Change::Kind::Alert, std::to_string(id)});
        return a;
    }

    Result<std::optional<Alert>> get_alert(std::int64_t id) override {
        std::lock_guard lock(mu_);
        return get_alert_locked(id);
    }

    Result<std::vector<Alert>> list_alerts(bool open_only) override {
        std::lock_guard lock(mu_);
        std::string sql =
            "SELECT id, kiosk_id, kind, message, created_at, acknowledged, acknowledged_by FROM alerts";
        if (open_only) sql += " WHERE acknowledged = 0";
        sql += " ORDER BY id";
        Stmt s(db_, sql.c_str());
        if (!s.ok()) return fail("list alerts");
        std::vector<Alert> out;
        int rc;
        while ((rc = s.step()) == SQLITE_ROW)
            out.push_back(read_alert(s));
        if (rc != SQLITE_DONE) return fail("list alerts");
        return out;
    }

  private:
    Error fail(const char* what) const {
        return Error{std::string("database: cannot ") + what + ": " + sqlite3_errmsg(db_)};
    }

    Result<std::optional<QueueEntry>> get_entry_locked(const std::string& record_id) {
        std::string sql = std::string("SELECT ") + kEntryCols + " FROM entries WHERE record_id = ?";
        Stmt s(db_, sql.c_str());
        if (!s.ok()) return fail("read entry");
        s.bind(1, record_id);
        int rc = s.step();
        if (rc == SQLITE_ROW) return std::optional<QueueEntry>(read_entry(s));
        if (rc != SQLITE_DONE) return fail("read entry");
        return std::optional<QueueEntry>();
    }
    Result<std::optional<VisualCheck>> get_visual_locked(const std::string& id) {
        Stmt s(db_,
               "SELECT id, kiosk_id, kiosk_ticket, created_at, state, staff, resolved_at FROM visual_checks "
               "WHERE id = ?");
        if (!s.ok()) return fail("read visual check");
        s.bind(1, id);
        int rc = s.step();
        if (rc == SQLITE_ROW) return std::optional<VisualCheck>(read_visual(s));
        if (rc != SQLITE_DONE) return fail("read visual check");
        return std::optional<VisualCheck>();
    }
    Result<std::optional<Alert>> get_alert_locked(std::int64_t id) {
        Stmt s(db_,
               "SELECT id, kiosk_id, kind, message, created_at, acknowledged, acknowledged_by FROM alerts "
               "WHERE id = ?");
        if (!s.ok()) return fail("read alert");
        s.bind(1, id);
        int rc = s.step();
        if (rc == SQLITE_ROW) return std::optional<Alert>(read_alert(s));
        if (rc != SQLITE_DONE) return fail("read alert");
        return std::optional<Alert>();
    }

    std::mutex mu_;
    sqlite3* db_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return Error{"cannot open database " + path + ": " + msg};
    }
    auto store = std::make_unique<SqliteStore>(db);
    char* err = nullptr;
    const char* pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
    if (sqlite3_exec(db, pragmas, nullptr, nullptr, &err) != SQLITE_OK ||
        sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        return Error{"cannot prepare database " + path + ": " + msg};
    }
    return std::unique_ptr<Store>(std::move(store));
}

}  // namespace uk::reception
