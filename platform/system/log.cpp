// The log. Index:
//   [SECTION] Redaction   the defence-in-depth pass over every line
//   [SECTION] Logger      formatting, stderr, the rotating file
#include "platform/system/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <regex>

namespace uk::log {

std::string_view to_string(Level l) {
    switch (l) {
        case Level::Debug:
            return "DEBUG";
        case Level::Info:
            return "INFO";
        case Level::Warn:
            return "WARN";
        case Level::Error:
            return "ERROR";
    }
    return "INFO";
}

std::optional<Level> parse_level(std::string_view s) {
    if (s == "debug") return Level::Debug;
    if (s == "info") return Level::Info;
    if (s == "warn") return Level::Warn;
    if (s == "error") return Level::Error;
    return std::nullopt;
}

Field field(std::string key, std::string value) {
    return Field{std::move(key), std::move(value), false};
}
Field field(std::string key, long long value) {
    return Field{std::move(key), std::to_string(value), false};
}
Field personal(std::string key, std::string value) {
    return Field{std::move(key), std::move(value), true};
}

// [SECTION] Redaction

namespace {

constexpr std::string_view kMask = "[redacted]";
constexpr std::size_t kMaxLine = 8192;

// Valid UTF-8 kept, every invalid byte becomes U+FFFD, control characters are escaped (\n, \r, \t kept as
// two characters; others as \xNN) so that one event is one line.
std::string sanitise(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c < 0x80) {
            if (c == '\n')
                out += "\\n";
            else if (c == '\r')
                out += "\\r";
            else if (c == '\t')
                out += ' ';
            else if (c < 0x20 || c == 0x7f) {
                static constexpr char kHex[] = "0123456789abcdef";
                out += "\\x";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t len = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
        bool ok = len > 0 && i + len <= in.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(in[i + k]) & 0xc0) == 0x80;
        if (ok && len == 3) {
            auto c1 = static_cast<unsigned char>(in[i + 1]);
            ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);  // overlong, surrogates
        }
        if (ok && len == 4) {
            auto c1 = static_cast<unsigned char>(in[i + 1]);
            ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
        }
        if (!ok) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        out.append(in.substr(i, len));
        i += len;
    }
    return out;
}

// Length in bytes of the digit at `i` (ASCII 1, full-width ０-９ 3), or 0.
std::size_t digit_at(std::string_view s, std::size_t i) {
    if (i < s.size() && s[i] >= '0' && s[i] <= '9') return 1;
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
        static_cast<unsigned char>(s[i + 1]) == 0xBC && static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(s[i + 2]) <= 0x99)
        return 3;
    return 0;
}

// Masks digit runs of 6 or more, and 3+ groups of 4 digits joined by ' ' or '-' (a My Number as printed).
std::string mask_digits(std::string_view s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (!digit_at(s, i)) {
            out += s[i++];
            continue;
        }
        // Read groups: digits, then optionally a single separator followed by more digits.
        std::size_t start = i, groups = 0, end = i;
        bool all_four = true;
        std::size_t j = i;
        for (;;) {
            std::size_t n = 0;
            while (std::size_t d = digit_at(s, j)) {
                j += d;
                ++n;
            }
            ++groups;
            all_four = all_four && n == 4;
            end = j;
            if (j + 1 < s.size() && (s[j] == ' ' || s[j] == '-') && digit_at(s, j + 1))
                ++j;
            else
                break;
        }
        if (all_four && groups >= 3) {
            out += kMask;
            i = end;
            continue;
        }
        // Otherwise only the first group is judged here; the rest is scanned again.
        std::size_t k = start, n = 0;
        while (std::size_t d = digit_at(s, k)) {
            k += d;
            ++n;
        }
        if (n >= 6)
            out += kMask;
        else
            out.append(s.substr(start, k - start));
        i = k;
    }
    return out;
}

const std::regex& secret_after_key() {
    // key=value, key: value, key "value"; the value runs to the next space, quote, comma or semicolon.
    static const std::regex re(
        R"(((?:^|[^A-Za-z0-9_])(?:pin|pin_code|password|passwd|token|code|secret|key|private_key|authorization|cookie|set-cookie|uk_session|csrf|x-csrf-token|暗証番号|照合番号b?|my_?number|マイナンバー|個人番号)\s*[:=]\s*(?:bearer\s+)?"?)([^\s",;]+))",
        std::regex::icase);
    return re;
}

const std::regex& birth_after_key() {
    static const std::regex re(
        R"(((?:birth[A-Za-z_]*|born|dob|生年月日|誕生日)\s*[:=]?\s*"?)([^\s",;]+(?:\s?[^\s",;=]*日)?))",
        std::regex::icase);
    return re;
}

const std::regex& bearer() {
    static const std::regex re(R"((bearer\s+)([A-Za-z0-9._~+/=-]+))", std::regex::icase);
    return re;
}

const std::regex& era_date() {
    static const std::regex re(
        R"((?:明治|大正|昭和|平成|令和)\s*(?:元|[0-9０-９]{1,2})\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日|\b[MTSHR][0-9]{1,2}[./][0-9]{1,2}[./][0-9]{1,2}\b)");
    return re;
}

}  // namespace

