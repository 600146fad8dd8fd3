#include "tools/pki/pki.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

namespace uk::pki {

namespace fs = std::filesystem;

// [SECTION] Small OpenSSL helpers

namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using CtxPtr = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

std::time_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

// SHA-256(label || counter) stream.
class HashStream {
  public:
    explicit HashStream(std::string label) : label_(std::move(label)) {}
    void fill(unsigned char* out, std::size_t n) {
        while (n > 0) {
            unsigned char block[SHA256_DIGEST_LENGTH];
            std::string in = label_ + "#" + std::to_string(counter_++);
            SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), block);
            const std::size_t k = std::min<std::size_t>(n, sizeof block);
            std::copy(block, block + k, out);
            out += k;
            n -= k;
        }
    }

  private:
    std::string label_;
    unsigned long counter_ = 0;
};

BnPtr next_prime(HashStream& hs, int bits, const BIGNUM* e, BN_CTX* ctx) {
    std::vector<unsigned char> buf(static_cast<std::size_t>(bits / 8));
    hs.fill(buf.data(), buf.size());
    buf[0] |= 0xC0;  // top two bits: p*q has exactly 2*bits bits
    buf.back() |= 0x01;
    BnPtr p(BN_bin2bn(buf.data(), static_cast<int>(buf.size()), nullptr));
    BnPtr pm1(BN_new()), g(BN_new());
    while (true) {
        if (BN_check_prime(p.get(), ctx, nullptr) == 1) {
            BN_sub(pm1.get(), p.get(), BN_value_one());
            BN_gcd(g.get(), pm1.get(), e, ctx);
            if (BN_is_one(g.get())) return p;
        }
        BN_add_word(p.get(), 2);
    }
}

bool write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(f);
}

std::string bio_string(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string der_of(X509* x) {
    unsigned char* buf = nullptr;
    const int n = i2d_X509(x, &buf);
    std::string s(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
    OPENSSL_free(buf);
    return s;
}

std::string pem_of(X509* x) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), x);
    return bio_string(bio.get());
}

std::string key_pem(EVP_PKEY* k) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
    return bio_string(bio.get());
}

void add_name(X509_NAME* n, const char* field, const std::string& value) {
    X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                               -1, -1, 0);
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &v3, nid, value.c_str());
    if (ext == nullptr) return false;
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return true;
}

struct CertParams {
    unsigned serial = 0;
    std::vector<std::pair<const char*, std::string>> subject;
    std::time_t not_before = 0;
    std::time_t not_after = 0;
    bool ca = false;
    std::string san;  // subjectAltName config string, empty for none
};

X509Ptr make_cert(const CertParams& p, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    X509Ptr x(X509_new());
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x.get()), p.serial);
    X509_NAME* name = X509_get_subject_name(x.get());
    for (const auto& [f, v] : p.subject)
        add_name(name, f, v);
    X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
    ASN1_TIME_set(X509_getm_notBefore(x.get()), p.not_before);
    ASN1_TIME_set(X509_getm_notAfter(x.get()), p.not_after);
    X509_set_pubkey(x.get(), key);
    X509* iss = issuer ? issuer : x.get();
    add_ext(x.get(), iss, NID_subject_key_identifier, "hash");
    add_ext(x.get(), iss, NID_authority_key_identifier, "keyid:always");
    if (p.ca) {
        add_ext(x.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(x.get(), iss, NID_key_usage, "critical,digitalSignature");
    }
    if (!p.san.empty()) add_ext(x.get(), iss, NID_subject_alt_name, p.san);
    if (X509_sign(x.get(), issuer_key, EVP_sha256()) == 0) return nullptr;
    return x;
}

const char* state_name(CertState s) {
    switch (s) {
        case CertState::Valid:
            return "valid";
        case CertState::Expired:
            return "expired";
        case CertState::Revoked:
            return "revoked";
    }
    return "valid";
}

}  // namespace

// [SECTION] Keys

