// The identity side of the simulator: the card's certificate against the test JPKI CA and its CRL (OpenSSL),
// the PIN path's challenge and card signature, the kiosk's signed face statement, the staff visual check.
#include <openssl/rsa.h>

#include <atomic>
#include <thread>

#include "kiosk/card/mynumber_card.h"
#include "tests/qualification/fixture.h"
#include "tools/cardsim/identity.h"
#include "tools/cardsim/in_process_transport.h"
#include "tools/cardsim/sim_card.h"

namespace uk::qualification::test {
namespace {

// [SECTION] Certificate chain, dates, revocation

TEST_F(QualificationTest, ValidChainConfirmsAndNamesThePerson) {
    Confirmation c = svc_->confirm(request("yamada-taro"));
    EXPECT_EQ(c.certificate, CertStatus::Valid);
    EXPECT_EQ(c.result.status, QualificationStatus::Valid) << c.result.reason;
    EXPECT_EQ(c.reason, Reason::None);
    EXPECT_TRUE(c.sharing_allowed);
    ASSERT_TRUE(c.person);
    EXPECT_EQ(c.person->name, "山田 太郎");
    EXPECT_EQ(c.kiosk_message(), "confirmed");
    EXPECT_EQ(c.result.checked_at, "2026-11-25T01:00:00.000Z");
}

TEST_F(QualificationTest, CertificateExpiredBeyondThreeMonthsIsRefused) {
    // sato-jiro's certificate expired on 2024-09-30; today is 2026-11-25.
    Confirmation c = svc_->confirm(request("sato-jiro"));
    EXPECT_EQ(c.certificate, CertStatus::Expired);
    EXPECT_EQ(c.result.status, QualificationStatus::Invalid);
    EXPECT_EQ(c.reason, Reason::CertificateExpired);
    EXPECT_NE(c.result.reason.find("3か月"), std::string::npos) << c.result.reason;
    EXPECT_FALSE(c.person);
    EXPECT_EQ(c.kiosk_message(), "see_staff");
}

TEST_F(QualificationTest, CertificateExpiredWithinGraceConfirmsButSharesNothing) {
    const WallTime now = clock_.wall_now();
    const std::string der = mint_by_test_ca(0x7001, now - days(5 * 365), now - days(30));
    auto ref = certificate_ref(der);
    ASSERT_TRUE(ref);
    const InsuredPerson yamada = person_named("山田 太郎");
    ASSERT_TRUE(svc_->db().link_certificate(yamada.id, ref->issuer, ref->serial_hex));
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der = der;
    Confirmation c = svc_->confirm(r);
    EXPECT_EQ(c.certificate, CertStatus::ExpiredInGrace);
    EXPECT_EQ(c.result.status, QualificationStatus::Valid);
    EXPECT_FALSE(c.sharing_allowed);
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_NE(c.warnings[0].find("薬剤情報"), std::string::npos);
    // 91 days after expiry it no longer confirms.
    clock_.advance(days(61) + hours(1));
    ConfirmationRequest late = request("yamada-taro");
    late.certificate_der = der;
    EXPECT_EQ(svc_->confirm(late).reason, Reason::CertificateExpired);
}

TEST_F(QualificationTest, RevokedCertificateIsRefused) {
    Confirmation c = svc_->confirm(request("ito-yoko"));
    EXPECT_EQ(c.certificate, CertStatus::Revoked);
    EXPECT_EQ(c.reason, Reason::CertificateRevoked);
    EXPECT_EQ(c.result.status, QualificationStatus::Invalid);
    EXPECT_NE(c.result.reason.find("失効"), std::string::npos);
}

TEST_F(QualificationTest, CertificateFromAnImpostorCaWithTheSameNameIsUntrusted) {
    Cert real_ca = load_cert_pem(pki_dir() / "ca" / "auth-ca.pem");
    Key fake_key(EVP_RSA_gen(2048));
    Cert fake_ca(X509_new());
    X509_set_version(fake_ca.get(), 2);
    X509_set_subject_name(fake_ca.get(), X509_get_subject_name(real_ca.get()));
    X509_set_issuer_name(fake_ca.get(), X509_get_subject_name(real_ca.get()));
    X509_set_pubkey(fake_ca.get(), fake_key.get());
    X509_sign(fake_ca.get(), fake_key.get(), EVP_sha256());
    const WallTime now = clock_.wall_now();
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der = mint_cert(0x1001, now - days(10), now + days(100), fake_ca.get(), fake_key.get());
    Confirmation c = svc_->confirm(r);
    EXPECT_EQ(c.certificate, CertStatus::Untrusted);
    EXPECT_EQ(c.reason, Reason::CertificateUntrusted);
}

TEST_F(QualificationTest, TruncatedOrGarbageCertificateIsMalformed) {
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der.resize(r.certificate_der.size() / 2);
    EXPECT_EQ(svc_->confirm(r).reason, Reason::CertificateMalformed);
    r.certificate_der = "not a certificate";
    EXPECT_EQ(svc_->confirm(r).reason, Reason::CertificateMalformed);
    r.certificate_der.clear();  // none at all
    EXPECT_EQ(svc_->confirm(r).reason, Reason::CertificateUnknown);
}

TEST_F(QualificationTest, CertificateNotYetValidIsRefused) {
    const WallTime now = clock_.wall_now();
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der = mint_by_test_ca(0x7002, now + days(2), now + days(400));
    EXPECT_EQ(svc_->confirm(r).reason, Reason::CertificateNotYetValid);
}

TEST_F(QualificationTest, StaleRevocationListFailsClosed) {
    clock_.set_wall(day(2035, 7, 1));  // the CRL's nextUpdate is 2035-06-01
    Confirmation c = svc_->confirm(request("yamada-taro"));
    EXPECT_EQ(c.certificate, CertStatus::RevocationUnavailable);
    EXPECT_EQ(c.result.status, QualificationStatus::Invalid);
}

TEST_F(QualificationTest, MissingRevocationListFailsClosed) {
    fs::remove(cfg_.crl);
    reopen();
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::RevocationUnavailable);
}

TEST_F(QualificationTest, CrlSignedByAnotherKeyIsNotUsed) {
    fs::copy_file(pki_dir() / "identities" / "yamada-taro" / "auth-cert.der", cfg_.crl,
                  fs::copy_options::overwrite_existing);
    reopen();
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::RevocationUnavailable);
}

