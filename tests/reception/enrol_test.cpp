// POST /api/v1/kiosks/enrol and `uketsuke-reception kiosk invite` (docs/reception.md "Enrolling a kiosk from
// the kiosk"): the proofs are built here the way the kiosk builds them, so each refusal is reached exactly.
#include <openssl/pem.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "kiosk/queue/enrolment_proof.h"
#include "kiosk/queue/kiosk_key.h"
#include "platform/net/enrolment.h"
#include "tests/reception/test_support.h"

namespace uk::testing {
namespace {

namespace en = uk::enrolment;

std::string der_of_pem_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    X509* x = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
    if (f) std::fclose(f);
    unsigned char* der = nullptr;
    int n = x ? i2d_X509(x, &der) : 0;
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n > 0 ? n : 0));
    OPENSSL_free(der);
    X509_free(x);
    return out;
}

std::string slurp_text(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class EnrolRoute : public ::testing::Test {
  protected:
    void SetUp() override {
        cert_der_ = der_of_pem_file(r_.tls.cert_path);
        ASSERT_FALSE(cert_der_.empty());
        auto k = KioskKey::generate();
        ASSERT_TRUE(k) << k.error();
        face_pem_ = k->public_pem();
    }

    // An invite for `kiosk` with `code`, expiring in `minutes` (negative: already expired).
    en::Key invite(const std::string& kiosk, const std::string& code, int minutes = 15) {
        auto key = en::derive_key(*en::normalise_code(code));
        EXPECT_TRUE(key);
        std::int64_t now = now_ms();
        auto ok = r_.store->put_enrolment_invite(
            {kiosk, en::key_to_hex(*key), now, now + std::int64_t{minutes} * 60000, 0, 0});
        EXPECT_TRUE(ok) << ok.error();
        return *key;
    }

    json body(const en::Key& k, const std::string& kiosk, const std::string& cert_der) const {
        return {{"kiosk_id", kiosk},
                {"code_proof", en::code_proof(k, kiosk)},
                {"channel_proof", en::channel_proof(k, kiosk, cert_der, face_pem_)},
                {"face_public_key", face_pem_}};
    }
    httplib::Result post(const json& b) {
        return r_.client()->Post("/api/v1/kiosks/enrol", b.dump(), "application/json");
    }
    static std::string reason(const httplib::Result& res) {
        return json::parse(res->body, nullptr, false).value("reason", std::string("?"));
    }

    Reception r_;
    std::string cert_der_;
    std::string face_pem_;
};

TEST_F(EnrolRoute, GoodCodeGivesAWorkingTokenAndAProofOverTheCertificate) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    auto res = post(body(k, "kiosk-1", cert_der_));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 201) << res->body;
    json j = json::parse(res->body);
    std::string token = j["token"];
    EXPECT_EQ(token.rfind("ukk_", 0), 0u);
    EXPECT_TRUE(en::proof_equal(j["answer_proof"].get<std::string>(),
                                en::answer_proof(k, cert_der_, "kiosk-1", token)));
    EXPECT_EQ(j["certificate_fingerprint"], en::fingerprint_of_der(cert_der_));
    EXPECT_EQ(*reception::certificate_fingerprint(r_.tls.cert_path), j["certificate_fingerprint"]);
    EXPECT_EQ(j["face_key"], "not_registered");  // no qualification extension in this service
    // The token is a kiosk credential now.
    auto rec = sample_record("kiosk-1");
    auto c = r_.client();
    auto pushed = c->Post("/api/v1/checkins", {{"Authorization", "Bearer " + token}}, to_json_string(rec),
                          "application/json");
    ASSERT_TRUE(pushed);
    EXPECT_EQ(pushed->status, 201) << pushed->body;
}

TEST_F(EnrolRoute, TheCodeIsStoredOnlyAsItsDerivedKey) {
    invite("kiosk-1", "7K3M-Q9TX-2B4H");
    std::ifstream f(r_.dir.file("reception.db"), std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(f)), {});
    EXPECT_EQ(all.find("7K3MQ9TX2B4H"), std::string::npos);
    EXPECT_EQ(all.find("7K3M-Q9TX-2B4H"), std::string::npos);
}

