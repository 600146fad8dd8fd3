// The log of the kiosk and the reception: one line per event, to stderr (journald picks it up under systemd;
// with JOURNAL_STREAM set each line carries its syslog priority as "<N>") and optionally to a file that
// rotates by size (N files at most, mode 0640, reopened on rotation: it never grows without bound).
//
// Personal data: a log line must not carry any. Code passes names, birth dates, insurer / insured numbers and
// the like only as personal fields (uk::log::personal), which are always masked. As defence in depth, every
// line also goes through redact() before it is written: digit runs of 6 or more (My Number's 12, insurer and
// insured numbers, 照合番号B's 14, YYYYMMDD dates) and 4-digit groups like "1234 5678 9012", values after
// pin= / password= / token= / code= / secret= / key= / Bearer, values after birth / 生年月日 keys, and
// Japanese era dates (昭和50年1月2日, S50.01.02) are masked; invalid UTF-8 becomes U+FFFD and control
// characters are escaped, so one event stays one line. Japanese names cannot be found generically: that is
// what personal fields are for.
//
// THREAD SAFETY: every function may be called from any thread; lines are written whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk::log {

struct LogConfig;
Result<bool> configure(LogConfig cfg);

enum class Level { Debug, Info, Warn, Error };
std::string_view to_string(Level l);
std::optional<Level> parse_level(std::string_view s);  // "debug" | "info" | "warn" | "error"

struct Field {
    std::string key;
    std::string value;
    bool personal = false;  // always written as key=[personal]
};
Field field(std::string key, std::string value);
Field field(std::string key, long long value);
Field personal(std::string key, std::string value);

struct LogConfig {
    std::string program;  // prefix of every line, e.g. "uketsuke-reception"
    Level min_level = Level::Info;
    bool to_stderr = true;
    std::string file;                        // empty = no file
    std::size_t max_file_bytes = 10u << 20;  // rotate before a line would pass this size
    int max_files = 5;                       // the file and file.1 .. file.(max_files-1)
    int stderr_fd = 2;                       // tests point this elsewhere
};

class Logger {
  public:
    // Opens the file (and its folder) when one is configured; Error naming the file when it cannot.
    static Result<std::unique_ptr<Logger>> open(LogConfig cfg);
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
    void debug(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Debug, m, f); }
    void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Info, m, f); }
    void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Warn, m, f); }
    void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::Error, m, f); }
    bool enabled(Level level) const;
    // Closes and reopens the file (after an outside logrotate, on SIGHUP).
    Result<bool> reopen();

  private:
    friend Result<bool> configure(LogConfig cfg);
    explicit Logger(LogConfig cfg);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The process's logger: stderr only at Info until configure() replaces its settings.
Logger& global();

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
    global().write(Level::Debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
    global().write(Level::Info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
    global().write(Level::Warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
    global().write(Level::Error, m, f);
}

// For the kiosk/* modules' `std::function<void(const std::string&)> log` options: each line to the process
// logger at `level` (kiosk/* libraries never link platform/*; kiosk/app passes this in).
std::function<void(const std::string&)> as_callback(Level level = Level::Info);

// The defence-in-depth pass every line goes through (exposed for tests and for other sinks).
std::string redact(std::string_view text);

}  // namespace uk::log
