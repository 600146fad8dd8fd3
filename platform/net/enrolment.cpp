#include "platform/net/enrolment.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include "kiosk/queue/enrolment_proof.h"
#include "kiosk/queue/kiosk_key.h"
#include "platform/net/sigpipe_guard.h"

namespace uk {

namespace en = uk::enrolment;
using nlohmann::json;

namespace {

struct SslCtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};

class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }

  private:
    int fd_;
};

Error fail(EnrolFailure* why, EnrolFailure kind, std::string message) {
    if (why) *why = kind;
    return Error{std::move(message)};
}

std::string openssl_error() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "the peer closed the connection";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

// Connects with a time-out; on error returns -1 and sets `err` for IT.
int connect_to(const std::string& host, int port, std::chrono::milliseconds timeout, std::string& err) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res);
    if (rc != 0) {
        err = "cannot resolve \"" + host + "\": " + gai_strerror(rc);
        return -1;
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, &freeaddrinfo);
    err = "no address";
    for (addrinfo* a = res; a; a = a->ai_next) {
        Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
        if (fd.get() < 0) {
            err = std::strerror(errno);
            continue;
        }
        if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
            if (errno != EINPROGRESS) {
                err = std::strerror(errno);
                continue;
            }
            pollfd p{fd.get(), POLLOUT, 0};
            int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
            if (n == 0) {
                err = "timed out after " + std::to_string(timeout.count()) + " ms";
                continue;
            }
            int so = 0;
            socklen_t len = sizeof so;
            ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so, &len);
            if (n < 0 || so != 0) {
                err = std::strerror(n < 0 ? errno : so);
                continue;
            }
        }
        // Blocking from here on, each read and write bounded by the time-out.
        int flags = ::fcntl(fd.get(), F_GETFL);
        ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
        timeval tv{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        return fd.release();
    }
    return -1;
}

bool is_ip_literal(const std::string& host) {
    return host.find(':') != std::string::npos || host.find_first_not_of("0123456789.") == std::string::npos;
}

std::string pem_of(X509* cert) {
    std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
    if (!b || PEM_write_bio_X509(b.get(), cert) != 1) return {};
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

struct HttpAnswer {
    int status = 0;
    std::string body;
};

// Parses "HTTP/1.1 201 Created\r\n...\r\n\r\nbody" (the reception answers with Content-Length and closes).
Result<HttpAnswer> parse_http(const std::string& raw) {
    auto head_end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos || raw.size() < 12)
        return Error{"the peer did not answer HTTP"};
    HttpAnswer a;
    a.status = std::atoi(raw.substr(9, 3).c_str());
    a.body = raw.substr(head_end + 4);
    std::string head = raw.substr(0, head_end);
    for (auto& c : head)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto cl = head.find("\r\ncontent-length:"); cl != std::string::npos) {
        std::size_t n = std::strtoull(head.c_str() + cl + 17, nullptr, 10);
        if (a.body.size() < n) return Error{"the answer was cut short"};
        a.body.resize(n);
    }
    return a;
}

EnrolFailure failure_for(const std::string& reason) {
    if (reason == "wrong_code" || reason == "no_invite") return EnrolFailure::WrongCode;
    if (reason == "expired_code") return EnrolFailure::ExpiredCode;
    if (reason == "used_code" || reason == "too_many_tries") return EnrolFailure::UsedCode;
    if (reason == "kiosk_id_mismatch") return EnrolFailure::KioskIdMismatch;
    if (reason == "certificate_mismatch") return EnrolFailure::CertificateMismatch;
    if (reason == "rate_limited") return EnrolFailure::RateLimited;
    return EnrolFailure::ReceptionError;
}

}  // namespace

std::string_view to_string(EnrolFailure f) {
    switch (f) {
        case EnrolFailure::None:
            return "none";
        case EnrolFailure::BadInput:
            return "bad_input";
        case EnrolFailure::Unreachable:
            return "unreachable";
        case EnrolFailure::Tls:
            return "tls";
        case EnrolFailure::WrongCode:
            return "wrong_code";
        case EnrolFailure::ExpiredCode:
            return "expired_code";
        case EnrolFailure::UsedCode:
            return "used_code";
        case EnrolFailure::KioskIdMismatch:
            return "kiosk_id_mismatch";
        case EnrolFailure::CertificateMismatch:
            return "certificate_mismatch";
        case EnrolFailure::RateLimited:
            return "rate_limited";
        case EnrolFailure::ReceptionError:
            return "reception_error";
    }
    return "reception_error";
}