TEST_F(EnrolRoute, WrongCodeIsRefusedAndCounted) {
    invite("kiosk-1", "7K3M-Q9TX-2B4H");
    auto wrong = *en::derive_key("7K3MQ9TX2B4J");
    auto res = post(body(wrong, "kiosk-1", cert_der_));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(reason(res), "wrong_code");
    EXPECT_NE(res->body.find("1 of 5"), std::string::npos) << res->body;
}

TEST_F(EnrolRoute, FiveWrongCodesVoidTheInvite) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    auto wrong = *en::derive_key("7K3MQ9TX2B4J");
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(post(body(wrong, "kiosk-1", cert_der_))->status, 403);
    auto res = post(body(k, "kiosk-1", cert_der_));
    EXPECT_EQ(res->status, 410);
    EXPECT_EQ(reason(res), "too_many_tries");
}

TEST_F(EnrolRoute, NoInviteForThisKioskSaysHowToMakeOne) {
    auto k = *en::derive_key("7K3MQ9TX2B4H");
    auto res = post(body(k, "kiosk-9", cert_der_));
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(reason(res), "no_invite");
    EXPECT_NE(res->body.find("kiosk invite kiosk-9"), std::string::npos);
}

TEST_F(EnrolRoute, UsedCodeIsRefused) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    ASSERT_EQ(post(body(k, "kiosk-1", cert_der_))->status, 201);
    auto again = post(body(k, "kiosk-1", cert_der_));
    EXPECT_EQ(again->status, 410);
    EXPECT_EQ(reason(again), "used_code");
}

TEST_F(EnrolRoute, ExpiredCodeIsRefused) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H", -1);
    auto res = post(body(k, "kiosk-1", cert_der_));
    EXPECT_EQ(res->status, 410);
    EXPECT_EQ(reason(res), "expired_code");
}

TEST_F(EnrolRoute, CodeOfAnotherKioskIsAKioskIdMismatch) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    auto res = post(body(k, "kiosk-2", cert_der_));
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(reason(res), "kiosk_id_mismatch");
    EXPECT_NE(res->body.find("kiosk-1"), std::string::npos);
    // The invite is still good for the kiosk it was made for.
    EXPECT_EQ(post(body(k, "kiosk-1", cert_der_))->status, 201);
}

TEST_F(EnrolRoute, ProofOverAnotherCertificateIsInterceptionAndVoidsTheCode) {
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    TempDir other;
    auto mitm = reception::ensure_self_signed(other.file("tls"), "127.0.0.1");
    ASSERT_TRUE(mitm);
    auto res = post(body(k, "kiosk-1", der_of_pem_file(mitm->cert_path)));
    EXPECT_EQ(res->status, 403);
    EXPECT_EQ(reason(res), "certificate_mismatch");
    EXPECT_EQ(post(body(k, "kiosk-1", cert_der_))->status, 410);  // spent
}

