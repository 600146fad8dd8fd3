// A simulated card holder: the files tools/pki wrote for one identity (certificates, keys, PIN, 照合番号B
// parts, persisted retry counters) plus an optional face photo (JPEG 2000). Test data only.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "kiosk/card/bytes.h"
#include "kiosk/core/result.h"

namespace uk::cardsim {

using card::Bytes;

struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using KeyPtr = std::shared_ptr<EVP_PKEY>;

struct Counters {
    int auth_pin_tries_left = 3;
    int sign_pin_tries_left = 5;
    int match_code_b_tries_left = 10;
};

struct Identity {
    std::string name;
    std::filesystem::path dir;  // where state.json is persisted; empty = counters in memory only
    std::string display_name, kana, sex, birth_date, address, cert_state;
    int card_expiry_year = 0;
    std::string security_code;
    std::string pin;                                         // 4 digits
    std::string sign_password;                               // 6-16 alphanumerics
    std::string match_code_b;                                // 14 digits
    Bytes auth_cert, auth_ca_cert, sign_cert, sign_ca_cert;  // DER
    KeyPtr auth_key, sign_key;
    std::optional<Bytes> face_jp2;
    Counters counters;  // current values (persisted)
    Counters initial;   // as generated
};

// Names of the identities in a data folder made by tools/pki (sorted).
Result<std::vector<std::string>> list_identities(const std::filesystem::path& data_dir);

// Loads one identity; the face photo comes from `photo` if given, else from <identity>/face.jp2 if present.
Result<Identity> load_identity(const std::filesystem::path& data_dir, const std::string& name,
                               const std::optional<std::filesystem::path>& photo = std::nullopt);

// Writes the counters to <dir>/state.json atomically (temporary file + rename). No-op when dir is empty.
Result<bool> save_counters(const Identity& id);

// Puts the counters back to their generated values and saves them.
Result<bool> reset_counters(Identity& id);

}  // namespace uk::cardsim
