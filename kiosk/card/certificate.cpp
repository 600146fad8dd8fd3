#include "kiosk/card/certificate.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cctype>
#include <ctime>
#include <memory>

namespace uk::card {

namespace {

struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
struct CrlFree {
    void operator()(X509_CRL* p) const { X509_CRL_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

std::string name_to_string(const X509_NAME* name) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::optional<WallTime> asn1_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    const std::time_t secs = timegm(&tm);
    return std::chrono::system_clock::from_time_t(secs);
}

std::unique_ptr<X509, X509Free> load_x509(ByteView der) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x != nullptr && p != der.data() + der.size()) {  // trailing bytes
        X509_free(x);
        return nullptr;
    }
    return std::unique_ptr<X509, X509Free>(x);
}

}  // namespace

CertificateRef CardCertificate::ref() const {
    return CertificateRef{serial_hex, issuer, to_rfc3339(not_after)};
}

std::string to_rfc3339(WallTime t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Result<CardCertificate> parse_certificate(ByteView der) {
    if (der.empty()) return Error{"certificate: no bytes"};
    auto x = load_x509(der);
    if (!x) return Error{"certificate: not a single well-formed DER X.509 certificate"};
    CardCertificate c;
    c.der.assign(der.begin(), der.end());
    c.subject = name_to_string(X509_get_subject_name(x.get()));
    c.issuer = name_to_string(X509_get_issuer_name(x.get()));
    if (c.issuer.empty()) return Error{"certificate: empty issuer"};
    const ASN1_INTEGER* serial = X509_get0_serialNumber(x.get());
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    if (bn == nullptr) return Error{"certificate: unreadable serial number"};
    char* hex = BN_bn2hex(bn);
    BN_free(bn);
    if (hex == nullptr) return Error{"certificate: unreadable serial number"};
    c.serial_hex = hex;
    OPENSSL_free(hex);
    for (auto& ch : c.serial_hex)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto nb = asn1_time(X509_get0_notBefore(x.get()));
    auto na = asn1_time(X509_get0_notAfter(x.get()));
    if (!nb || !na) return Error{"certificate: unreadable validity dates"};
    c.not_before = *nb;
    c.not_after = *na;
    EVP_PKEY* key = X509_get0_pubkey(x.get());
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return Error{"certificate: public key is not RSA"};
    }
    c.public_key_bits = EVP_PKEY_get_bits(key);
    return c;
}

std::optional<CardError> check_validity(const CardCertificate& cert, WallTime now) {
    if (now > cert.not_after) {
        return make_error(CardFault::CertificateExpired,
                          "user-authentication certificate expired on " + to_rfc3339(cert.not_after));
    }
    if (now < cert.not_before) {
        return make_error(CardFault::CertificateExpired,
                          "user-authentication certificate not valid before " + to_rfc3339(cert.not_before));
    }
    return std::nullopt;
}

Result<bool> is_revoked(const CardCertificate& cert, ByteView crl_bytes) {
    auto x = load_x509(cert.der);
    if (!x) return Error{"revocation check: certificate does not parse"};
    X509_CRL* raw = nullptr;
    {
        const unsigned char* p = crl_bytes.data();
        raw = d2i_X509_CRL(nullptr, &p, static_cast<long>(crl_bytes.size()));
    }
    if (raw == nullptr) {
        std::unique_ptr<BIO, BioFree> bio(
            BIO_new_mem_buf(crl_bytes.data(), static_cast<int>(crl_bytes.size())));
        raw = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
    }
    if (raw == nullptr) return Error{"revocation check: the CRL is neither DER nor PEM"};
    std::unique_ptr<X509_CRL, CrlFree> crl(raw);
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_issuer_name(x.get())) != 0) {
        return Error{"revocation check: the CRL is from another issuer"};
    }
    X509_REVOKED* entry = nullptr;
    return X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(x.get())) == 1;
}

Bytes sha256_digest_info(ByteView message) {
    // DER prefix of DigestInfo { AlgorithmIdentifier sha256, OCTET STRING (32) } (RFC 8017 §9.2 note 1).
    Bytes out = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(message.data(), message.size(), md);
    out.insert(out.end(), md, md + sizeof md);
    return out;
}

bool verify_signature(const CardCertificate& cert, ByteView message, ByteView signature) {
    auto x = load_x509(cert.der);
    if (!x) return false;
    EVP_PKEY* key = X509_get0_pubkey(x.get());
    if (key == nullptr) return false;
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) ==
           1;
}

}  // namespace uk::card
