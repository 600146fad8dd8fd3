#include "reception/server/tls.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string_view>

#include "kiosk/queue/enrolment_proof.h"

namespace uk::reception {
namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct FileClose {
    void operator()(FILE* f) const { std::fclose(f); }
};

bool is_ip(const std::string& h) {
    return !h.empty() &&
           (h.find_first_not_of("0123456789.") == std::string::npos || h.find(':') != std::string::npos);
}

bool add_ext(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) return false;
    bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

}  // namespace

Result<TlsFiles> ensure_self_signed(const std::string& dir, const std::string& host) {
    namespace fs = std::filesystem;
    TlsFiles files{dir + "/cert.pem", dir + "/key.pem", false};
    std::error_code ec;
    if (fs::exists(files.cert_path, ec) && fs::exists(files.key_path, ec)) return files;
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot create the TLS folder " + dir + ": " + ec.message()};
    ::chmod(dir.c_str(), 0700);

    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key) return Error{"cannot generate a P-256 key"};
    std::unique_ptr<X509, X509Free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    BIGNUM* bn = BN_new();
    BN_rand(bn, 120, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * 3650);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("Uketsuke reception"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" && host != "0.0.0.0")
        san += (is_ip(host) ? ",IP:" : ",DNS:") + host;
    if (!add_ext(cert.get(), NID_subject_alt_name, san) ||
        !add_ext(cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !add_ext(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") ||
        !add_ext(cert.get(), NID_ext_key_usage, "serverAuth"))
        return Error{"cannot build the certificate extensions"};
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return Error{"cannot sign the certificate"};

    std::string key_tmp = files.key_path + ".tmp";
    int fd = ::open(key_tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return Error{"cannot write " + key_tmp};
    std::unique_ptr<FILE, FileClose> kf(::fdopen(fd, "w"));
    if (!kf || PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return Error{"cannot write " + key_tmp};
    std::fflush(kf.get());
    ::fsync(fd);
    kf.reset();
    std::string cert_tmp = files.cert_path + ".tmp";
    std::unique_ptr<FILE, FileClose> cf(std::fopen(cert_tmp.c_str(), "w"));
    if (!cf || PEM_write_X509(cf.get(), cert.get()) != 1) return Error{"cannot write " + cert_tmp};
    std::fflush(cf.get());
    ::fsync(::fileno(cf.get()));
    cf.reset();
    fs::rename(key_tmp, files.key_path, ec);
    if (!ec) fs::rename(cert_tmp, files.cert_path, ec);
    if (ec) return Error{"cannot put the TLS files in place: " + ec.message()};
    files.created = true;
    return files;
}

Result<std::string> certificate_der(const std::string& cert_path) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(cert_path.c_str(), "r"));
    if (!f) return Error{"cannot read " + cert_path};
    std::unique_ptr<X509, X509Free> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    if (!cert) return Error{cert_path + " holds no PEM certificate"};
    unsigned char* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    if (len <= 0) return Error{cert_path + ": cannot encode the certificate as DER"};
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

Result<std::string> certificate_fingerprint(const std::string& cert_path) {
    auto der = certificate_der(cert_path);
    if (!der) return Error{der.error()};
    return enrolment::fingerprint_of_der(*der);
}

}  // namespace uk::reception
