// The kiosk side of enrolment over real HTTPS on loopback: enrol_kiosk() against the reception service, the
// files save_enrolment() writes, the token then pushing a check-in through HttpsTransport with the pinned
// certificate, a man in the middle (another certificate) refused whether it forwards or answers itself, and
// the kiosk's Ed25519 key file.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "kiosk/queue/enrolment_proof.h"
#include "kiosk/queue/kiosk_key.h"
#include "platform/net/enrolment.h"
#include "tests/reception/test_support.h"

namespace uk::testing {
namespace {

namespace en = uk::enrolment;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void invite(reception::Store& store, const std::string& kiosk, const std::string& code, int minutes = 15) {
    auto key = en::derive_key(*en::normalise_code(code));
    ASSERT_TRUE(key);
    std::int64_t now = now_ms();
    ASSERT_TRUE(store.put_enrolment_invite(
        {kiosk, en::key_to_hex(*key), now, now + std::int64_t{minutes} * 60000, 0, 0}));
}

// A TLS server with its own certificate on loopback: a man in the middle.
struct Mitm {
    TempDir dir;
    std::unique_ptr<httplib::SSLServer> server;
    std::thread thread;
    int port = 0;
    explicit Mitm(std::function<void(const httplib::Request&, httplib::Response&)> handler) {
        auto t = reception::ensure_self_signed(dir.file("tls"), "127.0.0.1");
        if (!t) throw std::runtime_error(t.error());
        server = std::make_unique<httplib::SSLServer>(t->cert_path.c_str(), t->key_path.c_str());
        server->Post("/api/v1/kiosks/enrol", std::move(handler));
        port = server->bind_to_any_port("127.0.0.1");
        thread = std::thread([this] { server->listen_after_bind(); });
        // httplib's stop() does nothing before the server listens: wait for it, or the join can hang.
        while (!server->is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Mitm() {
        server->stop();
        thread.join();
    }
};

class EnrolClient : public ::testing::Test {
  protected:
    void SetUp() override {
        auto k = KioskKey::generate();
        ASSERT_TRUE(k);
        face_pem_ = k->public_pem();
    }
    EnrolRequest request(int port, const std::string& code = "7k3m q9tx 2b4h") const {
        EnrolRequest rq;
        rq.host = "127.0.0.1";
        rq.port = port;
        rq.kiosk_id = "kiosk-1";
        rq.code = code;
        rq.face_public_pem = face_pem_;
        rq.timeout = std::chrono::milliseconds(3000);
        return rq;
    }
    Reception r_;
    std::string face_pem_;
};

TEST_F(EnrolClient, EnrolsSavesFilesAndTheTokenPushesACheckinThroughThePinnedCertificate) {
    invite(*r_.store, "kiosk-1", "7K3M-Q9TX-2B4H");
    EnrolFailure why = EnrolFailure::ReceptionError;
    auto e = enrol_kiosk(request(r_.port), &why);
    ASSERT_TRUE(e) << e.error();
    EXPECT_EQ(why, EnrolFailure::None);
    EXPECT_EQ(e->fingerprint, *reception::certificate_fingerprint(r_.tls.cert_path));
    EXPECT_FALSE(e->face_key_registered);

    TempDir kiosk;
    auto files = save_enrolment(*e, kiosk.file("etc"));
    ASSERT_TRUE(files) << files.error();
    struct stat st {};
    ASSERT_EQ(::stat(files->token_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(kiosk.file("etc").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    std::ifstream tf(files->token_file);
    std::string token;
    std::getline(tf, token);
    EXPECT_EQ(token, e->token);
    EXPECT_EQ(*reception::certificate_fingerprint(files->cert_file.string()), e->fingerprint);

    HttpsTransportConfig hc;
    hc.host = "127.0.0.1";
    hc.port = r_.port;
    hc.pinned_cert_path = files->cert_file.string();
    hc.token = token;
    HttpsTransport t(hc);
    auto reply = t.post_json("/api/v1/checkins", to_json_string(sample_record("kiosk-1")));
    EXPECT_EQ(reply.status, 201) << reply.body << reply.error;

    // The code is spent.
    auto again = enrol_kiosk(request(r_.port), &why);
    ASSERT_FALSE(again);
    EXPECT_EQ(why, EnrolFailure::UsedCode);
    EXPECT_NE(again.error().find("already used"), std::string::npos) << again.error();
}

// A reception on 0.0.0.0 with its self-signed certificate (which names only localhost and the loopback
// addresses) is reached by another address: the exact pin is the identity, so enrolment and pushes work.
TEST(EnrolOverLan, ThePinnedCertificateWorksUnderAnAddressItDoesNotName) {
    Reception r(nullptr, [](reception::ServiceConfig& c) { c.host = "0.0.0.0"; });
    invite(*r.store, "kiosk-1", "7K3M-Q9TX-2B4H");
    auto face = KioskKey::generate();
    EnrolRequest rq{"127.0.0.2", r.port, "kiosk-1", "7K3M-Q9TX-2B4H", face->public_pem()};
    auto e = enrol_kiosk(rq);
    ASSERT_TRUE(e) << e.error();
    TempDir kiosk;
    auto files = save_enrolment(*e, kiosk.path());
    ASSERT_TRUE(files);
    HttpsTransportConfig hc;
    hc.host = "127.0.0.2";
    hc.port = r.port;
    hc.pinned_cert_path = files->cert_file.string();
    hc.token = e->token;
    HttpsTransport t(hc);
    auto reply = t.post_json("/api/v1/checkins", to_json_string(sample_record("kiosk-1")));
    EXPECT_EQ(reply.status, 201) << reply.body << reply.error;
    // Another reception's certificate pinned under the same address is still refused.
    Reception other;
    hc.pinned_cert_path = other.tls.cert_path;
    HttpsTransport wrong(hc);
    auto refused = wrong.post_json("/api/v1/checkins", to_json_string(sample_record("kiosk-1")));
    EXPECT_EQ(refused.status, 0);
    EXPECT_NE(refused.error.find("certificate"), std::string::npos) << refused.error;
}

TEST_F(EnrolClient, RefusalsComeBackAsTheirClassWithTheReceptionsWords) {
    invite(*r_.store, "kiosk-1", "7K3M-Q9TX-2B4H");
    invite(*r_.store, "kiosk-2", "AAAA-BBBB-CCCC", -1);
    EnrolFailure why{};
    auto wrong = enrol_kiosk(request(r_.port, "7K3M-Q9TX-2B4J"), &why);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(why, EnrolFailure::WrongCode);
    EXPECT_NE(wrong.error().find("wrong enrolment code"), std::string::npos);

    auto rq = request(r_.port, "AAAA-BBBB-CCCC");
    rq.kiosk_id = "kiosk-2";
    auto expired = enrol_kiosk(rq, &why);
    ASSERT_FALSE(expired);
    EXPECT_EQ(why, EnrolFailure::ExpiredCode);

    rq = request(r_.port);
    rq.kiosk_id = "kiosk-3";
    auto other = enrol_kiosk(rq, &why);
    EXPECT_EQ(why, EnrolFailure::KioskIdMismatch) << other.error();

    auto typo = enrol_kiosk(request(r_.port, "7K3M-Q9TX"), &why);
    EXPECT_EQ(why, EnrolFailure::BadInput);
    EXPECT_NE(typo.error().find("12 characters"), std::string::npos);
}

TEST_F(EnrolClient, ForwardingManInTheMiddleIsRefusedByTheReception) {
    invite(*r_.store, "kiosk-1", "7K3M-Q9TX-2B4H");
    std::string relayed_body;
    Mitm mitm([&](const httplib::Request& req, httplib::Response& res) {
        relayed_body = req.body;
        auto c = r_.client();
        auto up = c->Post("/api/v1/kiosks/enrol", req.body, "application/json");
        res.status = up ? up->status : 502;
        res.set_content(up ? up->body : "", "application/json");
    });
    EnrolFailure why{};
    auto e = enrol_kiosk(request(mitm.port), &why);
    ASSERT_FALSE(e);
    EXPECT_EQ(why, EnrolFailure::CertificateMismatch);
    EXPECT_EQ(to_string(why), "certificate_mismatch");
    EXPECT_NE(e.error().find("possible interception"), std::string::npos) << e.error();
    // The code never crossed the wire, in any spelling.
    EXPECT_EQ(relayed_body.find("7K3M"), std::string::npos);
    EXPECT_EQ(relayed_body.find("Q9TX"), std::string::npos);
    // And the interception spent the code: the real reception now refuses it too.
    auto direct = enrol_kiosk(request(r_.port), &why);
    EXPECT_EQ(why, EnrolFailure::UsedCode);
}

TEST_F(EnrolClient, ManInTheMiddleAnsweringItselfIsRefusedByTheKiosk) {
    Mitm mitm([](const httplib::Request&, httplib::Response& res) {
        res.status = 201;
        res.set_content(json{{"kiosk_id", "kiosk-1"},
                             {"token", "ukk_attacker"},
                             {"answer_proof", std::string(64, '0')},
                             {"face_key", "registered"}}
                            .dump(),
                        "application/json");
    });
    EnrolFailure why{};
    auto e = enrol_kiosk(request(mitm.port), &why);
    ASSERT_FALSE(e);
    EXPECT_EQ(why, EnrolFailure::CertificateMismatch);
    EXPECT_NE(e.error().find("does not prove the certificate"), std::string::npos) << e.error();
}

TEST_F(EnrolClient, UnreachableAndNonTlsPeersAreToldApart) {
    EnrolFailure why{};
    auto closed = enrol_kiosk(request(free_port()), &why);
    ASSERT_FALSE(closed);
    EXPECT_EQ(why, EnrolFailure::Unreachable);
    EXPECT_NE(closed.error().find("cannot be reached"), std::string::npos) << closed.error();

    httplib::Server plain;
    plain.Post("/api/v1/kiosks/enrol",
               [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
    int port = plain.bind_to_any_port("127.0.0.1");
    std::thread th([&] { plain.listen_after_bind(); });
    while (!plain.is_running())  // httplib's stop() does nothing before the server listens
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto tls = enrol_kiosk(request(port), &why);
    plain.stop();
    th.join();
    ASSERT_FALSE(tls);
    EXPECT_EQ(why, EnrolFailure::Tls);
    EXPECT_NE(tls.error().find("TLS handshake"), std::string::npos) << tls.error();

    auto rq = request(r_.port);
    rq.host = "no-such-host.invalid";
    auto unknown = enrol_kiosk(rq, &why);
    EXPECT_EQ(why, EnrolFailure::Unreachable) << unknown.error();
}

// [SECTION] The kiosk's key

bool verifies(const std::string& public_pem, const std::string& data, const std::vector<std::uint8_t>& sig) {
    BIO* b = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
    EVP_PKEY* k = PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    bool ok = k && EVP_DigestVerifyInit(md, nullptr, nullptr, nullptr, k) == 1 &&
              EVP_DigestVerify(md, sig.data(), sig.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
    return ok;
}

TEST(KioskKeyFile, MadeOnFirstUseWithMode0600AndTheSameKeyAfterwards) {
    TempDir d;
    auto path = std::filesystem::path(d.file("keys/face-key.pem"));
    auto first = KioskKey::load_or_create(path);
    ASSERT_TRUE(first) << first.error();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto second = KioskKey::load_or_create(path);
    ASSERT_TRUE(second) << second.error();
    EXPECT_EQ(first->public_pem(), second->public_pem());
    EXPECT_NE(first->public_pem().find("BEGIN PUBLIC KEY"), std::string::npos);
    auto sig = second->sign("statement");
    ASSERT_TRUE(sig);
    EXPECT_EQ(sig->size(), 64u);
    EXPECT_TRUE(verifies(first->public_pem(), "statement", *sig));
    EXPECT_FALSE(verifies(first->public_pem(), "statemenT", *sig));
}

TEST(KioskKeyFile, RefusesAKeyOthersCanReadOrThatIsNotEd25519) {
    TempDir d;
    auto path = std::filesystem::path(d.file("face-key.pem"));
    ASSERT_TRUE(KioskKey::load_or_create(path));
    ::chmod(path.c_str(), 0644);
    auto open = KioskKey::load_or_create(path);
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().find("chmod 600"), std::string::npos);
    ASSERT_TRUE(
        write_file_atomically(path, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600));
    auto junk = KioskKey::load_or_create(path);
    ASSERT_FALSE(junk);
    EXPECT_NE(junk.error().find("not an Ed25519 private key"), std::string::npos);
}

TEST(EnrolmentCode, FreshCodesAreTwelveAlphabetCharactersAndTypingSlipsAreForgiven) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        std::string c = en::new_code();
        ASSERT_EQ(c.size(), 14u);
        auto n = en::normalise_code(c);
        ASSERT_TRUE(n) << c;
        EXPECT_EQ(n->size(), 12u);
        seen.insert(*n);
    }
    EXPECT_EQ(seen.size(), 200u);
    EXPECT_EQ(*en::normalise_code("7k3m-q9tx-2b4h"), "7K3MQ9TX2B4H");
    EXPECT_EQ(*en::normalise_code("ol1i 0000 0000"),
              "0111"
              "00000000");
    EXPECT_FALSE(en::normalise_code("7K3M-Q9TX-2B4U"));  // U is not in the alphabet
    EXPECT_FALSE(en::normalise_code("7K3M-Q9TX-2B4"));
}

// [SECTION] A CA-issued reception certificate (HttpsTransport's second mode: chain to the file + host name)

struct Pki {
    std::string ca_pem, leaf_pem, leaf_key_pem;
};

std::string pem_cert(X509* x) {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string s(d, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
}

X509* make_cert(EVP_PKEY* subject_key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, const char* san,
                bool ca) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, subject_key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(issuer ? issuer : x));
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, nullptr, nullptr, 0);
    auto add = [&](int nid, const char* value) {
        if (X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &v3, nid, value)) {
            X509_add_ext(x, e, -1);
            X509_EXTENSION_free(e);
        }
    };
    add(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (ca) add(NID_key_usage, "critical,keyCertSign,cRLSign");
    if (san) add(NID_subject_alt_name, san);
    X509_sign(x, issuer_key, EVP_sha256());
    return x;
}

Pki make_pki(const char* leaf_san) {
    EVP_PKEY* ca_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    EVP_PKEY* leaf_key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509* ca = make_cert(ca_key, "Clinic Test CA", nullptr, ca_key, nullptr, true);
    X509* leaf = make_cert(leaf_key, "reception", ca, ca_key, leaf_san, false);
    Pki p{pem_cert(ca), pem_cert(leaf), {}};
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, leaf_key, nullptr, nullptr, 0, nullptr, nullptr);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    p.leaf_key_pem.assign(d, static_cast<std::size_t>(n));
    BIO_free(b);
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(leaf_key);
    return p;
}

int post_through_ca(const char* leaf_san, std::string* error) {
    TempDir d;
    Pki pki = make_pki(leaf_san);
    std::ofstream(d.file("ca.pem")) << pki.ca_pem;
    std::ofstream(d.file("leaf.pem")) << pki.leaf_pem;
    std::ofstream(d.file("leaf.key")) << pki.leaf_key_pem;
    httplib::SSLServer server(d.file("leaf.pem").c_str(), d.file("leaf.key").c_str());
    server.Post("/ping", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    int port = server.bind_to_any_port("127.0.0.1");
    std::thread th([&] { server.listen_after_bind(); });
    while (!server.is_running())  // httplib's stop() does nothing before the server listens
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    HttpsTransportConfig hc;
    hc.host = "127.0.0.1";
    hc.port = port;
    hc.pinned_cert_path = d.file("ca.pem");
    hc.token = "t";
    HttpReply r;
    {
        HttpsTransport t(hc);
        r = t.post_json("/ping", "{}");
    }
    server.stop();
    th.join();
    *error = r.error;
    return r.status;
}

TEST(PinnedCa, ACaInThePinnedFileAcceptsItsCertificateOnlyUnderTheNameItCarries) {
    std::string err;
    EXPECT_EQ(post_through_ca("IP:127.0.0.1", &err), 204) << err;
    EXPECT_EQ(post_through_ca("DNS:reception.clinic.example", &err), 0);
    EXPECT_NE(err.find("does not name 127.0.0.1"), std::string::npos) << err;
}

}  // namespace
}  // namespace uk::testing
