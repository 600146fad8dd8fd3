#include "reception/server/config.h"

#include <cstdlib>
#include <functional>
#include <set>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <toml++/toml.h>
#pragma GCC diagnostic pop

namespace uk::reception {

std::string default_data_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::string(x) + "/uketsuke-reception";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.local/share/uketsuke-reception";
}

Result<bool> apply_listen(ServiceConfig& cfg, const std::string& hp) {
    std::string host, port;
    if (!hp.empty() && hp[0] == '[') {
        auto close = hp.find(']');
        if (close == std::string::npos || close + 1 >= hp.size() || hp[close + 1] != ':')
            return Error{"listen: expected [IPv6]:PORT, got \"" + hp + "\""};
        host = hp.substr(1, close - 1);
        port = hp.substr(close + 2);
    } else {
        auto colon = hp.rfind(':');
        if (colon == std::string::npos) return Error{"listen: expected HOST:PORT, got \"" + hp + "\""};
        host = hp.substr(0, colon);
        port = hp.substr(colon + 1);
    }
    if (host.empty()) return Error{"listen: the host is empty in \"" + hp + "\""};
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
        return Error{"listen: \"" + port + "\" is not a port number"};
    int p = std::stoi(port);
    if (p > 65535) return Error{"listen: port " + port + " is above 65535"};
    cfg.host = host;
    cfg.port = p;
    return true;
}

