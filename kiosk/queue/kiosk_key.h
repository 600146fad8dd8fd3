// The kiosk's Ed25519 key (OpenSSL 3 EVP): it signs the face statements the reception's qualification
// simulator checks (docs/qualification.md). The private key lives in one PEM file (PKCS#8, mode 0600) made on
// first use; its public half is registered with the reception at enrolment (platform/net/enrolment.h). Also
// the atomic file writer the enrolment uses for the token and the pinned certificate.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/result.h"

namespace uk {

class KioskKey {
  public:
    // Loads the key at `path`, or makes one there (0600, parent folders 0700) when the file does not exist.
    // Errors name the file: unreadable, not an Ed25519 private key, readable by group or others.
    static Result<KioskKey> load_or_create(const std::filesystem::path& path);
    // A fresh key held in memory only (tests).
    static Result<KioskKey> generate();

    // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"), what the reception registers.
    const std::string& public_pem() const { return public_pem_; }
    // Raw 64-byte Ed25519 signature over `data`.
    Result<std::vector<std::uint8_t>> sign(std::string_view data) const;

    KioskKey(KioskKey&&) noexcept;
    KioskKey& operator=(KioskKey&&) noexcept;
    ~KioskKey();

  private:
    struct Impl;
    explicit KioskKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::string public_pem_;
};

// Writes `content` to `path` so that readers see the old file or the whole new one, never a part: a temporary
// file in the same folder with `mode`, fsync, rename, fsync of the folder.
Result<bool> write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode);

}  // namespace uk
