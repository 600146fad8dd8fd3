#include "platform/net/https_transport.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

#include <httplib.h>

namespace uk {

HttpsTransport::HttpsTransport(HttpsTransportConfig cfg) : cfg_(std::move(cfg)) {
    client_ = std::make_unique<httplib::SSLClient>(cfg_.host, cfg_.port);
    client_->set_ca_cert_path(cfg_.pinned_cert_path.c_str());
    client_->enable_server_certificate_verification(true);
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

// Writing to a reception that just died raises SIGPIPE, which would kill the kiosk. Like libcurl, block it on
// this thread for the duration of the call and swallow one that became pending, without touching the
// process's signal disposition.
class SigpipeGuard {
  public:
    SigpipeGuard() {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe, &old_);
    }
    ~SigpipeGuard() {
        if (!was_pending_) {
            sigset_t pending;
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                sigset_t pipe;
                sigemptyset(&pipe);
                sigaddset(&pipe, SIGPIPE);
                timespec zero{0, 0};
                sigtimedwait(&pipe, nullptr, &zero);
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

  private:
    sigset_t old_{};
    bool was_pending_ = false;
};

HttpReply to_reply(const httplib::Result& r, const httplib::SSLClient& c) {
    HttpReply out;
    if (r) {
        out.status = r->status;
        out.body = r->body;
        return out;
    }
    out.error = httplib::to_string(r.error());
    if (r.error() == httplib::Error::SSLServerVerification)
        out.error += " (the reception's certificate does not match the pinned one; verify result " +
                     std::to_string(c.get_openssl_verify_result()) + ")";
    return out;
}

}  // namespace

HttpReply HttpsTransport::post_json(std::string_view path, const std::string& body) {
    std::lock_guard lock(mu_);
    SigpipeGuard guard;
    auto r = client_->Post(std::string(path), body, "application/json");
    return to_reply(r, *client_);
}

HttpReply HttpsTransport::get(std::string_view path) {
    std::lock_guard lock(mu_);
    SigpipeGuard guard;
    auto r = client_->Get(std::string(path));
    return to_reply(r, *client_);
}

}  // namespace uk
