// The test PKI and the test identities of the card simulator: a user-authentication CA and a signing CA, per
// identity an RSA-2048 user-authentication key + certificate and a signing key + certificate, one identity
// revoked (on the CRL), one expired. Written to a data folder that uketsuke-cardsim and the tests read.
//
// Reproducible: the same call writes byte-identical files on any machine. Keys come from a deterministic
// generator (primes searched from SHA-256 of a fixed label, see deterministic_rsa_key), names, serials and
// validity dates are fixed, and RSA PKCS#1 v1.5 signatures are deterministic. These keys are public test
// keys: never trust this CA anywhere but in tests and the demo.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "kiosk/core/result.h"

namespace uk::pki {

enum class CertState { Valid, Expired, Revoked };

struct IdentitySpec {
    std::string name;          // folder name and --identity argument, e.g. "yamada-taro"
    std::string display_name;  // 山田 太郎 (the simulator knows it; the kiosk never reads it)
    std::string kana;          // ヤマダ タロウ
    std::string sex;           // "1" male, "2" female (as on the card)
    std::string birth_date;    // ISO "1985-04-12"
    std::string address;
    int card_expiry_year = 0;   // 有効期限 (year printed on the card front)
    std::string security_code;  // 4 digits printed on the card front
    std::string pin;            // user-authentication PIN, 4 digits (test data!)
    std::string sign_password;  // signing password, 6-16 alphanumerics
    CertState cert_state = CertState::Valid;
    int auth_pin_tries_left = 3;
    int match_code_b_tries_left = 10;
    unsigned auth_serial = 0;
    unsigned sign_serial = 0;
};

// The identities every test and the demo share (see docs/card.md for what each is for).
std::vector<IdentitySpec> default_identities();

// 照合番号B: birth date as YYMMDD in the Japanese era (昭和/平成/令和; the first year is 01), the card's
// expiry year YYYY, the 4-digit security code. nullopt for a malformed or pre-Meiji date.
std::optional<std::string> match_code_b(const IdentitySpec& id);

// Writes the CA, the CRL and every identity under `out_dir` (created if needed; files are replaced).
Result<std::filesystem::path> generate(const std::filesystem::path& out_dir,
                                       const std::vector<IdentitySpec>& identities = default_identities());

// Same as generate() but does nothing when out_dir already holds this generator version's output.
Result<std::filesystem::path> ensure_generated(const std::filesystem::path& out_dir);

// An RSA key whose primes are found deterministically from `label` (SHA-256 in counter mode picks the
// starting candidates; the next primes after them are taken). Caller frees with EVP_PKEY_free.
EVP_PKEY* deterministic_rsa_key(const std::string& label, int bits = 2048);

inline constexpr const char* kGeneratorVersion = "uketsuke-test-pki/1";

}  // namespace uk::pki
