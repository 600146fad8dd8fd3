// The reception's storage interface: check-in queue entries, kiosks, staff users and sessions, kiosk
// heartbeats, visual-check (目視確認) requests and kiosk alerts. Two implementations: SqliteStore (embedded
// default, WAL, synchronous=FULL) and PgStore (libpq; LISTEN/NOTIFY fans changes out to every reception
// instance).
//
// THREAD SAFETY: every method may be called from any thread at the same time.
// CHANGES: after a committed change the store calls the change listener with a Change (kind + id).
// SqliteStore calls it on the writing thread after COMMIT; PgStore calls it from its LISTEN thread for
// changes made by ANY instance (its own included), so every instance sees the same feed. The listener must
// not block for long.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"

namespace uk::reception {

// [SECTION] Queue entries

enum class EntryStatus { Waiting, Called, InConsultation, Done, Cancelled };
std::string_view to_string(EntryStatus s);
std::optional<EntryStatus> parse_entry_status(std::string_view s);

// Staff actions on an entry and the status each one leads to (validated by the store, atomically).
enum class EntryAction { Call, Start, Finish, Cancel };
std::string_view to_string(EntryAction a);
std::optional<EntryAction> parse_entry_action(std::string_view s);
// The status after `a` from `from`, or nullopt when the action is not allowed there.
std::optional<EntryStatus> apply_action(EntryStatus from, EntryAction a);

struct QueueEntry {
    std::int64_t seq = 0;     // arrival order at the reception (store-wide, increasing)
    std::string record_json;  // the canonical JSON the kiosk's record parses to
    EntryStatus status = EntryStatus::Waiting;
    std::string received_at;  // RFC 3339
    std::string updated_at;   // RFC 3339
    std::string updated_by;   // staff user name of the last action ("" while waiting)
    std::string kiosk_id;     // the authenticated kiosk that pushed it
    std::string record_id;
};

enum class InsertOutcome {
    Created,    // new record stored (HTTP 201)
    Duplicate,  // same record id, same content: nothing changed (HTTP 200)
    Conflict,   // same record id, other content: nothing changed (HTTP 409)
};

// [SECTION] Kiosks, staff, sessions

enum class Role { Clerk, Doctor, Pharmacist, Admin };
std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);

struct StaffUser {
    std::string name;
    Role role = Role::Clerk;
    std::string password_hash;  // libsodium crypto_pwhash_str (Argon2id) string
};

struct Session {
    std::string token_hash;  // SHA-256 hex of the cookie value; the cookie value itself is never stored
    std::string user;
    Role role = Role::Clerk;
    std::string csrf;             // sent back by the page in X-CSRF-Token on every state-changing request
    std::int64_t expires_ms = 0;  // Unix ms
};

// A one-time enrolment code made by `uketsuke-reception kiosk invite` (kiosk/queue/enrolment_proof.h): only
// the Argon2id key derived from the code is kept, never the code.
struct EnrolmentInvite {
    std::string kiosk_id;  // one invite per kiosk id; a new invite replaces the last
    std::string key_hex;
    std::int64_t created_ms = 0;
    std::int64_t expires_ms = 0;
    std::int64_t used_ms = 0;  // 0 = not used yet
    int failures = 0;          // wrong proofs sent for this kiosk id
};

// [SECTION] Kiosk health, visual checks, alerts

struct Heartbeat {
    std::string kiosk_id;
    std::string received_at;  // RFC 3339, set by the reception
    std::string reader;       // "ok" | "no_reader" | "error"
    std::string camera;       // "ok" | "none" | "error"
    std::int64_t outbox_depth = 0;
    std::string version;
};

enum class VisualCheckState { Pending, Confirmed, Rejected };
std::string_view to_string(VisualCheckState s);

struct VisualCheck {
    std::string id;  // UUID chosen by the kiosk (idempotent create)
    std::string kiosk_id;
    int kiosk_ticket = 0;
    std::string created_at;
    VisualCheckState state = VisualCheckState::Pending;
    std::string staff;  // who confirmed / rejected
    std::string resolved_at;
};

struct Alert {
    std::int64_t id = 0;
    std::string kiosk_id;
    std::string
        kind;  // "staff_help" | "card_blocked" | "card_error" | "camera_lost" | "reader_lost" | "other"
    std::string message;
    std::string created_at;
    bool acknowledged = false;
    std::string acknowledged_by;
};
bool is_alert_kind(std::string_view kind);

// [SECTION] Change feed

struct Change {
    enum class Kind { Entry, Heartbeat, VisualCheck, Alert };
    Kind kind = Kind::Entry;
    std::string id;  // record id, kiosk id, visual-check id, alert id (decimal)
};
std::string_view to_string(Change::Kind k);
std::optional<Change::Kind> parse_change_kind(std::string_view s);

