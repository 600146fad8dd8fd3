// A minimal RAII wrapper over SQLite for the qualification room's two databases (the simulator's
// insured-persons database and the audit log). Internal to reception/qualification.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk::qualification::sql {

class Db {
  public:
    Db() = default;
    ~Db() {
        if (db_) sqlite3_close_v2(db_);
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Opens (creating) `path` with WAL and synchronous=FULL; error text names the file.
    Result<bool> open(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                            nullptr) != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            return Error{"cannot open the database " + path + ": " + msg};
        }
        sqlite3_busy_timeout(db_, 5000);
        if (auto r = exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !r)
            return Error{path + ": " + r.error()};
        return true;
    }
    Result<bool> exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "unknown error";
            sqlite3_free(err);
            return Error{m};
        }
        return true;
    }
    sqlite3* get() const { return db_; }
    std::string error() const { return sqlite3_errmsg(db_); }
    std::int64_t last_id() const { return sqlite3_last_insert_rowid(db_); }
    int changes() const { return sqlite3_changes(db_); }

  private:
    sqlite3* db_ = nullptr;
};

class Stmt {
  public:
    Stmt(const Db& db, const char* sql) : db_(db.get()) {
        if (sqlite3_prepare_v2(db_, sql, -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
    }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    bool ok() const { return st_ != nullptr; }

    Stmt& text(int i, std::string_view s) {
        sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& opt_text(int i, const std::string& s) {  // empty string -> NULL
        if (s.empty()) {
            sqlite3_bind_null(st_, i);
        } else {
            text(i, s);
        }
        return *this;
    }
    Stmt& blob(int i, std::string_view b) {
        sqlite3_bind_blob(st_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& int64(int i, std::int64_t v) {
        sqlite3_bind_int64(st_, i, v);
        return *this;
    }
    Stmt& null(int i) {
        sqlite3_bind_null(st_, i);
        return *this;
    }
    int step() { return st_ ? sqlite3_step(st_) : SQLITE_MISUSE; }
    bool row() { return step() == SQLITE_ROW; }
    bool done() { return step() == SQLITE_DONE; }

    std::string col_text(int c) const {
        const auto* p = sqlite3_column_text(st_, c);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(st_, c)))
                 : std::string();
    }
    std::string col_blob(int c) const {
        const void* p = sqlite3_column_blob(st_, c);
        return p ? std::string(static_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(st_, c)))
                 : std::string();
    }
    std::int64_t col_int(int c) const { return sqlite3_column_int64(st_, c); }
    bool col_null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
    std::string error() const { return sqlite3_errmsg(db_); }

  private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

}  // namespace uk::qualification::sql
