// The append-only, tamper-evident audit log of the consented-information viewer (and of the admin commands
// that change insured data): who, what, when, each entry chained to the one before by SHA-256.
//
//   hash(n) = SHA-256( seq | at | actor | role | action | subject | detail | hash(n-1) )   (fields joined by
//   0x1F) hash(0) is 64 zeros.
//
// The SQLite file refuses UPDATE and DELETE (triggers), so the program can only append; verify() walks the
// chain and names the first entry that does not fit (edited, removed or inserted rows). Cutting entries off
// the end is only visible against a head hash kept elsewhere: head() gives it (uketsuke-qualification
// audit verify prints it for the administrator to note).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/core/result.h"
#include "reception/qualification/sqlite_util.h"

namespace uk::qualification {

struct AuditEntry {
    std::int64_t seq = 0;
    std::string at;       // RFC 3339 UTC
    std::string actor;    // staff user name (or "admin-cli", "kiosk:<id>")
    std::string role;     // staff role wire name
    std::string action;   // e.g. "view.medication", "view.refused", "person.update"
    std::string subject;  // record id or person id the action concerns
    std::string detail;   // outcome in words (no medical content)
    std::string prev_hash;
    std::string hash;
};

struct AuditVerification {
    bool ok = false;
    std::int64_t entries = 0;
    std::int64_t first_bad_seq = 0;  // 0 when ok
    std::string head;                // hash of the last entry
    std::string message;
};

class AuditLog {
  public:
    static Result<std::unique_ptr<AuditLog>> open(const std::filesystem::path& path);

    Result<AuditEntry> append(const std::string& actor, const std::string& role, const std::string& action,
                              const std::string& subject, const std::string& detail, WallTime at);
    // Newest last. Empty subject = every entry.
    Result<std::vector<AuditEntry>> entries(const std::string& subject = {}, std::size_t limit = 1000);
    Result<AuditVerification> verify();

    static std::string chain_hash(const AuditEntry& e);  // the hash e.hash must equal

  private:
    AuditLog() = default;
    std::mutex mu_;
    sql::Db db_;
};

}  // namespace uk::qualification
