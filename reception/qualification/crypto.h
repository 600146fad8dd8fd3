// The simulator's cryptography, all OpenSSL: checking a card's user-authentication certificate against the
// (test) JPKI user-authentication CA and its CRL, verifying the card's RSA PKCS#1 v1.5 SHA-256 signature
// over a reception-issued challenge, and the Ed25519 keys with which kiosks sign their face-check
// statements. Also base64 and SHA-256 helpers.
//
// Certificate check order: parse -> chain to the CA (signature, CA flags) -> CRL (signed by the CA, not
// stale) -> revoked? -> validity dates. An expired certificate is "expired in grace" for `grace` after its
// notAfter: qualification is still confirmed, but no medication / checkup information is shared.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"
#include "reception/qualification/types.h"

namespace uk::qualification {

using Bytes = std::string;  // raw bytes (DER, signatures, nonces) in a std::string

// [SECTION] Encoding helpers

std::string base64_encode(std::string_view bytes);
std::optional<Bytes> base64_decode(std::string_view text);  // strict: rejects junk and bad padding
std::string sha256_hex(std::string_view bytes);
std::string hex_encode(std::string_view bytes);
Bytes random_bytes(std::size_t n);  // OpenSSL RAND_bytes; aborts the process if the CSPRNG fails

// [SECTION] Certificate check

enum class CertStatus {
    Valid,
    ExpiredInGrace,
    Expired,
    Revoked,
    Untrusted,
    NotYetValid,
    Malformed,
    RevocationUnavailable
};
std::string_view to_string(CertStatus s);

struct CertCheck {
    CertStatus status = CertStatus::Malformed;
    Reason reason = Reason::CertificateMalformed;  // Reason::None when Valid or ExpiredInGrace
    std::string detail;                            // technical detail for logs (OpenSSL's words)
    std::string serial_hex;                        // lowercase, no leading zeros
    std::string issuer;                            // RFC 2253
    std::string not_after;                         // RFC 3339
    bool confirms_qualification() const {
        return status == CertStatus::Valid || status == CertStatus::ExpiredInGrace;
    }
};

class TrustStore {
  public:
    // `ca_pem`: the user-authentication CA certificate (PEM or DER); `crl`: its CRL (PEM or DER).
    static Result<std::shared_ptr<TrustStore>> load(const std::filesystem::path& ca,
                                                    const std::filesystem::path& crl);
    ~TrustStore();
    TrustStore(const TrustStore&) = delete;
    TrustStore& operator=(const TrustStore&) = delete;

    CertCheck check(std::string_view cert_der, WallTime now, std::chrono::seconds grace) const;
    std::string ca_subject() const;

  private:
    struct Impl;
    explicit TrustStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Serial (lowercase hex), issuer (RFC 2253) and notAfter of a DER certificate, without judging it.
Result<CertificateRef> certificate_ref(std::string_view cert_der);

// RSASSA-PKCS1-v1_5 with SHA-256 over `data`, with the certificate's public key (what the card's COMPUTE
// DIGITAL SIGNATURE over the DigestInfo produces).
bool verify_card_signature(std::string_view cert_der, std::string_view data, std::string_view signature);

// [SECTION] Kiosk statement keys (Ed25519)

struct KeyPair {
    std::string private_pem;
    std::string public_pem;
};
Result<KeyPair> generate_ed25519();
Result<Bytes> sign_ed25519(const std::string& private_pem, std::string_view data);
bool verify_ed25519(const std::string& public_pem, std::string_view data, std::string_view signature);

}  // namespace uk::qualification