// [SECTION] PIN path: reception-issued challenge, card signature

TEST_F(QualificationTest, PinPathWithTheCardsSignatureConfirms) {
    Confirmation c = svc_->confirm(pin_request("yamada-taro"));
    EXPECT_EQ(c.reason, Reason::None) << c.result.reason;
    EXPECT_EQ(c.result.status, QualificationStatus::Valid);
}

TEST_F(QualificationTest, ChallengeNamesKioskAndExpiryAndIsFreshEachTime) {
    auto a = svc_->issue_challenge("kiosk-1");
    auto b = svc_->issue_challenge("kiosk-1");
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->challenge_id, b->challenge_id);
    EXPECT_NE(a->to_sign_b64, b->to_sign_b64);
    const std::string bytes = *base64_decode(a->to_sign_b64);
    EXPECT_NE(bytes.find("kiosk=kiosk-1"), std::string::npos);
    EXPECT_NE(bytes.find("id=" + a->challenge_id), std::string::npos);
    EXPECT_EQ(a->expires_at, "2026-11-25T01:02:00.000Z");
    EXPECT_FALSE(svc_->issue_challenge(""));
}

TEST_F(QualificationTest, SignatureOverAWrongChallengeIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro");
    auto other = svc_->issue_challenge("kiosk-1");
    r.card_signature = sign_as("yamada-taro", *base64_decode(other->to_sign_b64));  // signed the other one
    EXPECT_EQ(svc_->confirm(r).reason, Reason::SignatureInvalid);
}

TEST_F(QualificationTest, SignatureByAnotherCardIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro");
    auto t = svc_->issue_challenge("kiosk-1");
    r.challenge_id = t->challenge_id;
    r.card_signature = sign_as("suzuki-hanako", *base64_decode(t->to_sign_b64));
    EXPECT_EQ(svc_->confirm(r).reason, Reason::SignatureInvalid);
}

