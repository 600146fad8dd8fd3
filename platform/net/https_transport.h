// ReceptionTransport over HTTPS (cpp-httplib + OpenSSL). The kiosk trusts only what `pinned_cert_path` holds
// — not the system's CA store: a server presenting exactly a certificate of that file is accepted whatever
// name the kiosk used (the pin is the identity: a self-signed reception on 0.0.0.0 is reached by its LAN
// address); any other certificate must chain to a certificate of the file and name the host. It authenticates
// with its bearer token. One keep-alive connection, calls serialised by a mutex.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/queue/transport.h"

namespace httplib {
class SSLClient;
}

namespace uk {

// "https://host:port/path" -> host and port (443 when none is given); nullopt for anything else (plain http,
// no host, a port that is not a number in 1..65535).
struct HttpsEndpoint {
    std::string host;
    int port = 443;
};
std::optional<HttpsEndpoint> parse_https_url(const std::string& url);

struct HttpsTransportConfig {
    std::string host = "127.0.0.1";
    int port = 8443;
    std::string pinned_cert_path;  // PEM: the reception's self-signed certificate, or the CA that issued it
    std::string token;             // the kiosk's bearer token (`uketsuke-reception kiosk add`)
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds read_timeout{5000};
};

class HttpsTransport final : public ReceptionTransport {
  public:
    explicit HttpsTransport(HttpsTransportConfig cfg);
    ~HttpsTransport() override;
    HttpReply post_json(std::string_view path, const std::string& body) override;
    HttpReply get(std::string_view path) override;

    // Used by the certificate check (OpenSSL callback); not for callers.
    struct Pins {
        std::string host;
        std::vector<std::string> ders;  // DER of every certificate in the pinned file
        std::string failure;            // why the last handshake's certificate was refused
    };

  private:
    HttpsTransportConfig cfg_;
    std::mutex mu_;
    std::unique_ptr<Pins> pins_;
    std::unique_ptr<httplib::SSLClient> client_;
};

}  // namespace uk
