#include "reception/qualification/audit_log.h"

#include "kiosk/core/record.h"
#include "reception/qualification/crypto.h"

namespace uk::qualification {

namespace {

const std::string kGenesis(64, '0');

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)SQL";

AuditEntry read_entry(const sql::Stmt& s) {
    return {s.col_int(0),  s.col_text(1), s.col_text(2), s.col_text(3), s.col_text(4),
            s.col_text(5), s.col_text(6), s.col_text(7), s.col_text(8)};
}

}  // namespace

std::string AuditLog::chain_hash(const AuditEntry& e) {
    const char sep = '\x1f';
    std::string line = std::to_string(e.seq);
    for (const std::string* f : {&e.at, &e.actor, &e.role, &e.action, &e.subject, &e.detail, &e.prev_hash}) {
        line += sep;
        line += *f;
    }
    return sha256_hex(line);
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::filesystem::path& path) {
    std::unique_ptr<AuditLog> log(new AuditLog());
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    if (auto r = log->db_.open(path.string()); !r) return Error{r.error()};
    // Personal data: readable by the service user only.
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    if (auto r = log->db_.exec(kSchema); !r) return Error{"audit log " + path.string() + ": " + r.error()};
    return log;
}

Result<AuditEntry> AuditLog::append(const std::string& actor, const std::string& role,
                                    const std::string& action, const std::string& subject,
                                    const std::string& detail, WallTime at) {
    std::lock_guard lock(mu_);
    if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return Error{"audit log: " + r.error()};
    AuditEntry e;
    {
        sql::Stmt last(db_, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        if (last.row()) {
            e.seq = last.col_int(0) + 1;
            e.prev_hash = last.col_text(1);
        } else {
            e.seq = 1;
            e.prev_hash = kGenesis;
        }
    }
    e.at = format_rfc3339(at);
    e.actor = actor;
    e.role = role;
    e.action = action;
    e.subject = subject;
    e.detail = detail;
    e.hash = chain_hash(e);
    sql::Stmt ins(db_,
                  "INSERT INTO audit_log (seq, at, actor, role, action, subject, detail, prev_hash, hash) "
                  "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    ins.int64(1, e.seq).text(2, e.at).text(3, e.actor).text(4, e.role).text(5, e.action).text(6, e.subject);
    ins.text(7, e.detail).text(8, e.prev_hash).text(9, e.hash);
    if (!ins.done()) {
        std::string err = ins.error();
        db_.exec("ROLLBACK");
        return Error{"audit log append failed: " + err};
    }
    if (auto r = db_.exec("COMMIT"); !r) {
        db_.exec("ROLLBACK");
        return Error{"audit log commit failed: " + r.error()};
    }
    return e;
}

Result<std::vector<AuditEntry>> AuditLog::entries(const std::string& subject, std::size_t limit) {
    std::lock_guard lock(mu_);
    const char* q =
        subject.empty()
            ? "SELECT * FROM (SELECT seq, at, actor, role, action, subject, detail, prev_hash, hash "
              "FROM audit_log ORDER BY seq DESC LIMIT ?1) ORDER BY seq"
            : "SELECT * FROM (SELECT seq, at, actor, role, action, subject, detail, prev_hash, hash "
              "FROM audit_log WHERE subject=?2 ORDER BY seq DESC LIMIT ?1) ORDER BY seq";
    sql::Stmt s(db_, q);
    s.int64(1, static_cast<std::int64_t>(limit));
    if (!subject.empty()) s.text(2, subject);
    std::vector<AuditEntry> out;
    while (s.row())
        out.push_back(read_entry(s));
    return out;
}

Result<AuditVerification> AuditLog::verify() {
    std::lock_guard lock(mu_);
    AuditVerification v;
    sql::Stmt s(
        db_,
        "SELECT seq, at, actor, role, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq");
    std::string prev = kGenesis;
    std::int64_t expect_seq = 1;
    while (s.row()) {
        AuditEntry e = read_entry(s);
        ++v.entries;
        std::string problem;
        if (e.seq != expect_seq) {
            problem = "entry " + std::to_string(expect_seq) + " is missing";
        } else if (e.prev_hash != prev) {
            problem = "entry " + std::to_string(e.seq) + " does not follow the entry before it";
        } else if (chain_hash(e) != e.hash) {
            problem = "entry " + std::to_string(e.seq) + " was altered";
        }
        if (!problem.empty()) {
            v.ok = false;
            v.first_bad_seq = e.seq;
            v.message = "audit log broken: " + problem;
            return v;
        }
        prev = e.hash;
        ++expect_seq;
    }
    v.ok = true;
    v.head = prev;
    v.message = "audit log intact: " + std::to_string(v.entries) + " entries";
    return v;
}

}  // namespace uk::qualification
