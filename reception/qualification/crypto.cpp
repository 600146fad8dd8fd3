#include "reception/qualification/crypto.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <openssl/rsa.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <optional>

#include "kiosk/core/record.h"

namespace uk::qualification {

namespace fs = std::filesystem;

// [SECTION] OpenSSL ownership

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "no detail";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

std::optional<std::string> read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(f), {});
}

bool looks_pem(const std::string& s) {
    return s.find("-----BEGIN") != std::string::npos;
}

X509Ptr parse_cert(const std::string& bytes) {
    if (looks_pem(bytes)) {
        BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
        return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* end = p + bytes.size();
    X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
    if (x && p != end) return nullptr;  // trailing bytes: not one certificate
    return x;
}

CrlPtr parse_crl(const std::string& bytes) {
    if (looks_pem(bytes)) {
        BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
        return CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    return CrlPtr(d2i_X509_CRL(nullptr, &p, static_cast<long>(bytes.size())));
}

std::optional<std::time_t> asn1_to_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return timegm(&tm);
}

std::string name_rfc2253(const X509_NAME* n) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string serial_hex(const X509* x) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
    if (bn == nullptr) return {};
    char* h = BN_bn2hex(bn);
    std::string s(h);
    OPENSSL_free(h);
    BN_free(bn);
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto nz = s.find_first_not_of('0');
    return nz == std::string::npos ? "0" : s.substr(nz);
}

WallTime to_wall(std::time_t t) {
    return std::chrono::system_clock::from_time_t(t);
}

}  // namespace

// [SECTION] Encoding helpers

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' ||
                        (c == '=' && i + 2 >= text.size());
        if (!ok) return std::nullopt;
    }
    if (text.empty()) return Bytes{};
    std::string out(text.size() / 4 * 3, '\0');
    const int n =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    if (text.ends_with("==")) {
        len -= 2;
    } else if (text.ends_with("=")) {
        len -= 1;
    }
    out.resize(len);
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        s.push_back(kHex[c >> 4]);
        s.push_back(kHex[c & 15]);
    }
    return s;
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), d);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(d), sizeof d));
}

Bytes random_bytes(std::size_t n) {
    Bytes b(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(b.data()), static_cast<int>(n)) != 1) {
        std::fprintf(stderr, "qualification: the OpenSSL random generator failed\n");
        std::abort();
    }
    return b;
}

std::string_view to_string(CertStatus s) {
    switch (s) {
        case CertStatus::Valid:
            return "valid";
        case CertStatus::ExpiredInGrace:
            return "expired_in_grace";
        case CertStatus::Expired:
            return "expired";
        case CertStatus::Revoked:
            return "revoked";
        case CertStatus::Untrusted:
            return "untrusted";
        case CertStatus::NotYetValid:
            return "not_yet_valid";
        case CertStatus::Malformed:
            return "malformed";
        case CertStatus::RevocationUnavailable:
            return "revocation_unavailable";
    }
    return "malformed";
}

// [SECTION] TrustStore

struct TrustStore::Impl {
    X509Ptr ca;
    CrlPtr crl;
    StorePtr store;
    std::string crl_problem;  // non-empty: the CRL cannot be used (every check fails closed)
};

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::~TrustStore() = default;

Result<std::shared_ptr<TrustStore>> TrustStore::load(const fs::path& ca_path, const fs::path& crl_path) {
    auto impl = std::make_unique<Impl>();
    auto ca_bytes = read_file(ca_path);
    if (!ca_bytes) return Error{"cannot read the JPKI CA certificate " + ca_path.string()};
    impl->ca = parse_cert(*ca_bytes);
    if (!impl->ca)
        return Error{"the JPKI CA certificate " + ca_path.string() + " does not parse: " + openssl_error()};
    if (X509_check_ca(impl->ca.get()) == 0) return Error{ca_path.string() + " is not a CA certificate"};
    impl->store.reset(X509_STORE_new());
    X509_STORE_add_cert(impl->store.get(), impl->ca.get());

    // A missing or bad CRL does not stop the service from starting (staff can still work, with every
    // confirmation failing closed with RevocationUnavailable), but it is reported on every check.
    auto crl_bytes = read_file(crl_path);
    if (!crl_bytes) {
        impl->crl_problem = "cannot read the CRL " + crl_path.string();
    } else {
        impl->crl = parse_crl(*crl_bytes);
        if (!impl->crl) {
            impl->crl_problem = "the CRL " + crl_path.string() + " does not parse";
        } else {
            EVP_PKEY* ca_key = X509_get0_pubkey(impl->ca.get());
            if (X509_CRL_verify(impl->crl.get(), ca_key) != 1) {
                impl->crl_problem = "the CRL " + crl_path.string() + " is not signed by the CA";
            } else if (X509_NAME_cmp(X509_CRL_get_issuer(impl->crl.get()),
                                     X509_get_subject_name(impl->ca.get())) != 0) {
                impl->crl_problem = "the CRL " + crl_path.string() + " names another issuer";
            }
        }
    }
    ERR_clear_error();
    return std::shared_ptr<TrustStore>(new TrustStore(std::move(impl)));
}

std::string TrustStore::ca_subject() const {
    return name_rfc2253(X509_get_subject_name(impl_->ca.get()));
}