TEST_F(QualificationTest, ReplayedChallengeIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro");
    EXPECT_EQ(svc_->confirm(r).reason, Reason::None);
    r.record_id += "0";
    EXPECT_EQ(svc_->confirm(r).reason, Reason::ChallengeReplayed);
    // Even a first attempt with a bad signature uses the challenge up.
    ConfirmationRequest bad = pin_request("yamada-taro");
    bad.card_signature[10] ^= 0x01;
    EXPECT_EQ(svc_->confirm(bad).reason, Reason::SignatureInvalid);
    bad.card_signature[10] ^= 0x01;
    EXPECT_EQ(svc_->confirm(bad).reason, Reason::ChallengeReplayed);
}

TEST_F(QualificationTest, ExpiredChallengeIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro");
    clock_.advance(seconds(121));
    EXPECT_EQ(svc_->confirm(r).reason, Reason::ChallengeExpired);
}

TEST_F(QualificationTest, ChallengeOfAnotherKioskIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro", "kiosk-2");
    r.kiosk_id = "kiosk-1";
    EXPECT_EQ(svc_->confirm(r).reason, Reason::ChallengeOtherKiosk);
}

TEST_F(QualificationTest, UnknownChallengeIsRefused) {
    ConfirmationRequest r = pin_request("yamada-taro");
    r.challenge_id = "00000000-0000-4000-8000-000000000000";
    EXPECT_EQ(svc_->confirm(r).reason, Reason::ChallengeUnknown);
}

TEST_F(QualificationTest, AChallengeRacedFromManyThreadsConfirmsExactlyOnce) {
    const ConfirmationRequest r = pin_request("yamada-taro");
    std::atomic<int> valid{0}, replayed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            ConfirmationRequest mine = r;
            mine.record_id += std::to_string(i);
            const Reason reason = svc_->confirm(mine).reason;
            if (reason == Reason::None) ++valid;
            if (reason == Reason::ChallengeReplayed) ++replayed;
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(valid.load(), 1);
    EXPECT_EQ(replayed.load(), 7);
}

TEST_F(QualificationTest, ChallengesSurviveARestartOfTheService) {
    ConfirmationRequest r = pin_request("yamada-taro");
    reopen();
    EXPECT_EQ(svc_->confirm(r).reason, Reason::None);
}

TEST_F(QualificationTest, SignatureMadeByTheSimulatedCardOverApdusVerifies) {
    auto id = cardsim::load_identity(pki_dir(), "suzuki-hanako");
    ASSERT_TRUE(id) << id.error();
    id->dir.clear();  // keep retry counters in memory: the shared test PKI is not touched
    cardsim::SimulatedCard sim(std::move(*id));
    cardsim::InProcessTransport transport(sim);
    card::MyNumberCard card(transport);
    auto cert = card.read_auth_certificate();
    ASSERT_TRUE(cert);
    Pin pin;
    for (char ch : std::string("5678"))
        pin.push(ch);
    ASSERT_TRUE(card.verify_auth_pin(pin));
    auto t = svc_->issue_challenge("kiosk-1");
    ASSERT_TRUE(t);
    const std::string to_sign = *base64_decode(t->to_sign_b64);
    auto sig = card.sign_challenge(
        card::ByteView(reinterpret_cast<const std::uint8_t*>(to_sign.data()), to_sign.size()));
    ASSERT_TRUE(sig);
    ConfirmationRequest r = request("suzuki-hanako", VerificationMethod::Pin);
    r.certificate_der.assign(cert->der.begin(), cert->der.end());
    r.challenge_id = t->challenge_id;
    r.card_signature.assign(sig->begin(), sig->end());
    Confirmation c = svc_->confirm(r);
    EXPECT_EQ(c.reason, Reason::None) << c.result.reason;
    ASSERT_TRUE(c.person);
    EXPECT_EQ(c.person->name, "鈴木 花子");
}

// [SECTION] Face path: the kiosk's signed statement

