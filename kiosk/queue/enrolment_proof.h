// The enrolment code and the proofs built from it, shared by the reception (`uketsuke-reception kiosk
// invite`, POST /api/v1/kiosks/enrol) and the kiosk (platform/net/enrolment.h). docs/reception.md "Enrolling
// a kiosk from the kiosk" gives the reasoning; in short:
//
//   code  = 12 characters of Crockford base32 (60 bits), shown as XXXX-XXXX-XXXX; typed on the kiosk.
//   K     = Argon2id(code, fixed salt)                 the only thing the reception keeps (never the code)
//   code_proof    = HMAC(K, "code"    | kiosk_id)                      kiosk -> reception
//   channel_proof = HMAC(K, "channel" | kiosk_id | cert DER | face key) kiosk -> reception
//   answer_proof  = HMAC(K, "answer"  | cert DER | kiosk_id | token)    reception -> kiosk
//
// Each field is length-prefixed (8 bytes, big-endian) so no two field lists give the same HMAC input. The
// code itself never crosses the network, so a man in the middle learns nothing he can use within the code's
// life.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace uk::enrolment {

using Key = std::array<std::uint8_t, 32>;

constexpr std::size_t kCodeChars = 12;
// Crockford base32: no I, L, O or U; what the kiosk's keypad offers.
constexpr std::string_view kCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// A fresh random code, formatted "XXXX-XXXX-XXXX".
std::string new_code();
// Upper-cases, drops '-' and spaces, reads O as 0 and I/L as 1; then exactly 12 alphabet characters, else
// an Error for IT ("the code has 12 characters ...").
Result<std::string> normalise_code(std::string_view typed);
// Argon2id (libsodium, interactive limits: ~0.1 s, 64 MiB) of the normalised code. Error only when memory
// runs out.
Result<Key> derive_key(std::string_view normalised_code);

std::string code_proof(const Key& k, std::string_view kiosk_id);
std::string channel_proof(const Key& k, std::string_view kiosk_id, std::string_view cert_der,
                          std::string_view face_public_pem);
std::string answer_proof(const Key& k, std::string_view cert_der, std::string_view kiosk_id,
                         std::string_view token);

// Constant-time comparison of two proofs (lowercase hex).
bool proof_equal(std::string_view a, std::string_view b);

std::string key_to_hex(const Key& k);
Result<Key> key_from_hex(std::string_view hex);

// "SHA256:AB:CD:..." of DER bytes, the form `uketsuke-reception serve` and `kiosk invite` print.
std::string fingerprint_of_der(std::string_view der);

}  // namespace uk::enrolment
