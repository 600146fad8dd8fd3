#include "platform/net/https_transport.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include <httplib.h>

#include "platform/net/sigpipe_guard.h"

namespace uk {

namespace {

std::vector<std::string> read_ders(const std::string& path) {
    std::vector<std::string> out;
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return out;
    while (X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
        unsigned char* der = nullptr;
        int n = i2d_X509(x, &der);
        if (n > 0) out.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
        OPENSSL_free(der);
        X509_free(x);
    }
    ERR_clear_error();
    std::fclose(f);
    return out;
}

// Replaces OpenSSL's chain check for this client: exact pin first, else chain to the file + host name.
int check_certificate(X509_STORE_CTX* store, void* arg) {
    auto* pins = static_cast<HttpsTransport::Pins*>(arg);
    X509* leaf = X509_STORE_CTX_get0_cert(store);
    if (!leaf) return 0;
    unsigned char* der = nullptr;
    int n = i2d_X509(leaf, &der);
    std::string leaf_der(reinterpret_cast<char*>(der), static_cast<std::size_t>(n > 0 ? n : 0));
    OPENSSL_free(der);
    for (const auto& d : pins->ders)
        if (d == leaf_der) {
            X509_STORE_CTX_set_error(store, X509_V_OK);
            return 1;
        }
    if (X509_verify_cert(store) != 1) {
        pins->failure = std::string("the reception's certificate does not match the pinned one (") +
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)) + ")";
        return 0;
    }
    bool named = X509_check_ip_asc(leaf, pins->host.c_str(), 0) == 1 ||
                 X509_check_host(leaf, pins->host.c_str(), pins->host.size(), 0, nullptr) == 1;
    if (!named) {
        pins->failure = "the reception's certificate does not name " + pins->host;
        X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
        return 0;
    }
    return 1;
}

}  // namespace

HttpsTransport::HttpsTransport(HttpsTransportConfig cfg) : cfg_(std::move(cfg)) {
    pins_ = std::make_unique<Pins>(Pins{cfg_.host, read_ders(cfg_.pinned_cert_path), {}});
    client_ = std::make_unique<httplib::SSLClient>(cfg_.host, cfg_.port);
    // httplib's own check (chain + host name) is off; the context checks the pin itself (check_certificate).
    client_->enable_server_certificate_verification(false);
    SSL_CTX* ctx = client_->ssl_context();
    X509_STORE* store = X509_STORE_new();
    if (!cfg_.pinned_cert_path.empty()) X509_STORE_load_file(store, cfg_.pinned_cert_path.c_str());
    ERR_clear_error();
    SSL_CTX_set_cert_store(ctx, store);  // only the pinned file: never the system CA store
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, check_certificate, pins_.get());
    client_->set_connection_timeout(cfg_.connect_timeout);
    client_->set_read_timeout(cfg_.read_timeout);
    client_->set_write_timeout(cfg_.read_timeout);
    client_->set_keep_alive(true);
    client_->set_tcp_nodelay(
        true);  // headers and body go in separate writes: without it, Nagle + delayed ACK add 40 ms
    client_->set_default_headers({{"Authorization", "Bearer " + cfg_.token}});
}

HttpsTransport::~HttpsTransport() = default;

namespace {

HttpReply to_reply(const httplib::Result& r, HttpsTransport::Pins& pins) {
    HttpReply out;
    if (r) {
        out.status = r->status;
        out.body = r->body;
        return out;
    }
    out.error = httplib::to_string(r.error());
    if (pins.ders.empty())
        out.error += " (no certificate in the pinned file: enrol the kiosk again or check reception.ca_file)";
    else if (!pins.failure.empty())
        out.error += " (" + pins.failure + ")";
    pins.failure.clear();
    return out;
}

}  // namespace

HttpReply HttpsTransport::post_json(std::string_view path, const std::string& body) {
    std::lock_guard lock(mu_);
    SigpipeGuard guard;
    auto r = client_->Post(std::string(path), body, "application/json");
    return to_reply(r, *pins_);
}

HttpReply HttpsTransport::get(std::string_view path) {
    std::lock_guard lock(mu_);
    SigpipeGuard guard;
    auto r = client_->Get(std::string(path));
    return to_reply(r, *pins_);
}

std::optional<HttpsEndpoint> parse_https_url(const std::string& url) {
    const std::string prefix = "https://";
    if (url.rfind(prefix, 0) != 0) return std::nullopt;
    std::string rest = url.substr(prefix.size());
    rest = rest.substr(0, rest.find('/'));
    HttpsEndpoint u;
    auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find(']') == std::string::npos) {
        u.host = rest.substr(0, colon);
        try {
            u.port = std::stoi(rest.substr(colon + 1));
        } catch (...) {
            return std::nullopt;
        }
    } else {
        u.host = rest;
    }
    if (u.host.empty() || u.port <= 0 || u.port > 65535) return std::nullopt;
    return u;
}

}  // namespace uk
