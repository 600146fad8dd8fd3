// ReceptionTransport over HTTPS (cpp-httplib + OpenSSL). The kiosk trusts exactly the reception certificate
// (or CA) in `pinned_cert_path` — not the system's CA store — and checks the host name; it authenticates with
// its bearer token. One keep-alive connection, calls serialised by a mutex.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "kiosk/queue/transport.h"

namespace httplib {
class SSLClient;
}

namespace uk {

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

  private:
    HttpsTransportConfig cfg_;
    std::mutex mu_;
    std::unique_ptr<httplib::SSLClient> client_;
};

}  // namespace uk