class FacePathTest : public QualificationTest {
  protected:
    void SetUp() override {
        QualificationTest::SetUp();
        auto kp = generate_ed25519();
        ASSERT_TRUE(kp);
        keys_ = *kp;
        ASSERT_TRUE(svc_->db().put_kiosk_key("kiosk-1", keys_.public_pem));
    }
    ConfirmationRequest face_request(const std::string& identity, bool matched = true, bool live = true) {
        ConfirmationRequest r = request(identity, VerificationMethod::Face);
        auto ref = certificate_ref(r.certificate_der);
        FaceStatement f;
        f.kiosk_id = r.kiosk_id;
        f.record_id = r.record_id;
        f.cert_serial_hex = ref->serial_hex;
        f.cert_issuer = ref->issuer;
        f.distance = matched ? 0.31 : 0.72;
        f.threshold = 0.45;
        f.model = "dlib-resnet-v1";
        f.matched = matched;
        f.liveness_passed = live;
        f.liveness_challenge = "blink+turn_left";
        f.made_at = format_rfc3339(clock_.wall_now() - seconds(20));
        r.face = f;
        r.face_signature = *sign_ed25519(keys_.private_pem, f.canonical());
        return r;
    }
    KeyPair keys_;
};

TEST_F(FacePathTest, SignedMatchStatementConfirms) {
    Confirmation c = svc_->confirm(face_request("tanaka-ichiro"));
    EXPECT_EQ(c.reason, Reason::None) << c.result.reason;
    ASSERT_TRUE(c.person);
    EXPECT_EQ(c.person->burden_percent, 10);
}

TEST_F(FacePathTest, StatementAlteredAfterSigningIsRefused) {
    ConfirmationRequest r = face_request("tanaka-ichiro", false);
    r.face->matched = true;  // a man in the middle flips the verdict
    r.face->distance = 0.30;
    EXPECT_EQ(svc_->confirm(r).reason, Reason::FaceStatementInvalid);
}

TEST_F(FacePathTest, StatementForAnotherCheckInOrCardIsRefused) {
    ConfirmationRequest r = face_request("tanaka-ichiro");
    r.record_id = "3f2b8c1e-5d4a-4e6f-9a7b-999999999999";
    EXPECT_EQ(svc_->confirm(r).reason, Reason::FaceStatementInvalid);
    ConfirmationRequest other_card = face_request("tanaka-ichiro");
    other_card.certificate_der = cert_der("yamada-taro");
    EXPECT_EQ(svc_->confirm(other_card).reason, Reason::FaceStatementInvalid);
}

TEST_F(FacePathTest, StatementFromAnUnregisteredKioskOrKeyIsRefused) {
    ConfirmationRequest r = face_request("tanaka-ichiro");
    auto other = generate_ed25519();
    r.face_signature = *sign_ed25519(other->private_pem, r.face->canonical());
    EXPECT_EQ(svc_->confirm(r).reason, Reason::FaceStatementInvalid);
    ConfirmationRequest k2 = face_request("tanaka-ichiro");
    k2.kiosk_id = k2.face->kiosk_id = "kiosk-9";
    k2.face_signature = *sign_ed25519(keys_.private_pem, k2.face->canonical());
    EXPECT_EQ(svc_->confirm(k2).reason, Reason::FaceStatementInvalid);
}

TEST_F(FacePathTest, OldStatementIsRefused) {
    ConfirmationRequest r = face_request("tanaka-ichiro");
    clock_.advance(minutes(11));
    EXPECT_EQ(svc_->confirm(r).reason, Reason::FaceStatementInvalid);
}

TEST_F(FacePathTest, SignedNoMatchOrFailedLivenessIsNotConfirmed) {
    EXPECT_EQ(svc_->confirm(face_request("tanaka-ichiro", false, true)).reason, Reason::FaceNotMatched);
    EXPECT_EQ(svc_->confirm(face_request("tanaka-ichiro", true, false)).reason, Reason::FaceNotMatched);
}

// [SECTION] Visual check

TEST_F(QualificationTest, VisualCheckRecordsTheStaffMember) {
    ConfirmationRequest r = request("yamada-taro");
    EXPECT_EQ(svc_->confirm(r).reason, Reason::None);
    r.staff_id.clear();
    EXPECT_EQ(svc_->confirm(r).reason, Reason::StaffNotRecorded);
    auto log = svc_->audit().entries(r.record_id);
    ASSERT_TRUE(log);
    ASSERT_FALSE(log->empty());
    EXPECT_NE(log->back().detail.find("staff_visual"), std::string::npos);
}

}  // namespace
}  // namespace uk::qualification::test
