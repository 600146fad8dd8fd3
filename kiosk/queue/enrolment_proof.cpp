#include "kiosk/queue/enrolment_proof.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>

namespace uk::enrolment {

namespace {

constexpr unsigned char kSalt[crypto_pwhash_SALTBYTES] = {'u', 'k', '-', 'e', 'n', 'r', 'o', 'l',
                                                          '-', 'c', 'o', 'd', 'e', '-', 'v', '1'};

void append_field(std::string& out, std::string_view field) {
    std::uint64_t n = field.size();
    for (int i = 7; i >= 0; --i)
        out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    out.append(field);
}

std::string to_hex(const unsigned char* p, std::size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        s.push_back(kHex[p[i] >> 4]);
        s.push_back(kHex[p[i] & 0xf]);
    }
    return s;
}

std::string hmac_hex(const Key& k, std::initializer_list<std::string_view> fields) {
    std::string msg;
    for (auto f : fields)
        append_field(msg, f);
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, k.data(), k.size(),
                   reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, sizeof out, &len))
        return {};  // never equal to a real proof (proof_equal refuses empty strings)
    return to_hex(out, len);
}

}  // namespace

std::string new_code() {
    if (sodium_init() < 0) return {};
    std::string s;
    for (std::size_t i = 0; i < kCodeChars; ++i) {
        if (i > 0 && i % 4 == 0) s.push_back('-');
        s.push_back(kCodeAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kCodeAlphabet.size()))]);
    }
    return s;
}

Result<std::string> normalise_code(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        if (u == 'O') u = '0';
        if (u == 'I' || u == 'L') u = '1';
        if (kCodeAlphabet.find(u) == std::string_view::npos || u == '\0')
            return Error{
                "the enrolment code has only the letters and digits `uketsuke-reception kiosk invite` "
                "printed (12 characters, e.g. 7K3M-Q9TX-2B4H)"};
        out.push_back(u);
    }
    if (out.size() != kCodeChars)
        return Error{"the enrolment code has 12 characters (e.g. 7K3M-Q9TX-2B4H); " +
                     std::to_string(out.size()) + " were typed"};
    return out;
}

Result<Key> derive_key(std::string_view normalised_code) {
    if (sodium_init() < 0) return Error{"cannot initialise libsodium"};
    Key k{};
    if (crypto_pwhash(k.data(), k.size(), normalised_code.data(), normalised_code.size(), kSalt,
                      crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return Error{"not enough memory to derive the enrolment key (Argon2id needs 64 MiB)"};
    return k;
}

std::string code_proof(const Key& k, std::string_view kiosk_id) {
    return hmac_hex(k, {"uketsuke-enrol/1 code", kiosk_id});
}

std::string channel_proof(const Key& k, std::string_view kiosk_id, std::string_view cert_der,
                          std::string_view face_public_pem) {
    return hmac_hex(k, {"uketsuke-enrol/1 channel", kiosk_id, cert_der, face_public_pem});
}

std::string answer_proof(const Key& k, std::string_view cert_der, std::string_view kiosk_id,
                         std::string_view token) {
    return hmac_hex(k, {"uketsuke-enrol/1 answer", cert_der, kiosk_id, token});
}

bool proof_equal(std::string_view a, std::string_view b) {
    return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string key_to_hex(const Key& k) {
    return to_hex(k.data(), k.size());
}

Result<Key> key_from_hex(std::string_view hex) {
    Key k{};
    if (hex.size() != k.size() * 2) return Error{"enrolment key: expected 64 hex digits"};
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < k.size(); ++i) {
        int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return Error{"enrolment key: expected 64 lowercase hex digits"};
        k[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return k;
}

std::string fingerprint_of_der(std::string_view der) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr);
    std::string out = "SHA256";
    char buf[4];
    for (unsigned int i = 0; i < len; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", md[i]);
        out += ":";
        out += buf;
    }
    return out;
}

}  // namespace uk::enrolment
