// The reception's TLS identity: with no configured certificate, a self-signed one (ECDSA P-256, 10 years, SAN
// for localhost, 127.0.0.1, ::1 and the listen host) is made on first start in the data folder. Kiosks pin
// it: they trust exactly this certificate (docs/reception.md "Enrolling a kiosk").
#pragma once

#include <string>

#include "kiosk/core/result.h"

namespace uk::reception {

struct TlsFiles {
    std::string cert_path;
    std::string key_path;
    bool created = false;  // true when made just now
};

// Makes <dir>/cert.pem and <dir>/key.pem (key mode 0600) unless both exist. `host` goes into the SAN as well.
Result<TlsFiles> ensure_self_signed(const std::string& dir, const std::string& host);

// "SHA256:AB:CD:..." fingerprint of the first certificate in a PEM file (what staff compare on a kiosk).
Result<std::string> certificate_fingerprint(const std::string& cert_path);
// The DER of the (first) certificate in a PEM file.
Result<std::string> certificate_der(const std::string& cert_path);

}  // namespace uk::reception
