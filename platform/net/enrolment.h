// Enrolling this kiosk with the reception from the kiosk itself (issue 9's set-up wizard): IT runs
// `uketsuke-reception kiosk invite KIOSK_ID` on the reception PC and types the code it prints on the kiosk;
// enrol_kiosk() then gets the kiosk's bearer token, registers the kiosk's face-statement key and learns the
// reception's certificate, which save_enrolment() stores for HttpsTransport to pin.
//
// Trust bootstrap (docs/reception.md "Enrolling a kiosk from the kiosk"): the kiosk has no pinned certificate
// yet, so it accepts whatever certificate the peer presents, records it, and proves knowledge of the code
// with HMACs bound to that certificate (the code itself is never sent). The reception refuses a proof made
// over another certificate than its own, and its answer carries an HMAC over its certificate, the kiosk id
// and the token, which the kiosk checks. A man in the middle (another certificate, no code) is refused on
// both sides.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk {

struct EnrolRequest {
    std::string host;  // the reception's address as the kiosk reaches it (name or IP)
    int port = 8443;
    std::string kiosk_id;
    std::string code;             // as typed: "7K3M-Q9TX-2B4H" (dashes, spaces, lower case, O/I/L tolerated)
    std::string face_public_pem;  // KioskKey::public_pem()
    std::chrono::milliseconds timeout{5000};  // connect, and each read or write
};

struct Enrolment {
    std::string kiosk_id;
    std::string token;  // bearer token for HttpsTransportConfig::token
    std::string
        certificate_pem;      // the reception's certificate, to pin (HttpsTransportConfig::pinned_cert_path)
    std::string fingerprint;  // "SHA256:AB:..." of that certificate: show it so IT compares with the invite
    bool face_key_registered = false;  // false when the reception runs without the qualification simulator
};

// Why an enrolment failed, for the set-up screen to pick its advice; the Error text says it in words for IT.
enum class EnrolFailure {
    None,
    BadInput,             // kiosk id or code malformed (nothing was sent)
    Unreachable,          // no such host, connection refused, time-out
    Tls,                  // TLS handshake failed (not an HTTPS port, protocol mismatch)
    WrongCode,            // wrong code, or no code made for this kiosk id
    ExpiredCode,          // the code expired
    UsedCode,             // the code was already used (or voided after 5 wrong tries)
    KioskIdMismatch,      // the code was made for another kiosk id
    CertificateMismatch,  // the two ends saw different certificates: possible interception
    RateLimited,          // too many attempts from this kiosk's address
    ReceptionError,       // the reception answered something else (its message is in the Error)
};

// "wrong_code", "certificate_mismatch", ... (for logs and the wizard's message table).
std::string_view to_string(EnrolFailure f);

// One HTTPS request to POST /api/v1/kiosks/enrol. Takes about 0.1 s of Argon2id before connecting.
// `why` (optional) receives the failure class.
Result<Enrolment> enrol_kiosk(const EnrolRequest& request, EnrolFailure* why = nullptr);

struct EnrolmentFiles {
    std::filesystem::path token_file;  // <folder>/reception-token, mode 0600, the token and a newline
    std::filesystem::path cert_file;   // <folder>/reception-cert.pem, mode 0644
};

// Writes both files atomically into `folder` (made 0700 when missing). The kiosk configuration's
// reception.token_file and reception.ca_file name them.
Result<EnrolmentFiles> save_enrolment(const Enrolment& e, const std::filesystem::path& folder);

}  // namespace uk
