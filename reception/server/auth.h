// Credentials for the reception service: random tokens (kiosk bearer tokens, session cookies, CSRF tokens),
// their SHA-256 digests (what the store keeps), and staff passwords as Argon2id strings (libsodium
// crypto_pwhash_str).
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk::reception {

// Must be called once before any other function here (initialises libsodium). Returns false when it cannot.
bool init_crypto();

// `bytes` random bytes from the OS, as unpadded base64url.
std::string random_token(std::size_t bytes = 32);
// Lowercase hex SHA-256 of `data` (tokens are high-entropy, so a fast digest is the right hash for them).
std::string sha256_hex(std::string_view data);
// Overwrites a secret held in a std::string (explicit_bzero) and empties it.
void wipe(std::string& secret);
// Constant-time equality for secrets of possibly different length.
bool secret_equal(std::string_view a, std::string_view b);

// Argon2id with libsodium's "interactive" limits (about 0.1 s and 64 MiB each on this machine's class of
// CPU).
Result<std::string> hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

// A password staff may use: 8..256 bytes, not all the same character.
Result<bool> check_password_rules(std::string_view password);

}  // namespace uk::reception
