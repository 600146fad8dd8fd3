// Shared set-up of the qualification tests: the test PKI of tools/pki (generated once per build tree), a
// fresh simulator per test in its own temporary folder with a manual clock, and OpenSSL helpers that make
// certificates and signatures independently of the code under test.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "kiosk/core/clock.h"
#include "reception/qualification/seed.h"
#include "reception/qualification/simulator.h"
#include "tools/pki/pki.h"

namespace uk::qualification::test {

namespace fs = std::filesystem;
using namespace std::chrono;

inline std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// The test PKI, generated once per build tree (safe when several test processes start at once).
inline fs::path pki_dir() {
    static const fs::path dir = [] {
        const fs::path final_dir = fs::path(UK_BINARY_DIR) / "test-data" / "qualification-pki";
        if (fs::exists(final_dir / "pki.json")) return final_dir;
        const fs::path tmp = final_dir.string() + ".tmp-" + std::to_string(::getpid());
        auto r = uk::pki::generate(tmp);
        if (!r) throw std::runtime_error("test PKI: " + r.error());
        std::error_code ec;
        fs::rename(tmp, final_dir, ec);
        if (ec) fs::remove_all(tmp, ec);  // another process won the race
        return final_dir;
    }();
    return dir;
}

inline std::string cert_der(const std::string& identity) {
    return slurp(pki_dir() / "identities" / identity / "auth-cert.der");
}

struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
struct CertFree {
    void operator()(X509* x) const { X509_free(x); }
};
using Cert = std::unique_ptr<X509, CertFree>;

inline Key load_key(const fs::path& pem) {
    const std::string s = slurp(pem);
    BIO* bio = BIO_new_mem_buf(s.data(), static_cast<int>(s.size()));
    Key k(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    return k;
}

inline Cert load_cert_pem(const fs::path& pem) {
    const std::string s = slurp(pem);
    BIO* bio = BIO_new_mem_buf(s.data(), static_cast<int>(s.size()));
    Cert c(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    return c;
}

// RSA PKCS#1 v1.5 SHA-256 with an identity's user-authentication key (what the card computes).
inline std::string sign_as(const std::string& identity, const std::string& data) {
    Key k = load_key(pki_dir() / "identities" / identity / "auth-key.pem");
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = 512;
    std::string sig(len, '\0');
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, k.get());
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
}

inline std::string der_of(X509* x) {
    unsigned char* buf = nullptr;
    const int n = i2d_X509(x, &buf);
    std::string s(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
    return s;
}

// A user-authentication certificate made here: subject key = yamada-taro's key, signed by `issuer_key` under
// `issuer`'s name, with the given serial and validity.
inline std::string mint_cert(unsigned serial, WallTime not_before, WallTime not_after, X509* issuer,
                             EVP_PKEY* issuer_key) {
    Key subject_key = load_key(pki_dir() / "identities" / "yamada-taro" / "auth-key.pem");
    Cert x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), serial);
    X509_NAME* name = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("JP"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("MINTED"),
                               -1, -1, 0);
    X509_set_issuer_name(x.get(), X509_get_subject_name(issuer));
    ASN1_TIME_set(X509_getm_notBefore(x.get()), system_clock::to_time_t(not_before));
    ASN1_TIME_set(X509_getm_notAfter(x.get()), system_clock::to_time_t(not_after));
    X509_set_pubkey(x.get(), subject_key.get());
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, x.get(), nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_authority_key_identifier, "keyid:always"},
                              {NID_basic_constraints, "critical,CA:FALSE"},
                              {NID_key_usage, "critical,digitalSignature"}}) {
        X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &v3, nid, value);
        if (ext) {
            X509_add_ext(x.get(), ext, -1);
            X509_EXTENSION_free(ext);
        }
    }
    X509_sign(x.get(), issuer_key, EVP_sha256());
    return der_of(x.get());
}

inline std::string mint_by_test_ca(unsigned serial, WallTime nb, WallTime na) {
    Cert ca = load_cert_pem(pki_dir() / "ca" / "auth-ca.pem");
    Key ca_key = load_key(pki_dir() / "ca" / "auth-ca.key.pem");
    return mint_cert(serial, nb, na, ca.get(), ca_key.get());
}

inline WallTime day(int y, int m, int d) {
    return sys_days{year{y} / m / d};
}

class QualificationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("uk-qual-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        clock_.set_wall(day(2026, 11, 25) + hours(1));  // 10:00 JST
        cfg_ = default_simulator_config(dir_);
        ASSERT_TRUE(install_trust_anchor(pki_dir(), cfg_.ca, cfg_.crl));
        adjust(cfg_);
        auto db = SimDb::open(cfg_.database);
        ASSERT_TRUE(db) << db.error();
        auto seeded = seed_from_pki(**db, pki_dir());
        ASSERT_TRUE(seeded) << seeded.error();
        db->reset();
        reopen();
    }
    void TearDown() override {
        svc_.reset();
        std::error_code ec;
        if (!HasFailure()) fs::remove_all(dir_, ec);
    }
    virtual void adjust(SimulatorConfig&) {}
    void reopen() {
        svc_.reset();
        auto s = SimulatedQualificationService::open(cfg_, clock_);
        ASSERT_TRUE(s) << s.error();
        svc_ = std::move(*s);
    }

    InsuredPerson person_named(const std::string& name) {
        auto ps = svc_->db().list_persons();
        for (const auto& p : *ps)
            if (p.name == name) return p;
        ADD_FAILURE() << "no person " << name;
        return {};
    }

    ConfirmationRequest request(const std::string& identity,
                                VerificationMethod method = VerificationMethod::StaffVisual) {
        ConfirmationRequest r;
        r.record_id = "3f2b8c1e-5d4a-4e6f-9a7b-" + std::to_string(100000000000 + counter_++);
        r.kiosk_id = "kiosk-1";
        r.facility.code = "1310000001";
        r.facility.type = FacilityType::Clinic;
        r.certificate_der = cert_der(identity);
        r.method = method;
        if (method == VerificationMethod::StaffVisual) r.staff_id = "uketsuke-sato";
        r.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed},
                      {ConsentItem::HealthCheckup, ConsentAnswer::Agreed}};
        return r;
    }

    // The PIN path as the kiosk runs it: challenge, card signs, confirm.
    ConfirmationRequest pin_request(const std::string& identity, const std::string& kiosk = "kiosk-1") {
        ConfirmationRequest r = request(identity, VerificationMethod::Pin);
        r.kiosk_id = kiosk;
        auto t = svc_->issue_challenge(kiosk);
        EXPECT_TRUE(t) << t.error();
        r.challenge_id = t->challenge_id;
        r.card_signature = sign_as(identity, *base64_decode(t->to_sign_b64));
        return r;
    }

    fs::path dir_;
    ManualClock clock_;
    SimulatorConfig cfg_;
    std::unique_ptr<SimulatedQualificationService> svc_;
    long long counter_ = 0;
};

}  // namespace uk::qualification::test
