// The user-authentication certificate as read from the card, parsed with OpenSSL. The DER is kept as read so
// that the reception can check the chain and revocation itself (issue 8). Also: the checks the kiosk can do
// alone (validity dates, a CRL when one is configured) and RSA/SHA-256 signature verification for tests and
// tools.
#pragma once

#include <optional>
#include <string>

#include "kiosk/card/bytes.h"
#include "kiosk/card/card_error.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"

namespace uk::card {

struct CardCertificate {
    Bytes der;               // exactly the certificate's DER bytes (file padding removed)
    std::string subject;     // RFC 2253
    std::string issuer;      // RFC 2253
    std::string serial_hex;  // lowercase hex, no separators, no leading zeros
    WallTime not_before{};
    WallTime not_after{};
    int public_key_bits = 0;

    CertificateRef ref() const;  // what the check-in record carries
};

// Parses one DER certificate. Fails on trailing bytes, on anything OpenSSL rejects, and on a non-RSA key.
Result<CardCertificate> parse_certificate(ByteView der);

// Expired / not yet valid -> CardFault::CertificateExpired (with the date in the message).
std::optional<CardError> check_validity(const CardCertificate& cert, WallTime now);

// Looks the certificate's serial up in a DER or PEM CRL issued by its issuer; true = revoked.
Result<bool> is_revoked(const CardCertificate& cert, ByteView crl);

// SHA-256 DigestInfo (RFC 8017 §9.2) of `message`: what COMPUTE DIGITAL SIGNATURE receives; the card pads.
Bytes sha256_digest_info(ByteView message);

// Verifies an RSA PKCS#1 v1.5 SHA-256 signature over `message` with the certificate's public key.
bool verify_signature(const CardCertificate& cert, ByteView message, ByteView signature);

// "2030-03-31T14:59:59Z"
std::string to_rfc3339(WallTime t);

}  // namespace uk::card
