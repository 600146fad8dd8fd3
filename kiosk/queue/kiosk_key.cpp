#include "kiosk/queue/kiosk_key.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace uk {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_text(BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

Result<std::string> public_pem_of(EVP_PKEY* k) {
    BioPtr b(BIO_new(BIO_s_mem()));
    if (!b || PEM_write_bio_PUBKEY(b.get(), k) != 1) return Error{"cannot write the kiosk's public key"};
    return bio_text(b.get());
}

std::string errno_text() {
    return std::strerror(errno);
}

}  // namespace

struct KioskKey::Impl {
    PkeyPtr key;
};

KioskKey::KioskKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KioskKey::KioskKey(KioskKey&&) noexcept = default;
KioskKey& KioskKey::operator=(KioskKey&&) noexcept = default;
KioskKey::~KioskKey() = default;

Result<KioskKey> KioskKey::generate() {
    PkeyPtr k(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!k) return Error{"cannot make an Ed25519 key (OpenSSL)"};
    auto pub = public_pem_of(k.get());
    if (!pub) return Error{pub.error()};
    KioskKey out(std::make_unique<Impl>(Impl{std::move(k)}));
    out.public_pem_ = *pub;
    return out;
}

Result<KioskKey> KioskKey::load_or_create(const std::filesystem::path& path) {
    const std::string name = path.string();
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) {
        if (errno != ENOENT) return Error{"kiosk key " + name + ": " + errno_text()};
        auto made = generate();
        if (!made) return made;
        BioPtr b(BIO_new(BIO_s_mem()));
        if (!b || PEM_write_bio_PrivateKey(b.get(), made->impl_->key.get(), nullptr, nullptr, 0, nullptr,
                                           nullptr) != 1)
            return Error{"cannot encode the kiosk key"};
        std::string pem = bio_text(b.get());
        std::error_code ec;
        if (path.has_parent_path()) {
            std::filesystem::create_directories(path.parent_path(), ec);
            if (ec)
                return Error{"cannot make the folder " + path.parent_path().string() + ": " + ec.message()};
        }
        auto w = write_file_atomically(path, pem, 0600);
        OPENSSL_cleanse(pem.data(), pem.size());
        if (!w) return Error{w.error()};
        return made;
    }
    if ((st.st_mode & 077) != 0)
        return Error{"kiosk key " + name + " is readable by group or others: run chmod 600 " + name};
    std::ifstream f(path, std::ios::binary);
    if (!f) return Error{"kiosk key " + name + ": cannot read it (" + errno_text() + ")"};
    std::string pem((std::istreambuf_iterator<char>(f)), {});
    BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    PkeyPtr k(b ? PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr) : nullptr);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!k || !EVP_PKEY_is_a(k.get(), "ED25519"))
        return Error{"kiosk key " + name +
                     " is not an Ed25519 private key (PEM); move it away and a new one is made, then enrol "
                     "the kiosk again"};
    auto pub = public_pem_of(k.get());
    if (!pub) return Error{pub.error()};
    KioskKey out(std::make_unique<Impl>(Impl{std::move(k)}));
    out.public_pem_ = *pub;
    return out;
}

Result<std::vector<std::uint8_t>> KioskKey::sign(std::string_view data) const {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx ||
        EVP_DigestSignInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, impl_->key.get(), nullptr) != 1)
        return Error{"cannot start an Ed25519 signature"};
    std::vector<std::uint8_t> sig(64);
    std::size_t len = sig.size();
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1)
        return Error{"Ed25519 signature failed"};
    sig.resize(len);
    return sig;
}

Result<bool> write_file_atomically(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    const std::string name = path.string();
    std::string tmp = name + ".tmp.XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) return Error{"cannot write " + name + ": " + errno_text()};
    auto fail = [&](const std::string& what) -> Result<bool> {
        std::string why = errno_text();
        ::close(fd);
        ::unlink(tmp.c_str());
        return Error{"cannot write " + name + " (" + what + "): " + why};
    };
    if (::fchmod(fd, mode) != 0) return fail("chmod");
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("fsync");
    if (::close(fd) != 0) {
        ::unlink(tmp.c_str());
        return Error{"cannot write " + name + ": " + errno_text()};
    }
    if (::rename(tmp.c_str(), name.c_str()) != 0) {
        std::string why = errno_text();
        ::unlink(tmp.c_str());
        return Error{"cannot write " + name + " (rename): " + why};
    }
    std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

}  // namespace uk