namespace {

struct Reader {
    const std::string& file;
    Error error(const std::string& key, const std::string& why) const {
        return Error{file + ": " + key + ": " + why};
    }
};

Result<bool> check_keys(const Reader& rd, const toml::table& t, const std::string& prefix,
                        const std::set<std::string>& allowed) {
    for (const auto& [k, v] : t) {
        std::string key(k.str());
        if (!allowed.contains(key)) return rd.error(prefix + key, "unknown key");
        (void)v;
    }
    return true;
}

Result<std::string> get_string(const Reader& rd, const toml::table& t, const char* key,
                               const std::string& path) {
    const toml::node* n = t.get(key);
    if (!n->is_string()) return rd.error(path, "expected a string");
    return std::string(*n->as_string());
}

Result<long long> get_int(const Reader& rd, const toml::table& t, const char* key, const std::string& path,
                          long long lo, long long hi) {
    const toml::node* n = t.get(key);
    if (!n->is_integer()) return rd.error(path, "expected an integer");
    long long v = n->as_integer()->get();
    if (v < lo || v > hi)
        return rd.error(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
}

}  // namespace

Result<ServiceConfig> load_config_file(const std::string& path, ServiceConfig cfg) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& src = e.source();
        return Error{path + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column) +
                     ": " + std::string(e.description())};
    }
    Reader rd{path};
    if (auto ok = check_keys(rd, root, "", {"listen", "data_dir", "store", "tls", "limits", "log"}); !ok)
        return Error{ok.error()};
    if (root.contains("listen")) {
        auto s = get_string(rd, root, "listen", "listen");
        if (!s) return Error{s.error()};
        if (auto ok = apply_listen(cfg, *s); !ok) return Error{path + ": " + ok.error()};
    }
    if (root.contains("data_dir")) {
        auto s = get_string(rd, root, "data_dir", "data_dir");
        if (!s) return Error{s.error()};
        cfg.data_dir = *s;
    }
    if (const toml::node* n = root.get("store")) {
        if (!n->is_table()) return rd.error("store", "expected a table [store]");
        const toml::table& t = *n->as_table();
        if (auto ok = check_keys(rd, t, "store.", {"backend", "postgres"}); !ok) return Error{ok.error()};
        if (t.contains("backend")) {
            auto s = get_string(rd, t, "backend", "store.backend");
            if (!s) return Error{s.error()};
            if (*s != "sqlite" && *s != "postgres")
                return rd.error("store.backend", "expected \"sqlite\" or \"postgres\"");
            cfg.store = *s;
        }
        if (t.contains("postgres")) {
            auto s = get_string(rd, t, "postgres", "store.postgres");
            if (!s) return Error{s.error()};
            cfg.postgres = *s;
        }
    }
    if (const toml::node* n = root.get("tls")) {
        if (!n->is_table()) return rd.error("tls", "expected a table [tls]");
        const toml::table& t = *n->as_table();
        if (auto ok = check_keys(rd, t, "tls.", {"cert", "key"}); !ok) return Error{ok.error()};
        if (t.contains("cert")) {
            auto s = get_string(rd, t, "cert", "tls.cert");
            if (!s) return Error{s.error()};
            cfg.tls_cert = *s;
        }
        if (t.contains("key")) {
            auto s = get_string(rd, t, "key", "tls.key");
            if (!s) return Error{s.error()};
            cfg.tls_key = *s;
        }
    }
    if (const toml::node* n = root.get("log")) {
        if (!n->is_table()) return rd.error("log", "expected a table [log]");
        const toml::table& t = *n->as_table();
        if (auto ok = check_keys(rd, t, "log.", {"level", "file", "max_bytes", "files"}); !ok)
            return Error{ok.error()};
        if (t.contains("level")) {
            auto s = get_string(rd, t, "level", "log.level");
            if (!s) return Error{s.error()};
            if (*s != "debug" && *s != "info" && *s != "warn" && *s != "error")
                return rd.error("log.level", "expected \"debug\", \"info\", \"warn\" or \"error\"");
            cfg.log_level = *s;
        }
        if (t.contains("file")) {
            auto s = get_string(rd, t, "file", "log.file");
            if (!s) return Error{s.error()};
            cfg.log_file = *s;
        }
        if (t.contains("max_bytes")) {
            auto v = get_int(rd, t, "max_bytes", "log.max_bytes", 64 * 1024, 1LL << 32);
            if (!v) return Error{v.error()};
            cfg.log_max_bytes = *v;
        }
        if (t.contains("files")) {
            auto v = get_int(rd, t, "files", "log.files", 1, 100);
            if (!v) return Error{v.error()};
            cfg.log_files = static_cast<int>(*v);
        }
    }
    if (const toml::node* n = root.get("limits")) {
        if (!n->is_table()) return rd.error("limits", "expected a table [limits]");
        const toml::table& t = *n->as_table();
        if (auto ok = check_keys(rd, t, "limits.",
                                 {"threads", "max_event_streams", "max_body_bytes", "read_timeout_s",
                                  "write_timeout_s", "session_hours", "queue_limit", "sse_keepalive_s"});
            !ok)
            return Error{ok.error()};
        struct IntKey {
            const char* key;
            long long lo, hi;
            std::function<void(long long)> set;
        };
        const IntKey keys[] = {
            {"threads", 4, 1024, [&](long long v) { cfg.threads = static_cast<int>(v); }},
            {"max_event_streams", 1, 1000, [&](long long v) { cfg.max_event_streams = static_cast<int>(v); }},
            {"max_body_bytes", 1024, 1 << 20,
             [&](long long v) { cfg.max_body_bytes = static_cast<std::size_t>(v); }},
            {"read_timeout_s", 1, 300, [&](long long v) { cfg.read_timeout_s = static_cast<int>(v); }},
            {"write_timeout_s", 1, 300, [&](long long v) { cfg.write_timeout_s = static_cast<int>(v); }},
            {"session_hours", 1, 24 * 7, [&](long long v) { cfg.session_hours = static_cast<int>(v); }},
            {"sse_keepalive_s", 1, 300, [&](long long v) { cfg.sse_keepalive_s = static_cast<int>(v); }},
            {"queue_limit", 10, 100000, [&](long long v) { cfg.queue_limit = static_cast<std::size_t>(v); }},
        };
        for (const auto& k : keys) {
            if (!t.contains(k.key)) continue;
            auto v = get_int(rd, t, k.key, std::string("limits.") + k.key, k.lo, k.hi);
            if (!v) return Error{v.error()};
            k.set(*v);
        }
    }
    return cfg;
}

Result<bool> finish_config(ServiceConfig& cfg) {
    if (cfg.data_dir.empty()) cfg.data_dir = default_data_dir();
    if (cfg.store == "postgres" && cfg.postgres.empty())
        return Error{
            "store.postgres: a libpq connection string is required when store.backend is \"postgres\""};
    if (cfg.tls_cert.empty() != cfg.tls_key.empty()) return Error{"tls: give both cert and key, or neither"};
    if (cfg.max_event_streams >= cfg.threads)
        return Error{"limits.max_event_streams must be below limits.threads (each stream holds one worker)"};
    return true;
}

}  // namespace uk::reception