EVP_PKEY* deterministic_rsa_key(const std::string& label, int bits) {
    HashStream hs(std::string(kGeneratorVersion) + "/" + label);
    CtxPtr ctx(BN_CTX_new());
    BnPtr e(BN_new());
    BN_set_word(e.get(), 65537);
    BnPtr p = next_prime(hs, bits / 2, e.get(), ctx.get());
    BnPtr q = next_prime(hs, bits / 2, e.get(), ctx.get());
    if (BN_cmp(p.get(), q.get()) == 0) return nullptr;
    if (BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);
    BnPtr n(BN_new()), pm1(BN_new()), qm1(BN_new()), phi(BN_new()), d(BN_new()), dp(BN_new()), dq(BN_new()),
        qinv(BN_new());
    BN_mul(n.get(), p.get(), q.get(), ctx.get());
    BN_sub(pm1.get(), p.get(), BN_value_one());
    BN_sub(qm1.get(), q.get(), BN_value_one());
    BN_mul(phi.get(), pm1.get(), qm1.get(), ctx.get());
    if (BN_mod_inverse(d.get(), e.get(), phi.get(), ctx.get()) == nullptr) return nullptr;
    BN_mod(dp.get(), d.get(), pm1.get(), ctx.get());
    BN_mod(dq.get(), d.get(), qm1.get(), ctx.get());
    if (BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get()) == nullptr) return nullptr;

    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get());
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get());
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    if (pctx == nullptr || EVP_PKEY_fromdata_init(pctx) != 1 ||
        EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_KEYPAIR, params) != 1) {
        key = nullptr;
    }
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

// [SECTION] Identities

std::vector<IdentitySpec> default_identities() {
    auto make = [](std::string name, std::string disp, std::string kana, std::string sex, std::string birth,
                   std::string address, int expiry, std::string code, std::string pin, std::string pw,
                   CertState st, int tries, unsigned n) {
        IdentitySpec s;
        s.name = std::move(name);
        s.display_name = std::move(disp);
        s.kana = std::move(kana);
        s.sex = std::move(sex);
        s.birth_date = std::move(birth);
        s.address = std::move(address);
        s.card_expiry_year = expiry;
        s.security_code = std::move(code);
        s.pin = std::move(pin);
        s.sign_password = std::move(pw);
        s.cert_state = st;
        s.auth_pin_tries_left = tries;
        s.auth_serial = 0x1000 + n;
        s.sign_serial = 0x2000 + n;
        return s;
    };
    return {
        make("yamada-taro", "山田 太郎", "ヤマダ タロウ", "1", "1985-04-12", "東京都千代田区テスト町1-1",
             2034, "4821", "1234", "TESTSIGN01", CertState::Valid, 3, 1),
        make("suzuki-hanako", "鈴木 花子", "スズキ ハナコ", "2", "1992-11-03", "大阪府大阪市テスト区2-2",
             2033, "7305", "5678", "TESTSIGN02", CertState::Valid, 1, 2),
        make("tanaka-ichiro", "田中 一郎", "タナカ イチロウ", "1", "1948-02-29", "愛知県名古屋市テスト区3-3",
             2031, "1190", "2468", "TESTSIGN03", CertState::Valid, 0, 3),
        make("sato-jiro", "佐藤 次郎", "サトウ ジロウ", "1", "1960-07-20", "北海道札幌市テスト区4-4", 2029,
             "6642", "1357", "TESTSIGN04", CertState::Expired, 3, 4),
        make("ito-yoko", "伊藤 陽子", "イトウ ヨウコ", "2", "2001-01-08", "福岡県福岡市テスト区5-5", 2035,
             "3071", "9012", "TESTSIGN05", CertState::Revoked, 3, 5),
        make("kobayashi-rei", "小林 玲", "コバヤシ レイ", "2", "2019-05-01", "宮城県仙台市テスト区6-6", 2030,
             "8526", "4321", "TESTSIGN06", CertState::Valid, 3, 6),
    };
}