Result<Enrolment> enrol_kiosk(const EnrolRequest& rq, EnrolFailure* why) {
    if (why) *why = EnrolFailure::None;
    if (rq.kiosk_id.empty() || rq.kiosk_id.size() > 64 ||
        rq.kiosk_id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") !=
            std::string::npos)
        return fail(why, EnrolFailure::BadInput, "kiosk id: use 1..64 letters, digits, '-', '_' or '.'");
    if (rq.host.empty() || rq.port < 1 || rq.port > 65535)
        return fail(why, EnrolFailure::BadInput, "reception address: a host name or IP and a port 1..65535");
    auto code = en::normalise_code(rq.code);
    if (!code) return fail(why, EnrolFailure::BadInput, code.error());
    auto key = en::derive_key(*code);
    if (!key) return fail(why, EnrolFailure::BadInput, key.error());
    const std::string where = (rq.host.find(':') != std::string::npos ? "[" + rq.host + "]" : rq.host) + ":" +
                              std::to_string(rq.port);
    SigpipeGuard no_sigpipe;

    std::string err;
    Fd fd(connect_to(rq.host, rq.port, rq.timeout, err));
    if (fd.get() < 0)
        return fail(why, EnrolFailure::Unreachable,
                    "the reception at " + where + " cannot be reached (" + err +
                        "): check the address and port, the network cable, and that uketsuke-reception is "
                        "running");

    std::unique_ptr<SSL_CTX, SslCtxFree> ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return fail(why, EnrolFailure::Tls, "cannot set up TLS: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // No certificate is trusted yet: the certificate is recorded here and proven by the HMACs below.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd.get());
    if (!is_ip_literal(rq.host)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
        SSL_set_tlsext_host_name(ssl.get(), rq.host.c_str());  // a macro with a C cast
#pragma GCC diagnostic pop
    }
    if (SSL_connect(ssl.get()) != 1)
        return fail(why, EnrolFailure::Tls,
                    "TLS handshake with " + where + " failed (" + openssl_error() +
                        "): is this the reception's HTTPS port?");
    std::unique_ptr<X509, X509Free> cert(SSL_get1_peer_certificate(ssl.get()));
    if (!cert) return fail(why, EnrolFailure::Tls, "the reception at " + where + " presented no certificate");
    unsigned char* der_buf = nullptr;
    int der_len = i2d_X509(cert.get(), &der_buf);
    if (der_len <= 0) return fail(why, EnrolFailure::Tls, "cannot read the reception's certificate");
    std::string der(reinterpret_cast<char*>(der_buf), static_cast<std::size_t>(der_len));
    OPENSSL_free(der_buf);

    json body{{"kiosk_id", rq.kiosk_id},
              {"code_proof", en::code_proof(*key, rq.kiosk_id)},
              {"channel_proof", en::channel_proof(*key, rq.kiosk_id, der, rq.face_public_pem)},
              {"face_public_key", rq.face_public_pem}};
    std::string payload = body.dump();
    std::string request =
        "POST /api/v1/kiosks/enrol HTTP/1.1\r\nHost: " + where +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
        "\r\nConnection: close\r\n\r\n" + payload;
    if (SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())) <= 0)
        return fail(why, EnrolFailure::Unreachable,
                    "the reception at " + where + " closed the connection (" + openssl_error() + ")");
    std::string raw;
    char buf[4096];
    for (;;) {
        int n = SSL_read(ssl.get(), buf, sizeof buf);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
        if (raw.size() > 256 * 1024) break;
    }
    ERR_clear_error();
    auto answer = parse_http(raw);
    if (!answer)
        return fail(why, raw.empty() ? EnrolFailure::Unreachable : EnrolFailure::ReceptionError,
                    raw.empty()
                        ? "no answer from " + where + " within " + std::to_string(rq.timeout.count()) + " ms"
                        : answer.error() + " (" + where + ")");
    json j = json::parse(answer->body, nullptr, false);
    if (answer->status != 201) {
        std::string reason = j.is_object() && j.contains("reason") && j["reason"].is_string()
                                 ? j["reason"].get<std::string>()
                                 : "";
        std::string message = j.is_object() && j.contains("error") && j["error"].is_string()
                                  ? j["error"].get<std::string>()
                                  : "HTTP " + std::to_string(answer->status);
        EnrolFailure kind = failure_for(reason);
        if (answer->status == 404)
            message =
                "the peer at " + where + " has no enrolment route: is it uketsuke-reception (and recent)?";
        if (kind == EnrolFailure::CertificateMismatch)
            message = "certificate mismatch, possible interception: " + message;
        return fail(why, kind, "enrolment refused: " + message);
    }
    if (!j.is_object() || !j.contains("token") || !j["token"].is_string() || !j.contains("answer_proof") ||
        !j["answer_proof"].is_string())
        return fail(why, EnrolFailure::ReceptionError, "the reception's answer lacks the token or its proof");
    Enrolment e;
    e.kiosk_id = rq.kiosk_id;
    e.token = j["token"].get<std::string>();
    // The answer must come from someone who knows the code and presented exactly this certificate.
    if (!en::proof_equal(en::answer_proof(*key, der, rq.kiosk_id, e.token),
                         j["answer_proof"].get<std::string>()))
        return fail(why, EnrolFailure::CertificateMismatch,
                    "certificate mismatch, possible interception: the answer from " + where +
                        " does not prove the certificate this kiosk saw (" + en::fingerprint_of_der(der) +
                        "); do not trust this network path until IT has checked it, then make a new code");
    e.certificate_pem = pem_of(cert.get());
    e.fingerprint = en::fingerprint_of_der(der);
    e.face_key_registered = j.value("face_key", "") == "registered";
    return e;
}

Result<EnrolmentFiles> save_enrolment(const Enrolment& e, const std::filesystem::path& folder) {
    std::error_code ec;
    if (!std::filesystem::exists(folder, ec)) {
        std::filesystem::create_directories(folder, ec);
        if (ec) return Error{"cannot make the folder " + folder.string() + ": " + ec.message()};
        ::chmod(folder.c_str(), 0700);
    }
    EnrolmentFiles f{folder / "reception-token", folder / "reception-cert.pem"};
    if (auto w = write_file_atomically(f.cert_file, e.certificate_pem, 0644); !w) return Error{w.error()};
    if (auto w = write_file_atomically(f.token_file, e.token + "\n", 0600); !w) return Error{w.error()};
    return f;
}

}  // namespace uk
