// PgStore: PostgreSQL through libpq, for clinic groups that run several reception instances on one database.
//
// A small pool of connections serves requests; every change is announced with pg_notify('uk_changes',
// '<kind>:<id>') inside the same transaction, so the notification exists exactly when the change committed. A
// dedicated connection LISTENs and hands each notification to the change listener: every instance, this one
// included, learns of every change the same way. The listener connection reconnects by itself.
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "reception/store/store.h"

namespace uk::reception {
namespace {

// [SECTION] libpq helpers

struct PgResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

constexpr const char* kChannel = "uk_changes";

constexpr const char* kSchema = R"SQL(
SELECT pg_advisory_lock(727001);
CREATE TABLE IF NOT EXISTS entries(
  seq BIGSERIAL PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,
  record_json TEXT NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS kiosks(kiosk_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enrolment_invites(kiosk_id TEXT PRIMARY KEY, key_hex TEXT NOT NULL,
  created_ms BIGINT NOT NULL, expires_ms BIGINT NOT NULL, used_ms BIGINT NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions(token_hash TEXT PRIMARY KEY, "user" TEXT NOT NULL, role TEXT NOT NULL,
  csrf TEXT NOT NULL, expires_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats(kiosk_id TEXT PRIMARY KEY, received_at TEXT NOT NULL, reader TEXT NOT NULL,
  camera TEXT NOT NULL, outbox_depth BIGINT NOT NULL, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS visual_checks(id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kiosk_ticket INTEGER NOT NULL,
  created_at TEXT NOT NULL, state TEXT NOT NULL, staff TEXT NOT NULL DEFAULT '', resolved_at TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS alerts(id BIGSERIAL PRIMARY KEY, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,
  message TEXT NOT NULL, created_at TEXT NOT NULL, acknowledged BOOLEAN NOT NULL DEFAULT FALSE,
  acknowledged_by TEXT NOT NULL DEFAULT '');
SELECT pg_advisory_unlock(727001);
)SQL";

std::string val(const PGresult* r, int row, int col) {
    return std::string(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}
std::int64_t ival(const PGresult* r, int row, int col) {
    return std::stoll(val(r, row, col));
}

constexpr const char* kEntryCols =
    "seq, record_id, kiosk_id, record_json, status, received_at, updated_at, updated_by";
QueueEntry read_entry(const PGresult* r, int row) {
    QueueEntry e;
    e.seq = ival(r, row, 0);
    e.record_id = val(r, row, 1);
    e.kiosk_id = val(r, row, 2);
    e.record_json = val(r, row, 3);
    e.status = parse_entry_status(val(r, row, 4)).value_or(EntryStatus::Waiting);
    e.received_at = val(r, row, 5);
    e.updated_at = val(r, row, 6);
    e.updated_by = val(r, row, 7);
    return e;
}
constexpr const char* kVisualCols = "id, kiosk_id, kiosk_ticket, created_at, state, staff, resolved_at";
VisualCheck read_visual(const PGresult* r, int row) {
    VisualCheck v;
    v.id = val(r, row, 0);
    v.kiosk_id = val(r, row, 1);
    v.kiosk_ticket = static_cast<int>(ival(r, row, 2));
    v.created_at = val(r, row, 3);
    std::string st = val(r, row, 4);
    v.state = st == "confirmed"  ? VisualCheckState::Confirmed
              : st == "rejected" ? VisualCheckState::Rejected
                                 : VisualCheckState::Pending;
    v.staff = val(r, row, 5);
    v.resolved_at = val(r, row, 6);
    return v;
}
constexpr const char* kAlertCols = "id, kiosk_id, kind, message, created_at, acknowledged, acknowledged_by";
Alert read_alert(const PGresult* r, int row) {
    Alert a;
    a.id = ival(r, row, 0);
    a.kiosk_id = val(r, row, 1);
    a.kind = val(r, row, 2);
    a.message = val(r, row, 3);
    a.created_at = val(r, row, 4);
    a.acknowledged = val(r, row, 5) == "t";
    a.acknowledged_by = val(r, row, 6);
    return a;
}

std::string note(Change::Kind k, const std::string& id) {
    return std::string(to_string(k)) + ":" + id;
}

// One pooled connection, checked out for the length of one operation.
class Conn {
  public:
    explicit Conn(PGconn* c) : c_(c) {}
    PGconn* raw() const { return c_; }

    // Runs one statement with text parameters. Returns the result, or an Error naming `what`.
    Result<PgResult> exec(const char* what, const std::string& sql,
                          const std::vector<std::string>& params = {}) {
        std::vector<const char*> values;
        values.reserve(params.size());
        for (const auto& p : params)
            values.push_back(p.c_str());
        PgResult r(PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                nullptr, nullptr, 0));
        auto st = PQresultStatus(r.get());
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            return Error{std::string("database: cannot ") + what + ": " + PQerrorMessage(c_)};
        return r;
    }

  private:
    PGconn* c_;
};

// [SECTION] The store

class PgStore final : public Store {
  public:
    PgStore(std::string conninfo, std::vector<PGconn*> pool)
        : conninfo_(std::move(conninfo)), free_(std::move(pool)) {
        all_ = free_;
    }
    ~PgStore() override {
        stop_ = true;
        if (listener_.joinable()) listener_.join();
        for (PGconn* c : all_)
            PQfinish(c);
    }

    void start_listener() {
        listener_ = std::thread([this] { listen_loop(); });
    }
    // Blocks until the LISTEN connection is up (so that a test's first change is never missed).
    bool wait_listening(std::chrono::milliseconds timeout) {
        std::unique_lock lock(listen_mu_);
        return listen_cv_.wait_for(lock, timeout, [&] { return listening_; });
    }

    std::string_view backend() const override { return "postgres"; }

    Result<bool> ping() override {
        return with([&](Conn& c) -> Result<bool> {
            auto r = c.exec("ping", "SELECT 1");
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<InsertOutcome> insert_checkin(const CheckinRecord& record, const std::string& canonical_json,
                                         const std::string& kiosk_id, WallTime now) override {
        return with([&](Conn& c) -> Result<InsertOutcome> {
            std::string t = format_rfc3339(now);
            auto r = c.exec(
                "store record",
                "INSERT INTO entries(record_id, kiosk_id, record_json, status, received_at, updated_at) "
                "VALUES($1, $2, $3, 'waiting', $4, $4) ON CONFLICT (record_id) DO NOTHING RETURNING seq",
                {record.record_id, kiosk_id, canonical_json, t});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 1) {
                // Announced after the insert committed, in its own statement: a NOTIFY inside the insert's
                // transaction takes PostgreSQL's global notify lock across the commit and its fsync, which
                // serialises concurrent check-ins (measured: 300/s instead of group-committed rates). If this
                // process dies between the two, the record is stored but other instances' monitors learn of
                // it only at their next reload (each page reloads on reconnect and every minute).
                (void)notify(c, Change::Kind::Entry, record.record_id);
                return InsertOutcome::Created;
            }
            auto f = c.exec("look up record", "SELECT record_json FROM entries WHERE record_id = $1",
                            {record.record_id});
            if (!f) return Error{f.error()};
            if (PQntuples(f->get()) != 1) return Error{"database: record vanished during insert"};
            return val(f->get(), 0, 0) == canonical_json ? InsertOutcome::Duplicate : InsertOutcome::Conflict;
        });
    }

    Result<std::vector<QueueEntry>> list_entries(std::size_t limit) override {
        return with([&](Conn& c) -> Result<std::vector<QueueEntry>> {
            auto r = c.exec("list entries",
                            std::string("SELECT * FROM (SELECT ") + kEntryCols +
                                " FROM entries ORDER BY seq DESC LIMIT $1) t ORDER BY seq",
                            {std::to_string(limit)});
            if (!r) return Error{r.error()};
            std::vector<QueueEntry> out;
            for (int i = 0; i < PQntuples(r->get()); ++i)
                out.push_back(read_entry(r->get(), i));
            return out;
        });
    }

    Result<std::optional<QueueEntry>> get_entry(const std::string& record_id) override {
        return with([&](Conn& c) -> Result<std::optional<QueueEntry>> {
            auto r = c.exec("read entry",
                            std::string("SELECT ") + kEntryCols + " FROM entries WHERE record_id = $1",
                            {record_id});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<QueueEntry>();
            return std::optional<QueueEntry>(read_entry(r->get(), 0));
        });
    }

    Result<std::int64_t> count_entries() override {
        return with([&](Conn& c) -> Result<std::int64_t> {
            auto r = c.exec("count entries", "SELECT COUNT(*) FROM entries");
            if (!r) return Error{r.error()};
            return ival(r->get(), 0, 0);
        });
    }

    Result<QueueEntry> act_on_entry(const std::string& record_id, EntryAction action,
                                    const std::string& staff, WallTime now) override {
        return transaction([&](Conn& c) -> Result<QueueEntry> {
            auto r =
                c.exec("read entry",
                       std::string("SELECT ") + kEntryCols + " FROM entries WHERE record_id = $1 FOR UPDATE",
                       {record_id});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return Error{"no queue entry with record id " + record_id};
            QueueEntry e = read_entry(r->get(), 0);
            auto next = apply_action(e.status, action);
            if (!next)
                return Error{"cannot " + std::string(to_string(action)) + " an entry that is " +
                             std::string(to_string(e.status))};
            e.status = *next;
            e.updated_at = format_rfc3339(now);
            e.updated_by = staff;
            auto u = c.exec(
                "update entry",
                "UPDATE entries SET status = $1, updated_at = $2, updated_by = $3 WHERE record_id = $4",
                {std::string(to_string(e.status)), e.updated_at, staff, record_id});
            if (!u) return Error{u.error()};
            auto n = notify(c, Change::Kind::Entry, record_id);
            if (!n) return Error{n.error()};
            return e;
        });
    }

    Result<bool> put_kiosk(const std::string& kiosk_id, const std::string& token_hash,
                           WallTime now) override {
        return with([&](Conn& c) -> Result<bool> {
            auto r = c.exec(
                "store kiosk",
                "INSERT INTO kiosks(kiosk_id, token_hash, created_at) VALUES($1, $2, $3) ON CONFLICT "
                "(kiosk_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at",
                {kiosk_id, token_hash, format_rfc3339(now)});
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<std::optional<std::string>> kiosk_for_token_hash(const std::string& token_hash) override {
        return with([&](Conn& c) -> Result<std::optional<std::string>> {
            auto r =
                c.exec("look up kiosk", "SELECT kiosk_id FROM kiosks WHERE token_hash = $1", {token_hash});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<std::string>();
            return std::optional<std::string>(val(r->get(), 0, 0));
        });
    }

    Result<bool> put_enrolment_invite(const EnrolmentInvite& inv) override {
        return transaction([&](Conn& c) -> Result<bool> {
            auto p = c.exec("store enrolment invite", "DELETE FROM enrolment_invites WHERE expires_ms < $1",
                            {std::to_string(inv.created_ms - std::int64_t{7} * 24 * 3600 * 1000)});
            if (!p) return Error{p.error()};
            auto r = c.exec(
                "store enrolment invite",
                "INSERT INTO enrolment_invites(kiosk_id, key_hex, created_ms, expires_ms, used_ms, "
                "failures) VALUES($1, $2, $3, $4, 0, 0) ON CONFLICT (kiosk_id) DO UPDATE SET key_hex = "
                "EXCLUDED.key_hex, created_ms = EXCLUDED.created_ms, expires_ms = EXCLUDED.expires_ms, "
                "used_ms = 0, failures = 0",
                {inv.kiosk_id, inv.key_hex, std::to_string(inv.created_ms), std::to_string(inv.expires_ms)});
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<std::vector<EnrolmentInvite>> list_enrolment_invites() override {
        return with([&](Conn& c) -> Result<std::vector<EnrolmentInvite>> {
            auto r = c.exec("list enrolment invites",
                            "SELECT kiosk_id, key_hex, created_ms, expires_ms, used_ms, failures FROM "
                            "enrolment_invites ORDER BY kiosk_id");
            if (!r) return Error{r.error()};
            std::vector<EnrolmentInvite> out;
            for (int i = 0; i < PQntuples(r->get()); ++i)
                out.push_back({val(r->get(), i, 0), val(r->get(), i, 1), std::stoll(val(r->get(), i, 2)),
                               std::stoll(val(r->get(), i, 3)), std::stoll(val(r->get(), i, 4)),
                               std::stoi(val(r->get(), i, 5))});
            return out;
        });
    }

    Result<bool> use_enrolment_invite(const std::string& kiosk_id, const std::string& key_hex,
                                      std::int64_t now_ms) override {
        return with([&](Conn& c) -> Result<bool> {
            auto r =
                c.exec("use enrolment invite",
                       "UPDATE enrolment_invites SET used_ms = $1 WHERE kiosk_id = $2 AND key_hex = $3 AND "
                       "used_ms = 0 RETURNING kiosk_id",
                       {std::to_string(now_ms), kiosk_id, key_hex});
            if (!r) return Error{r.error()};
            return PQntuples(r->get()) == 1;
        });
    }

    Result<int> count_enrolment_failure(const std::string& kiosk_id) override {
        return with([&](Conn& c) -> Result<int> {
            auto r =
                c.exec("count enrolment failure",
                       "UPDATE enrolment_invites SET failures = failures + 1 WHERE kiosk_id = $1 RETURNING "
                       "failures",
                       {kiosk_id});
            if (!r) return Error{r.error()};
            return PQntuples(r->get()) == 1 ? std::stoi(val(r->get(), 0, 0)) : 0;
        });
    }

    Result<bool> put_user(const StaffUser& u) override {
        return with([&](Conn& c) -> Result<bool> {
            auto r = c.exec(
                "store user",
                "INSERT INTO users(name, role, password_hash) VALUES($1, $2, $3) ON CONFLICT (name) DO "
                "UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash",
                {u.name, std::string(to_string(u.role)), u.password_hash});
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<std::optional<StaffUser>> get_user(const std::string& name) override {
        return with([&](Conn& c) -> Result<std::optional<StaffUser>> {
            auto r =
                c.exec("look up user", "SELECT name, role, password_hash FROM users WHERE name = $1", {name});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<StaffUser>();
            const PGresult* p = r->get();
            return std::optional<StaffUser>(
                StaffUser{val(p, 0, 0), parse_role(val(p, 0, 1)).value_or(Role::Clerk), val(p, 0, 2)});
        });
    }

    Result<std::int64_t> count_users() override {
        return with([&](Conn& c) -> Result<std::int64_t> {
            auto r = c.exec("count users", "SELECT COUNT(*) FROM users");
            if (!r) return Error{r.error()};
            return ival(r->get(), 0, 0);
        });
    }

    Result<bool> put_session(const Session& s) override {
        return with([&](Conn& c) -> Result<bool> {
            auto r = c.exec(
                "store session",
                "INSERT INTO sessions(token_hash, \"user\", role, csrf, expires_ms) VALUES($1,$2,$3,$4,$5)",
                {s.token_hash, s.user, std::string(to_string(s.role)), s.csrf, std::to_string(s.expires_ms)});
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<std::optional<Session>> get_session(const std::string& token_hash, std::int64_t now_ms) override {
        return with([&](Conn& c) -> Result<std::optional<Session>> {
            auto r = c.exec(
                "look up session",
                "SELECT token_hash, \"user\", role, csrf, expires_ms FROM sessions WHERE token_hash = $1 "
                "AND expires_ms > $2",
                {token_hash, std::to_string(now_ms)});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<Session>();
            const PGresult* p = r->get();
            return std::optional<Session>(Session{val(p, 0, 0), val(p, 0, 1),
                                                  parse_role(val(p, 0, 2)).value_or(Role::Clerk),
                                                  val(p, 0, 3), ival(p, 0, 4)});
        });
    }

    Result<bool> delete_session(const std::string& token_hash) override {
        return with([&](Conn& c) -> Result<bool> {
            auto r = c.exec("delete session", "DELETE FROM sessions WHERE token_hash = $1", {token_hash});
            if (!r) return Error{r.error()};
            return true;
        });
    }

    Result<std::int64_t> purge_sessions(std::int64_t now_ms) override {
        return with([&](Conn& c) -> Result<std::int64_t> {
            auto r = c.exec("purge sessions", "DELETE FROM sessions WHERE expires_ms <= $1",
                            {std::to_string(now_ms)});
            if (!r) return Error{r.error()};
            return std::stoll("0" + std::string(PQcmdTuples(r->get())));
        });
    }

    Result<bool> put_heartbeat(const Heartbeat& h) override {
        return transaction([&](Conn& c) -> Result<bool> {
            auto r = c.exec(
                "store heartbeat",
                "INSERT INTO heartbeats(kiosk_id, received_at, reader, camera, outbox_depth, version) "
                "VALUES($1,$2,$3,$4,$5,$6) ON CONFLICT (kiosk_id) DO UPDATE SET received_at = "
                "EXCLUDED.received_at, reader = EXCLUDED.reader, camera = EXCLUDED.camera, outbox_depth = "
                "EXCLUDED.outbox_depth, version = EXCLUDED.version",
                {h.kiosk_id, h.received_at, h.reader, h.camera, std::to_string(h.outbox_depth), h.version});
            if (!r) return Error{r.error()};
            auto n = notify(c, Change::Kind::Heartbeat, h.kiosk_id);
            if (!n) return Error{n.error()};
            return true;
        });
    }

    Result<std::vector<Heartbeat>> list_heartbeats() override {
        return with([&](Conn& c) -> Result<std::vector<Heartbeat>> {
            auto r =
                c.exec("list heartbeats",
                       "SELECT kiosk_id, received_at, reader, camera, outbox_depth, version FROM heartbeats "
                       "ORDER BY kiosk_id");
            if (!r) return Error{r.error()};
            std::vector<Heartbeat> out;
            const PGresult* p = r->get();
            for (int i = 0; i < PQntuples(p); ++i)
                out.push_back(
                    {val(p, i, 0), val(p, i, 1), val(p, i, 2), val(p, i, 3), ival(p, i, 4), val(p, i, 5)});
            return out;
        });
    }

    Result<VisualCheck> create_visual_check(const VisualCheck& v) override {
        return transaction([&](Conn& c) -> Result<VisualCheck> {
            auto r = c.exec(
                "store visual check",
                "INSERT INTO visual_checks(id, kiosk_id, kiosk_ticket, created_at, state) VALUES($1, $2, "
                "$3, $4, 'pending') ON CONFLICT (id) DO NOTHING RETURNING id",
                {v.id, v.kiosk_id, std::to_string(v.kiosk_ticket), v.created_at});
            if (!r) return Error{r.error()};
            bool created = PQntuples(r->get()) == 1;
            auto g =
                c.exec("read visual check",
                       std::string("SELECT ") + kVisualCols + " FROM visual_checks WHERE id = $1", {v.id});
            if (!g) return Error{g.error()};
            if (PQntuples(g->get()) != 1) return Error{"database: visual check vanished"};
            VisualCheck out = read_visual(g->get(), 0);
            if (out.kiosk_id != v.kiosk_id) return Error{"visual check id already used by another kiosk"};
            if (created) {
                auto n = notify(c, Change::Kind::VisualCheck, v.id);
                if (!n) return Error{n.error()};
            }
            return out;
        });
    }

    Result<std::optional<VisualCheck>> get_visual_check(const std::string& id) override {
        return with([&](Conn& c) -> Result<std::optional<VisualCheck>> {
            auto r = c.exec("read visual check",
                            std::string("SELECT ") + kVisualCols + " FROM visual_checks WHERE id = $1", {id});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<VisualCheck>();
            return std::optional<VisualCheck>(read_visual(r->get(), 0));
        });
    }

    Result<VisualCheck> resolve_visual_check(const std::string& id, bool confirm, const std::string& staff,
                                             WallTime now) override {
        return transaction([&](Conn& c) -> Result<VisualCheck> {
            auto r = c.exec(
                "read visual check",
                std::string("SELECT ") + kVisualCols + " FROM visual_checks WHERE id = $1 FOR UPDATE", {id});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return Error{"no visual check with id " + id};
            VisualCheck v = read_visual(r->get(), 0);
            if (v.state != VisualCheckState::Pending)
                return Error{"visual check already " + std::string(to_string(v.state)) + " by " + v.staff};
            v.state = confirm ? VisualCheckState::Confirmed : VisualCheckState::Rejected;
            v.staff = staff;
            v.resolved_at = format_rfc3339(now);
            auto u = c.exec("update visual check",
                            "UPDATE visual_checks SET state = $1, staff = $2, resolved_at = $3 WHERE id = $4",
                            {std::string(to_string(v.state)), staff, v.resolved_at, id});
            if (!u) return Error{u.error()};
            auto n = notify(c, Change::Kind::VisualCheck, id);
            if (!n) return Error{n.error()};
            return v;
        });
    }

    Result<std::vector<VisualCheck>> list_visual_checks(bool pending_only) override {
        return with([&](Conn& c) -> Result<std::vector<VisualCheck>> {
            std::string sql = std::string("SELECT ") + kVisualCols + " FROM visual_checks";
            if (pending_only) sql += " WHERE state = 'pending'";
            sql += " ORDER BY created_at, id";
            auto r = c.exec("list visual checks", sql);
            if (!r) return Error{r.error()};
            std::vector<VisualCheck> out;
            for (int i = 0; i < PQntuples(r->get()); ++i)
                out.push_back(read_visual(r->get(), i));
            return out;
        });
    }

    Result<Alert> add_alert(const Alert& a) override {
        return transaction([&](Conn& c) -> Result<Alert> {
            auto r = c.exec(
                "store alert",
                "INSERT INTO alerts(kiosk_id, kind, message, created_at) VALUES($1,$2,$3,$4) RETURNING id",
                {a.kiosk_id, a.kind, a.message, a.created_at});
            if (!r) return Error{r.error()};
            Alert out = a;
            out.id = ival(r->get(), 0, 0);
            out.acknowledged = false;
            auto n = notify(c, Change::Kind::Alert, std::to_string(out.id));
            if (!n) return Error{n.error()};
            return out;
        });
    }

    Result<Alert> ack_alert(std::int64_t id, const std::string& staff) override {
        return transaction([&](Conn& c) -> Result<Alert> {
            auto r = c.exec("read alert",
                            std::string("SELECT ") + kAlertCols + " FROM alerts WHERE id = $1 FOR UPDATE",
                            {std::to_string(id)});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return Error{"no alert with id " + std::to_string(id)};
            Alert a = read_alert(r->get(), 0);
            if (a.acknowledged) return a;
            auto u = c.exec("update alert",
                            "UPDATE alerts SET acknowledged = TRUE, acknowledged_by = $1 WHERE id = $2",
                            {staff, std::to_string(id)});
            if (!u) return Error{u.error()};
            a.acknowledged = true;
            a.acknowledged_by = staff;
            auto n = notify(c, Change::Kind::Alert, std::to_string(id));
            if (!n) return Error{n.error()};
            return a;
        });
    }

    Result<std::optional<Alert>> get_alert(std::int64_t id) override {
        return with([&](Conn& c) -> Result<std::optional<Alert>> {
            auto r = c.exec("read alert", std::string("SELECT ") + kAlertCols + " FROM alerts WHERE id = $1",
                            {std::to_string(id)});
            if (!r) return Error{r.error()};
            if (PQntuples(r->get()) == 0) return std::optional<Alert>();
            return std::optional<Alert>(read_alert(r->get(), 0));
        });
    }

    Result<std::vector<Alert>> list_alerts(bool open_only) override {
        return with([&](Conn& c) -> Result<std::vector<Alert>> {
            std::string sql = std::string("SELECT ") + kAlertCols + " FROM alerts";
            if (open_only) sql += " WHERE NOT acknowledged";
            sql += " ORDER BY id";
            auto r = c.exec("list alerts", sql);
            if (!r) return Error{r.error()};
            std::vector<Alert> out;
            for (int i = 0; i < PQntuples(r->get()); ++i)
                out.push_back(read_alert(r->get(), i));
            return out;
        });
    }

  private:
    static Result<bool> notify(Conn& c, Change::Kind k, const std::string& id) {
        auto r = c.exec("announce change", "SELECT pg_notify($1, $2)", {kChannel, note(k, id)});
        if (!r) return Error{r.error()};
        return true;
    }

    // Checks a connection out of the pool (reconnecting a broken one), runs fn, puts it back.
    template <class Fn>
    auto with(Fn&& fn) -> decltype(fn(std::declval<Conn&>())) {
        PGconn* raw = nullptr;
        {
            std::unique_lock lock(pool_mu_);
            pool_cv_.wait(lock, [&] { return !free_.empty(); });
            raw = free_.back();
            free_.pop_back();
        }
        if (PQstatus(raw) != CONNECTION_OK) PQreset(raw);
        Conn c(raw);
        auto out = fn(c);
        {
            std::lock_guard lock(pool_mu_);
            free_.push_back(raw);
        }
        pool_cv_.notify_one();
        return out;
    }

    template <class Fn>
    auto transaction(Fn&& fn) -> decltype(fn(std::declval<Conn&>())) {
        return with([&](Conn& c) -> decltype(fn(std::declval<Conn&>())) {
            auto b = c.exec("begin transaction", "BEGIN");
            if (!b) return Error{b.error()};
            auto out = fn(c);
            if (!out) {
                (void)c.exec("roll back", "ROLLBACK");
                return out;
            }
            auto cm = c.exec("commit", "COMMIT");
            if (!cm) return Error{cm.error()};
            return out;
        });
    }

    void listen_loop() {
        PGconn* c = nullptr;
        while (!stop_) {
            if (!c || PQstatus(c) != CONNECTION_OK) {
                if (c) PQfinish(c);
                c = PQconnectdb(conninfo_.c_str());
                if (PQstatus(c) != CONNECTION_OK) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(500));
                    continue;
                }
                PgResult r(PQexec(c, "LISTEN uk_changes"));
                if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) continue;
                {
                    std::lock_guard lock(listen_mu_);
                    listening_ = true;
                }
                listen_cv_.notify_all();
            }
            pollfd p{PQsocket(c), POLLIN, 0};
            int n = ::poll(&p, 1, 200);
            if (n < 0) continue;
            if (n > 0 && !PQconsumeInput(c)) {
                PQfinish(c);
                c = nullptr;
                continue;
            }
            while (PGnotify* nt = PQnotifies(c)) {
                std::string payload = nt->extra ? nt->extra : "";
                PQfreemem(nt);
                auto colon = payload.find(':');
                if (colon == std::string::npos) continue;
                auto kind = parse_change_kind(std::string_view(payload).substr(0, colon));
                if (kind) emit({*kind, payload.substr(colon + 1)});
            }
        }
        if (c) PQfinish(c);
    }

    std::string conninfo_;
    std::mutex pool_mu_;
    std::condition_variable pool_cv_;
    std::vector<PGconn*> free_;
    std::vector<PGconn*> all_;
    std::atomic<bool> stop_{false};
    std::thread listener_;
    std::mutex listen_mu_;
    std::condition_variable listen_cv_;
    bool listening_ = false;
};

}  // namespace

Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo) {
    constexpr int kPoolSize =
        16;  // >= concurrent kiosks + the event hub; PostgreSQL group-commits their fsyncs
    std::vector<PGconn*> pool;
    auto close_all = [&] {
        for (PGconn* c : pool)
            PQfinish(c);
    };
    for (int i = 0; i < kPoolSize; ++i) {
        PGconn* c = PQconnectdb(conninfo.c_str());
        if (PQstatus(c) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c);
            PQfinish(c);
            close_all();
            return Error{"cannot connect to PostgreSQL: " + msg};
        }
        pool.push_back(c);
    }
    PgResult r(PQexec(pool[0], kSchema));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK && PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        std::string msg = PQerrorMessage(pool[0]);
        close_all();
        return Error{"cannot prepare the PostgreSQL schema: " + msg};
    }
    auto store = std::make_unique<PgStore>(conninfo, std::move(pool));
    store->start_listener();
    if (!store->wait_listening(std::chrono::seconds(10)))
        return Error{"PostgreSQL: LISTEN connection did not come up within 10 s"};
    return std::unique_ptr<Store>(std::move(store));
}

}  // namespace uk::reception