TEST_F(EnrolRoute, BadBodiesAreRefusedWithTheField) {
    auto c = r_.client();
    auto bad = c->Post("/api/v1/kiosks/enrol", "{not json", "application/json");
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(reason(bad), "bad_request");
    auto k = invite("kiosk-1", "7K3M-Q9TX-2B4H");
    json b = body(k, "kiosk-1", cert_der_);
    b["extra"] = 1;
    EXPECT_NE(post(b)->body.find("extra: unknown field"), std::string::npos);
    b = body(k, "kiosk-1", cert_der_);
    b["face_public_key"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    auto r2 = post(b);
    EXPECT_EQ(r2->status, 400);
    EXPECT_NE(r2->body.find("face_public_key"), std::string::npos);
    b = body(k, "kiosk 1", cert_der_);
    EXPECT_NE(post(b)->body.find("kiosk_id"), std::string::npos);
    auto text = c->Post("/api/v1/kiosks/enrol", b.dump(), "text/plain");
    EXPECT_EQ(text->status, 415);
    // None of these used the code.
    EXPECT_EQ(post(body(k, "kiosk-1", cert_der_))->status, 201);
}

TEST(EnrolRateLimit, TooManyAttemptsFromOneAddressGet429) {
    Reception r(nullptr, [](reception::ServiceConfig& c) { c.enrol_attempts = 3; });
    auto c = r.client();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(c->Post("/api/v1/kiosks/enrol", "{}", "application/json")->status, 400);
    auto res = c->Post("/api/v1/kiosks/enrol", "{}", "application/json");
    EXPECT_EQ(res->status, 429);
    EXPECT_EQ(res->get_header_value("Retry-After"), "600");
}

// [SECTION] The admin command

std::string run(const std::string& cmd, int* status) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    char buf[512];
    while (p && std::fgets(buf, sizeof buf, p))
        out += buf;
    int st = p ? ::pclose(p) : -1;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

TEST(KioskInviteCli, PrintsACodeAndTheFingerprintAndTheCodeEnrolsOnce) {
    TempDir d;
    int st = 0;
    std::string out =
        run(std::string(UK_RECEPTION_EXE) + " kiosk invite kiosk-7 --minutes 5 --data " + d.path(), &st);
    ASSERT_EQ(st, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(
        out, m, std::regex("code: +([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})")))
        << out;
    std::string code = m[1];
    ASSERT_TRUE(std::regex_search(out, m, std::regex("fingerprint: (SHA256(:[0-9A-F]{2}){32})"))) << out;
    std::string fp = m[1];
    EXPECT_EQ(fp, *reception::certificate_fingerprint(d.file("tls/cert.pem")));
    EXPECT_NE(out.find("5 min"), std::string::npos);

    // The service on that data folder accepts the code once.
    auto store = reception::open_sqlite_store(d.file("reception.db"));
    ASSERT_TRUE(store);
    auto invites = (*store)->list_enrolment_invites();
    ASSERT_TRUE(invites);
    ASSERT_EQ(invites->size(), 1u);
    EXPECT_EQ((*invites)[0].kiosk_id, "kiosk-7");
    EXPECT_NEAR(static_cast<double>((*invites)[0].expires_ms - (*invites)[0].created_ms), 300000.0, 1.0);
    reception::init_crypto();
    reception::ServiceConfig cfg;
    cfg.host = "127.0.0.1";
    cfg.port = 0;
    cfg.data_dir = d.path();
    reception::TlsFiles tls{d.file("tls/cert.pem"), d.file("tls/key.pem"), false};
    reception::ReceptionService svc(cfg, **store, system_clock(), tls);
    auto port = svc.start();
    ASSERT_TRUE(port);
    auto key = *en::derive_key(*en::normalise_code(code));
    auto face = KioskKey::generate();
    std::string der = der_of_pem_file(tls.cert_path);
    json b{{"kiosk_id", "kiosk-7"},
           {"code_proof", en::code_proof(key, "kiosk-7")},
           {"channel_proof", en::channel_proof(key, "kiosk-7", der, face->public_pem())},
           {"face_public_key", face->public_pem()}};
    httplib::SSLClient c("127.0.0.1", *port);
    c.set_ca_cert_path(tls.cert_path.c_str());
    EXPECT_EQ(c.Post("/api/v1/kiosks/enrol", b.dump(), "application/json")->status, 201);
    EXPECT_EQ(c.Post("/api/v1/kiosks/enrol", b.dump(), "application/json")->status, 410);
    svc.stop();
}

TEST(KioskInviteCli, RefusesBadMinutesAndIds) {
    TempDir d;
    int st = 0;
    run(std::string(UK_RECEPTION_EXE) + " kiosk invite kiosk-7 --minutes 0 --data " + d.path() + " 2>&1",
        &st);
    EXPECT_EQ(st, 2);
    run(std::string(UK_RECEPTION_EXE) + " kiosk invite kiosk-7 --minutes 1441 --data " + d.path() + " 2>&1",
        &st);
    EXPECT_EQ(st, 2);
    std::string out =
        run(std::string(UK_RECEPTION_EXE) + " kiosk invite 'bad id' --data " + d.path() + " 2>&1", &st);
    EXPECT_EQ(st, 2);
    EXPECT_NE(out.find("KIOSK_ID"), std::string::npos);
}

// [SECTION] The service's log (platform/system/log.h wired into uketsuke-reception)

TEST(ReceptionLog, TheRealServiceEnrolsAKioskAndLogsToItsFileWithoutSecretsAndReopensOnSighup) {
    TempDir d;
    const std::string log = d.file("logs/reception.log");
    {
        std::ofstream cfg(d.file("reception.toml"));
        cfg << "[log]\nlevel = \"info\"\nfile = \"" << log << "\"\nmax_bytes = 65536\nfiles = 2\n";
    }
    int st = 0;
    std::string out =
        run(std::string(UK_RECEPTION_EXE) + " kiosk invite kiosk-1 --data " + d.path() + " 2>&1", &st);
    ASSERT_EQ(st, 0) << out;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex("code: +(\\S+)")));
    const std::string code = m[1];
    int port = free_port();
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open(d.file("stderr").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::string listen = "127.0.0.1:" + std::to_string(port);
        std::string conf = d.file("reception.toml");
        ::execl(UK_RECEPTION_EXE, UK_RECEPTION_EXE, "serve", "--config", conf.c_str(), "--data",
                d.path().c_str(), "--listen", listen.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    auto stop = [&] {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            int status = 0;
            ::waitpid(pid, &status, 0);
            pid = -1;
        }
    };
    httplib::SSLClient c("127.0.0.1", port);
    c.set_ca_cert_path(d.file("tls/cert.pem").c_str());
    bool up = false;
    for (int i = 0; i < 250 && !up; ++i) {
        auto r = c.Get("/healthz");
        up = r && r->status == 200;
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!up) stop();
    ASSERT_TRUE(up) << slurp_text(d.file("stderr"));
    // The kiosk's own client enrols against the real binary (token in the answer), then pushes a check-in
    // through the certificate it pinned, and a stranger gets a refusal.
    auto face = KioskKey::generate();
    EnrolFailure why{};
    auto e = enrol_kiosk({"127.0.0.1", port, "kiosk-1", code, face->public_pem()}, &why);
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(e->fingerprint, *reception::certificate_fingerprint(d.file("tls/cert.pem")));
    TempDir kiosk;
    auto files = save_enrolment(*e, kiosk.path());
    ASSERT_TRUE(files);
    const std::string token = e->token;
    HttpsTransportConfig hc;
    hc.host = "127.0.0.1";
    hc.port = port;
    hc.pinned_cert_path = files->cert_file.string();
    hc.token = token;
    HttpsTransport kiosk_link(hc);
    auto rec = sample_record("kiosk-1");
    auto pushed = c.Post("/api/v1/checkins", {{"Authorization", "Bearer " + token}}, to_json_string(rec),
                         "application/json");
    ASSERT_TRUE(pushed && pushed->status == 201);
    c.Post("/api/v1/checkins", {{"Authorization", "Bearer wrong"}}, "{}", "application/json");
    // An outside rotation, then SIGHUP: the service writes to a new file.
    std::filesystem::rename(log, log + ".moved");
    ::kill(pid, SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    c.Get("/api/v1/nothing-here");
    stop();
    std::string before = slurp_text(log + ".moved"), after = slurp_text(log);
    EXPECT_NE(before.find("listening on https://127.0.0.1:" + std::to_string(port)), std::string::npos)
        << before;
    EXPECT_NE(before.find("POST /api/v1/kiosks/enrol 201 kiosk kiosk-1 enrolled"), std::string::npos)
        << before;
    EXPECT_NE(before.find("POST /api/v1/checkins 201"), std::string::npos) << before;
    EXPECT_NE(before.find("WARN uketsuke-reception: POST /api/v1/checkins 401"), std::string::npos) << before;
    EXPECT_NE(after.find("GET /api/v1/nothing-here 404"), std::string::npos) << after;
    EXPECT_NE(after.find("stopped"), std::string::npos) << after;
    for (const std::string& all : {before, after, slurp_text(d.file("stderr"))}) {
        EXPECT_EQ(all.find(token), std::string::npos);
        EXPECT_EQ(all.find(token.substr(4, 20)), std::string::npos);
        EXPECT_EQ(all.find(code), std::string::npos);
    }
    struct stat fst {};
    ASSERT_EQ(::stat(log.c_str(), &fst), 0);
    EXPECT_EQ(fst.st_mode & 0777, 0640u);
}

}  // namespace
}  // namespace uk::testing