// [SECTION] The interface

class Store {
  public:
    virtual ~Store() = default;
    virtual std::string_view backend() const = 0;  // "sqlite" | "postgres"
    virtual Result<bool> ping() = 0;

    // Check-ins. `canonical_json` is uk::to_json_string(record) (so equal records compare equal as text).
    virtual Result<InsertOutcome> insert_checkin(const CheckinRecord& record,
                                                 const std::string& canonical_json,
                                                 const std::string& kiosk_id, WallTime now) = 0;
    virtual Result<std::vector<QueueEntry>> list_entries(
        std::size_t limit) = 0;  // arrival order, newest last
    virtual Result<std::optional<QueueEntry>> get_entry(const std::string& record_id) = 0;
    virtual Result<std::int64_t> count_entries() = 0;
    // Applies `action` if the current status allows it; Error text says why not (e.g. "already done").
    virtual Result<QueueEntry> act_on_entry(const std::string& record_id, EntryAction action,
                                            const std::string& staff, WallTime now) = 0;

    // Kiosks: the token is stored as its SHA-256 hex only.
    virtual Result<bool> put_kiosk(const std::string& kiosk_id, const std::string& token_hash,
                                   WallTime now) = 0;
    virtual Result<std::optional<std::string>> kiosk_for_token_hash(const std::string& token_hash) = 0;

    // Enrolment invites. put replaces the kiosk's earlier invite and drops invites that expired over 7 days
    // ago; use marks the invite used when it is still unused and holds that key (true = this call used it).
    virtual Result<bool> put_enrolment_invite(const EnrolmentInvite& invite) = 0;
    virtual Result<std::vector<EnrolmentInvite>> list_enrolment_invites() = 0;
    virtual Result<bool> use_enrolment_invite(const std::string& kiosk_id, const std::string& key_hex,
                                              std::int64_t now_ms) = 0;
    // Counts a wrong proof against the kiosk's invite; returns the failures so far (0 when it has none).
    virtual Result<int> count_enrolment_failure(const std::string& kiosk_id) = 0;

    // Staff users.
    virtual Result<bool> put_user(const StaffUser& user) = 0;  // insert or replace (password change)
    virtual Result<std::optional<StaffUser>> get_user(const std::string& name) = 0;
    virtual Result<std::int64_t> count_users() = 0;

    // Sessions.
    virtual Result<bool> put_session(const Session& s) = 0;
    virtual Result<std::optional<Session>> get_session(const std::string& token_hash,
                                                       std::int64_t now_ms) = 0;
    virtual Result<bool> delete_session(const std::string& token_hash) = 0;
    // Deletes sessions that expired at or before now_ms; returns how many.
    virtual Result<std::int64_t> purge_sessions(std::int64_t now_ms) = 0;

    // Heartbeats: the latest per kiosk.
    virtual Result<bool> put_heartbeat(const Heartbeat& h) = 0;
    virtual Result<std::vector<Heartbeat>> list_heartbeats() = 0;

    // Visual checks. create is idempotent per id (same kiosk); resolve only from Pending.
    virtual Result<VisualCheck> create_visual_check(const VisualCheck& v) = 0;
    virtual Result<std::optional<VisualCheck>> get_visual_check(const std::string& id) = 0;
    virtual Result<VisualCheck> resolve_visual_check(const std::string& id, bool confirm,
                                                     const std::string& staff, WallTime now) = 0;
    virtual Result<std::vector<VisualCheck>> list_visual_checks(bool pending_only) = 0;

    // Alerts.
    virtual Result<Alert> add_alert(const Alert& a) = 0;
    virtual Result<Alert> ack_alert(std::int64_t id, const std::string& staff) = 0;
    virtual Result<std::optional<Alert>> get_alert(std::int64_t id) = 0;
    virtual Result<std::vector<Alert>> list_alerts(bool open_only) = 0;

    void set_change_listener(std::function<void(const Change&)> listener);

  protected:
    void emit(const Change& c) const;

  private:
    mutable std::mutex listener_mutex_;
    std::function<void(const Change&)> listener_;
};

// Opens the embedded store at `path` (created with its schema when missing).
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);
// Connects to PostgreSQL (`conninfo` as libpq takes it), creates the schema when missing, and LISTENs.
Result<std::unique_ptr<Store>> open_pg_store(const std::string& conninfo);

// JSON forms used by the API and the monitor (docs/api.md).
nlohmann::json entry_to_json(const QueueEntry& e);  // {"seq":..,"status":..,...,"record":{...}}
nlohmann::json heartbeat_to_json(const Heartbeat& h);
nlohmann::json visual_check_to_json(const VisualCheck& v);
nlohmann::json alert_to_json(const Alert& a);

}  // namespace uk::reception
