// The reception service's configuration: built-in defaults that serve on 127.0.0.1:8443 with data in
// ~/.local/share/uketsuke-reception; a TOML file (--config) overrides them and command-line flags override
// the file. An unknown key or a bad value is an error naming the file, the key and the reason; nothing falls
// back silently. docs/reception.md lists every key.
#pragma once

#include <cstddef>
#include <string>

#include "kiosk/core/result.h"

namespace uk::reception {

struct ServiceConfig {
    std::string host = "127.0.0.1";
    int port = 8443;
    std::string data_dir;          // empty = default_data_dir()
    std::string store = "sqlite";  // "sqlite" | "postgres"
    std::string postgres;          // libpq conninfo when store = "postgres"
    std::string tls_cert;          // empty = self-signed in <data>/tls/
    std::string tls_key;
    int threads = 64;            // worker threads; one per open connection (SSE streams included)
    int max_event_streams = 32;  // open monitor streams allowed; more get 503 (keeps workers for the API)
    std::size_t max_body_bytes = 64 * 1024;
    int read_timeout_s = 5;  // per read; a client slower than this is dropped
    int write_timeout_s = 5;
    int session_hours = 12;
    int sse_keepalive_s = 15;       // comment line sent on an idle event stream (finds dead connections)
    std::size_t queue_limit = 500;  // entries returned by GET /api/v1/queue
    // [log] (platform/system/log.h): stderr always (journald under systemd); a file only when set.
    std::string log_level = "info";  // debug | info | warn | error
    std::string log_file;            // empty = stderr only
    long long log_max_bytes = 10 << 20;
    int log_files = 5;
    // POST /api/v1/kiosks/enrol attempts per source address per 10 minutes (more get 429). Not in the TOML
    // file: each invite also dies after 5 wrong codes, so this only slows a noisy neighbour down.
    int enrol_attempts = 10;
};

// $XDG_DATA_HOME/uketsuke-reception, else $HOME/.local/share/uketsuke-reception.
std::string default_data_dir();

// Reads a TOML file over `base`.
Result<ServiceConfig> load_config_file(const std::string& path, ServiceConfig base = {});
// "HOST:PORT" or "[v6]:PORT" into cfg.
Result<bool> apply_listen(ServiceConfig& cfg, const std::string& host_port);
// Fills data_dir and checks cross-field rules.
Result<bool> finish_config(ServiceConfig& cfg);

}  // namespace uk::reception