std::optional<std::string> match_code_b(const IdentitySpec& id) {
    int y = 0, m = 0, d = 0;
    if (std::sscanf(id.birth_date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return std::nullopt;
    const int key = y * 10000 + m * 100 + d;
    // Era start dates (the first day of each era; that year is year 1, 元年).
    struct Era {
        int start;
        int first_year;
    };
    static constexpr Era kEras[] = {
        {20190501, 2019}, {19890108, 1989}, {19261225, 1926}, {19120730, 1912}, {18680125, 1868}};
    for (const auto& e : kEras) {
        if (key >= e.start) {
            const int era_year = y - e.first_year + 1;
            if (id.security_code.size() != 4 || id.card_expiry_year < 1000 || id.card_expiry_year > 9999) {
                return std::nullopt;
            }
            char buf[16];
            std::snprintf(buf, sizeof buf, "%02d%02d%02d%04d", era_year % 100, m, d, id.card_expiry_year);
            return std::string(buf) + id.security_code;
        }
    }
    return std::nullopt;
}

// [SECTION] Generation

Result<fs::path> generate(const fs::path& out_dir, const std::vector<IdentitySpec>& identities) {
    std::error_code ec;
    fs::create_directories(out_dir / "ca", ec);
    fs::create_directories(out_dir / "identities", ec);
    if (ec) return Error{"cannot create " + out_dir.string() + ": " + ec.message()};

    // Two CAs, as on the real card: user authentication and digital signature.
    KeyPtr auth_ca_key(deterministic_rsa_key("auth-ca"));
    KeyPtr sign_ca_key(deterministic_rsa_key("sign-ca"));
    if (!auth_ca_key || !sign_ca_key) return Error{"CA key generation failed"};
    CertParams ap;
    ap.serial = 1;
    ap.subject = {{"C", "JP"},
                  {"O", "Uketsuke Test JPKI"},
                  {"OU", "TEST ONLY - not a real JPKI CA"},
                  {"CN", "Uketsuke Test JPKI User Authentication CA"}};
    ap.not_before = utc(2024, 1, 1);
    ap.not_after = utc(2044, 1, 1);
    ap.ca = true;
    X509Ptr auth_ca = make_cert(ap, auth_ca_key.get(), nullptr, auth_ca_key.get());
    CertParams sp = ap;
    sp.subject.back().second = "Uketsuke Test JPKI Digital Signature CA";
    X509Ptr sign_ca = make_cert(sp, sign_ca_key.get(), nullptr, sign_ca_key.get());
    if (!auth_ca || !sign_ca) return Error{"CA certificate signing failed"};

    bool ok = write_file(out_dir / "ca/auth-ca.der", der_of(auth_ca.get())) &&
              write_file(out_dir / "ca/auth-ca.pem", pem_of(auth_ca.get())) &&
              write_file(out_dir / "ca/auth-ca.key.pem", key_pem(auth_ca_key.get())) &&
              write_file(out_dir / "ca/sign-ca.der", der_of(sign_ca.get())) &&
              write_file(out_dir / "ca/sign-ca.pem", pem_of(sign_ca.get())) &&
              write_file(out_dir / "ca/sign-ca.key.pem", key_pem(sign_ca_key.get()));
    if (!ok) return Error{"cannot write the CA files under " + out_dir.string()};

    CrlPtr crl(X509_CRL_new());
    X509_CRL_set_version(crl.get(), 1);
    X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(auth_ca.get()));
    {
        ASN1_TIME* t = ASN1_TIME_set(nullptr, utc(2025, 6, 1));
        X509_CRL_set1_lastUpdate(crl.get(), t);
        ASN1_TIME_set(t, utc(2035, 6, 1));
        X509_CRL_set1_nextUpdate(crl.get(), t);
        ASN1_TIME_free(t);
    }

    nlohmann::json index = nlohmann::json::array();
    for (const auto& id : identities) {
        const fs::path dir = out_dir / "identities" / id.name;
        fs::create_directories(dir, ec);
        if (ec) return Error{"cannot create " + dir.string()};
        KeyPtr auth_key(deterministic_rsa_key("auth/" + id.name));
        KeyPtr sign_key(deterministic_rsa_key("sign/" + id.name));
        if (!auth_key || !sign_key) return Error{"key generation failed for " + id.name};
        const bool expired = id.cert_state == CertState::Expired;
        char cn[32];
        std::snprintf(cn, sizeof cn, "UKTEST%08X", id.auth_serial);
        CertParams cp;
        cp.serial = id.auth_serial;
        cp.subject = {{"C", "JP"},
                      {"CN", cn}};  // the real user-authentication certificate carries no name either
        cp.not_before = expired ? utc(2019, 10, 1) : utc(2025, 4, 1);
        cp.not_after = expired ? utc(2024, 9, 30, 14, 59, 59) : utc(2030, 3, 31, 14, 59, 59);
        X509Ptr auth = make_cert(cp, auth_key.get(), auth_ca.get(), auth_ca_key.get());
        CertParams sg = cp;
        sg.serial = id.sign_serial;
        std::snprintf(cn, sizeof cn, "UKTEST%08X", id.sign_serial);
        sg.subject = {{"C", "JP"}, {"CN", cn}};
        // The signing certificate names the person (JPKI otherName OIDs 1.2.392.200149.8.5.5.x); the kiosk
        // never reads it (EF 0001 is not on the allow-list).
        sg.san = "otherName:1.2.392.200149.8.5.5.1;UTF8:" + id.display_name +
                 ",otherName:1.2.392.200149.8.5.5.3;UTF8:" + id.sex +
                 ",otherName:1.2.392.200149.8.5.5.4;UTF8:" + id.birth_date +
                 ",otherName:1.2.392.200149.8.5.5.5;UTF8:" + id.address;
        X509Ptr sign = make_cert(sg, sign_key.get(), sign_ca.get(), sign_ca_key.get());
        if (!auth || !sign) return Error{"certificate signing failed for " + id.name};
        if (id.cert_state == CertState::Revoked) {
            X509_REVOKED* r = X509_REVOKED_new();
            X509_REVOKED_set_serialNumber(r, X509_get_serialNumber(auth.get()));
            ASN1_TIME* t = ASN1_TIME_set(nullptr, utc(2025, 5, 1));
            X509_REVOKED_set_revocationDate(r, t);
            ASN1_TIME_free(t);
            X509_CRL_add0_revoked(crl.get(), r);
        }
        auto code = match_code_b(id);
        if (!code)
            return Error{"identity " + id.name + ": birth date, expiry year or security code malformed"};
        nlohmann::json j = {
            {"name", id.name},
            {"display_name", id.display_name},
            {"kana", id.kana},
            {"sex", id.sex},
            {"birth_date", id.birth_date},
            {"address", id.address},
            {"card_expiry_year", id.card_expiry_year},
            {"security_code", id.security_code},
            {"match_code_b", *code},
            {"pin", id.pin},
            {"sign_password", id.sign_password},
            {"cert_state", state_name(id.cert_state)},
            {"auth_serial_hex",
             [&] {
                 char b[16];
                 std::snprintf(b, sizeof b, "%x", id.auth_serial);
                 return std::string(b);
             }()},
            {"initial",
             {{"auth_pin_tries_left", id.auth_pin_tries_left},
              {"sign_pin_tries_left", 5},
              {"match_code_b_tries_left", id.match_code_b_tries_left}}},
        };
        nlohmann::json state = j["initial"];
        ok = write_file(dir / "identity.json", j.dump(2) + "\n") &&
             write_file(dir / "state.json", state.dump(2) + "\n") &&
             write_file(dir / "auth-cert.der", der_of(auth.get())) &&
             write_file(dir / "auth-cert.pem", pem_of(auth.get())) &&
             write_file(dir / "auth-key.pem", key_pem(auth_key.get())) &&
             write_file(dir / "sign-cert.der", der_of(sign.get())) &&
             write_file(dir / "sign-key.pem", key_pem(sign_key.get()));
        if (!ok) return Error{"cannot write the files of " + id.name};
        index.push_back(id.name);
    }
    X509_CRL_sort(crl.get());
    if (X509_CRL_sign(crl.get(), auth_ca_key.get(), EVP_sha256()) == 0) return Error{"CRL signing failed"};
    {
        unsigned char* buf = nullptr;
        const int n = i2d_X509_CRL(crl.get(), &buf);
        std::string der(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n));
        OPENSSL_free(buf);
        BioPtr bio(BIO_new(BIO_s_mem()));
        PEM_write_bio_X509_CRL(bio.get(), crl.get());
        if (!write_file(out_dir / "ca/auth-ca.crl", der) ||
            !write_file(out_dir / "ca/auth-ca.crl.pem", bio_string(bio.get()))) {
            return Error{"cannot write the CRL"};
        }
    }
    nlohmann::json manifest = {{"generator", kGeneratorVersion}, {"identities", index}};
    if (!write_file(out_dir / "pki.json", manifest.dump(2) + "\n")) return Error{"cannot write pki.json"};
    return out_dir;
}

Result<fs::path> ensure_generated(const fs::path& out_dir) {
    std::ifstream f(out_dir / "pki.json");
    if (f) {
        auto j = nlohmann::json::parse(f, nullptr, false);
        if (!j.is_discarded() && j.value("generator", "") == kGeneratorVersion) return out_dir;
    }
    return generate(out_dir);
}

}  // namespace uk::pki
