// qualification_bench [N] [--work DIR]: N PIN-path confirmations (issue challenge, sign as the card would,
// confirm: chain + CRL + signature + insured person + face/ XML file written atomically) and N consented-
// information views, on the test PKI of tools/pki. Prints JSON with p50 / p99 / max in milliseconds.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "reception/qualification/seed.h"
#include "reception/qualification/simulator.h"
#include "tools/pki/pki.h"

namespace {

using namespace uk::qualification;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class SystemClock final : public uk::Clock {
  public:
    uk::SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    uk::WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string sign(EVP_PKEY* k, const std::string& data) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = 512;
    std::string sig(len, '\0');
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, k);
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
}

struct Stats {
    double p50, p99, max, mean;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v)
        sum += x;
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    return {at(0.50), at(0.99), v.back(), sum / static_cast<double>(v.size())};
}

void print(const char* name, const Stats& s, bool last) {
    std::printf("  \"%s\": {\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, \"mean_ms\": %.3f}%s\n",
                name, s.p50, s.p99, s.max, s.mean, last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
    int n = 200;
    fs::path work = fs::temp_directory_path() / ("uk-qual-bench-" + std::to_string(::getpid()));
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--work" && i + 1 < argc) {
            work = argv[++i];
        } else {
            n = std::max(1, std::atoi(argv[i]));
        }
    }
    const fs::path pki = work / "pki";
    if (auto r = uk::pki::ensure_generated(pki); !r) {
        std::fprintf(stderr, "qualification_bench: %s\n", r.error().c_str());
        return 1;
    }
    const fs::path data = work / "qualification";
    fs::remove_all(data);
    SimulatorConfig cfg = default_simulator_config(data);
    if (!install_trust_anchor(pki, cfg.ca, cfg.crl)) return 1;
    {
        auto db = SimDb::open(cfg.database);
        if (!db || !seed_from_pki(**db, pki)) return 1;
    }
    SystemClock clock;
    auto svc = SimulatedQualificationService::open(cfg, clock);
    if (!svc) {
        std::fprintf(stderr, "qualification_bench: %s\n", svc.error().c_str());
        return 1;
    }
    const std::string der = slurp(pki / "identities/yamada-taro/auth-cert.der");
    const std::string key_pem = slurp(pki / "identities/yamada-taro/auth-key.pem");
    BIO* bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);

    std::vector<double> confirm_ms, view_ms;
    std::vector<std::string> records;
    int valid = 0;
    for (int i = 0; i < n; ++i) {
        auto t = (*svc)->issue_challenge("kiosk-1");
        const std::string sig = sign(key, *base64_decode(t->to_sign_b64));  // the card's part, not timed
        ConfirmationRequest r;
        char id[40];
        std::snprintf(id, sizeof id, "0b5e7d2a-8c1f-4a3e-9d6b-%012d", i);
        r.record_id = id;
        r.kiosk_id = "kiosk-1";
        r.certificate_der = der;
        r.method = uk::VerificationMethod::Pin;
        r.challenge_id = t->challenge_id;
        r.card_signature = sig;
        r.consents = {{uk::ConsentItem::Medication, uk::ConsentAnswer::Agreed}};
        const auto t0 = Clock::now();
        Confirmation c = (*svc)->confirm(r);
        confirm_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (c.result.status == uk::QualificationStatus::Valid && c.xml_file) ++valid;
        records.push_back(r.record_id);
    }
    for (const auto& rec : records) {
        const auto t0 = Clock::now();
        auto v = (*svc)->view({rec, "dr-bench", StaffRole::Doctor, uk::ConsentItem::Medication});
        view_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!v || !v->granted) return 1;
    }
    EVP_PKEY_free(key);
    std::printf("{\n  \"benchmark\": \"qualification\",\n  \"n\": %d,\n  \"confirmed_with_file\": %d,\n", n,
                valid);
    print("pin_confirm", stats(confirm_ms), false);
    print("consented_view", stats(view_ms), false);
    auto v = (*svc)->audit().verify();
    std::printf("  \"audit_entries\": %lld,\n  \"audit_intact\": %s\n}\n", static_cast<long long>(v->entries),
                v->ok ? "true" : "false");
    fs::remove_all(work);
    return valid == n ? 0 : 1;
}