std::string redact(std::string_view text) {
    std::string s = sanitise(text.substr(0, kMaxLine));
    if (text.size() > kMaxLine) s += " [truncated]";
    s = std::regex_replace(s, secret_after_key(), "$1[redacted]");
    s = std::regex_replace(s, bearer(), "$1[redacted]");
    s = std::regex_replace(s, birth_after_key(), "$1[redacted]");
    s = std::regex_replace(s, era_date(), "[redacted]");
    return mask_digits(s);
}

// [SECTION] Logger

struct Logger::Impl {
    std::mutex mu;
    LogConfig cfg;
    int fd = -1;
    std::size_t size = 0;
    bool journal = false;  // stderr is the journal's stream (JOURNAL_STREAM names its device:inode)

    void detect_journal() {
        journal = false;
        const char* js = std::getenv("JOURNAL_STREAM");
        struct stat st {};
        if (!js || ::fstat(cfg.stderr_fd, &st) != 0) return;
        unsigned long long dev = 0, ino = 0;
        if (std::sscanf(js, "%llu:%llu", &dev, &ino) == 2)
            journal = dev == static_cast<unsigned long long>(st.st_dev) &&
                      ino == static_cast<unsigned long long>(st.st_ino);
    }

    ~Impl() { close_file(); }

    void close_file() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }

    Result<bool> open_file() {
        close_file();
        if (cfg.file.empty()) return true;
        std::filesystem::path p(cfg.file);
        std::error_code ec;
        if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
        fd = ::open(cfg.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) return Error{"log file " + cfg.file + ": " + std::strerror(errno)};
        ::fchmod(fd, 0640);
        struct stat st {};
        size = ::fstat(fd, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0;
        return true;
    }

    // file.(n-1) dropped, file.i -> file.(i+1), file -> file.1, a new file.
    void rotate() {
        close_file();
        auto name = [&](int i) { return i == 0 ? cfg.file : cfg.file + "." + std::to_string(i); };
        ::unlink(name(cfg.max_files - 1).c_str());
        for (int i = cfg.max_files - 2; i >= 0; --i)
            ::rename(name(i).c_str(), name(i + 1).c_str());
        (void)open_file();
    }

    static void write_all(int to, std::string_view s) {
        while (!s.empty()) {
            ssize_t n = ::write(to, s.data(), s.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            s.remove_prefix(static_cast<std::size_t>(n));
        }
    }
};

namespace {

std::string timestamp() {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

int syslog_priority(Level l) {
    switch (l) {
        case Level::Debug:
            return 7;
        case Level::Info:
            return 6;
        case Level::Warn:
            return 4;
        case Level::Error:
            return 3;
    }
    return 6;
}

std::string render_value(const std::string& v) {
    bool plain = !v.empty() && v.find_first_of(" \"=") == std::string::npos;
    if (plain) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

Logger::Logger(LogConfig cfg) : impl_(std::make_unique<Impl>()) {
    impl_->cfg = std::move(cfg);
    if (impl_->cfg.max_files < 1) impl_->cfg.max_files = 1;
    impl_->detect_journal();
}

Logger::~Logger() = default;

Result<std::unique_ptr<Logger>> Logger::open(LogConfig cfg) {
    std::unique_ptr<Logger> l(new Logger(std::move(cfg)));
    if (auto ok = l->impl_->open_file(); !ok) return Error{ok.error()};
    return l;
}

bool Logger::enabled(Level level) const {
    std::lock_guard lock(impl_->mu);
    return level >= impl_->cfg.min_level;
}

Result<bool> Logger::reopen() {
    std::lock_guard lock(impl_->mu);
    return impl_->open_file();
}

void Logger::write(Level level, std::string_view message, std::initializer_list<Field> fields) {
    std::string body(message);
    for (const auto& f : fields) {
        body += ' ';
        body += f.key;
        body += '=';
        body += f.personal ? std::string("[personal]") : render_value(f.value);
    }
    std::string safe = redact(body);
    std::string ts = timestamp();
    std::lock_guard lock(impl_->mu);
    Impl& im = *impl_;
    if (level < im.cfg.min_level) return;
    std::string prog = im.cfg.program.empty() ? std::string() : im.cfg.program + ": ";
    std::string line = std::string(to_string(level)) + " " + prog + safe + "\n";
    if (im.cfg.to_stderr) {
        std::string prefix = im.journal ? "<" + std::to_string(syslog_priority(level)) + ">" : ts + " ";
        Impl::write_all(im.cfg.stderr_fd, prefix + line);
    }
    if (!im.cfg.file.empty()) {
        std::string full = ts + " " + line;
        if (im.fd >= 0 && im.size > 0 && im.size + full.size() > im.cfg.max_file_bytes) im.rotate();
        if (im.fd < 0) (void)im.open_file();
        if (im.fd >= 0) {
            Impl::write_all(im.fd, full);
            im.size += full.size();
        }
    }
}

std::function<void(const std::string&)> as_callback(Level level) {
    return [level](const std::string& line) { global().write(level, line); };
}

Logger& global() {
    static Logger* g = [] {
        auto l = Logger::open(LogConfig{});
        return l ? l->release() : nullptr;
    }();
    return *g;
}

Result<bool> configure(LogConfig cfg) {
    Logger& g = global();
    std::lock_guard lock(g.impl_->mu);
    if (cfg.max_files < 1) cfg.max_files = 1;
    g.impl_->cfg = std::move(cfg);
    g.impl_->detect_journal();
    return g.impl_->open_file();
}

}  // namespace uk::log