CertCheck TrustStore::check(std::string_view cert_der, WallTime now, std::chrono::seconds grace) const {
    CertCheck c;
    X509Ptr cert = parse_cert(std::string(cert_der));
    if (!cert || looks_pem(std::string(cert_der))) {
        c.detail = "certificate DER does not parse: " + openssl_error();
        return c;
    }
    c.serial_hex = serial_hex(cert.get());
    c.issuer = name_rfc2253(X509_get_issuer_name(cert.get()));
    const auto not_before = asn1_to_time(X509_get0_notBefore(cert.get()));
    const auto not_after = asn1_to_time(X509_get0_notAfter(cert.get()));
    if (!not_before || !not_after) {
        c.detail = "certificate validity dates do not parse";
        return c;
    }
    c.not_after = format_rfc3339(to_wall(*not_after));

    // Chain: signature and CA constraints, without time checks (the dates are judged below, with grace).
    StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), impl_->store.get(), cert.get(), nullptr);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_X509_STRICT);
    const int ok = X509_verify_cert(ctx.get());
    if (ok != 1) {
        c.status = CertStatus::Untrusted;
        c.reason = Reason::CertificateUntrusted;
        c.detail = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
        ERR_clear_error();
        return c;
    }

    // Revocation.
    if (!impl_->crl_problem.empty() || !impl_->crl) {
        c.status = CertStatus::RevocationUnavailable;
        c.reason = Reason::RevocationUnavailable;
        c.detail = impl_->crl_problem;
        return c;
    }
    const auto next_update = asn1_to_time(X509_CRL_get0_nextUpdate(impl_->crl.get()));
    if (!next_update || to_wall(*next_update) < now) {
        c.status = CertStatus::RevocationUnavailable;
        c.reason = Reason::RevocationUnavailable;
        c.detail = "the CRL is stale (nextUpdate passed)";
        return c;
    }
    X509_REVOKED* rev = nullptr;
    if (X509_CRL_get0_by_serial(impl_->crl.get(), &rev, X509_get0_serialNumber(cert.get())) == 1) {
        c.status = CertStatus::Revoked;
        c.reason = Reason::CertificateRevoked;
        c.detail = "serial " + c.serial_hex + " is on the CRL";
        return c;
    }

    // Dates.
    if (now < to_wall(*not_before)) {
        c.status = CertStatus::NotYetValid;
        c.reason = Reason::CertificateNotYetValid;
        c.detail = "notBefore is in the future";
        return c;
    }
    if (now > to_wall(*not_after)) {
        if (now <= to_wall(*not_after) + grace) {
            c.status = CertStatus::ExpiredInGrace;
            c.reason = Reason::None;
            c.detail = "expired " + c.not_after + ", within the grace period";
            return c;
        }
        c.status = CertStatus::Expired;
        c.reason = Reason::CertificateExpired;
        c.detail = "expired " + c.not_after;
        return c;
    }
    c.status = CertStatus::Valid;
    c.reason = Reason::None;
    return c;
}

// [SECTION] Signatures

Result<CertificateRef> certificate_ref(std::string_view cert_der) {
    X509Ptr cert = parse_cert(std::string(cert_der));
    if (!cert) return Error{"the certificate does not parse"};
    const auto na = asn1_to_time(X509_get0_notAfter(cert.get()));
    if (!na) return Error{"the certificate's notAfter does not parse"};
    return CertificateRef{serial_hex(cert.get()), name_rfc2253(X509_get_issuer_name(cert.get())),
                          format_rfc3339(to_wall(*na))};
}

bool verify_card_signature(std::string_view cert_der, std::string_view data, std::string_view signature) {
    X509Ptr cert = parse_cert(std::string(cert_der));
    if (!cert) return false;
    EVP_PKEY* key = X509_get0_pubkey(cert.get());
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return false;
    MdCtxPtr md(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key) != 1) return false;
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
    const int r =
        EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                         reinterpret_cast<const unsigned char*>(data.data()), data.size());
    ERR_clear_error();
    return r == 1;
}

Result<KeyPair> generate_ed25519() {
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
        return Error{"Ed25519 key generation failed: " + openssl_error()};
    KeyPtr key(raw);
    KeyPair kp;
    {
        BioPtr bio(BIO_new(BIO_s_mem()));
        PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        char* d = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &d);
        kp.private_pem.assign(d, static_cast<std::size_t>(n));
    }
    {
        BioPtr bio(BIO_new(BIO_s_mem()));
        PEM_write_bio_PUBKEY(bio.get(), key.get());
        char* d = nullptr;
        const long n = BIO_get_mem_data(bio.get(), &d);
        kp.public_pem.assign(d, static_cast<std::size_t>(n));
    }
    return kp;
}

Result<Bytes> sign_ed25519(const std::string& private_pem, std::string_view data) {
    BioPtr bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
    KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519)
        return Error{"not an Ed25519 private key"};
    MdCtxPtr md(EVP_MD_CTX_new());
    std::size_t len = 64;
    Bytes sig(len, '\0');
    if (EVP_DigestSignInit(md.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        return Error{"Ed25519 signing failed: " + openssl_error()};
    sig.resize(len);
    return sig;
}

bool verify_ed25519(const std::string& public_pem, std::string_view data, std::string_view signature) {
    BioPtr bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())));
    KeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
        ERR_clear_error();
        return false;
    }
    MdCtxPtr md(EVP_MD_CTX_new());
    const bool ok =
        EVP_DigestVerifyInit(md.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
        EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                         reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace uk::qualification
