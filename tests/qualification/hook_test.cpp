// The reception's use of the simulator (reception_hook.h): a check-in record in, its qualification slot
// filled, the same answer again when the kiosk's outbox resends the record.
#include "reception/qualification/reception_hook.h"

#include <nlohmann/json.hpp>

#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

class HookTest : public ::testing::Test {
  protected:
    void SetUp() override {
        data_ = fs::temp_directory_path() / ("uk-qual-hook-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(data_);
        clock_.set_wall(day(2026, 11, 25) + hours(1));
        const SimulatorConfig cfg = default_simulator_config(ReceptionQualification::folder(data_));
        ASSERT_TRUE(install_trust_anchor(pki_dir(), cfg.ca, cfg.crl));
        {
            auto db = SimDb::open(cfg.database);
            ASSERT_TRUE(db);
            ASSERT_TRUE(seed_from_pki(**db, pki_dir()));
        }
        auto h = ReceptionQualification::open(data_, clock_);
        ASSERT_TRUE(h) << h.error();
        hook_ = std::move(*h);
    }
    void TearDown() override {
        hook_.reset();
        fs::remove_all(data_);
    }

    CheckinRecord record(const std::string& identity, VerificationMethod m) {
        CheckinRecord r;
        r.record_id = "6a1c0f3e-2b4d-4c5e-8f7a-00000000000" + std::to_string(n_++);
        r.facility_code = "1310000001";
        r.kiosk_id = "kiosk-1";
        r.started_at = clock_.wall_now() - minutes(2);
        r.completed_at = clock_.wall_now();
        r.verification.method = m;
        r.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed}};
        auto ref = certificate_ref(cert_der(identity));
        r.certificate = *ref;
        return r;
    }

    fs::path data_;
    ManualClock clock_;
    std::unique_ptr<ReceptionQualification> hook_;
    int n_ = 1;
};

TEST_F(HookTest, PinRecordIsConfirmedAndAResendGetsTheSameAnswer) {
    CheckinRecord r = record("yamada-taro", VerificationMethod::Pin);
    auto t = hook_->service().issue_challenge("kiosk-1");
    ASSERT_TRUE(t);
    r.verification.pin =
        PinEvidence{t->challenge_id, base64_encode(sign_as("yamada-taro", *base64_decode(t->to_sign_b64)))};
    CheckinRecord first = r;
    EXPECT_EQ(hook_->fill(first), "confirmed");
    EXPECT_EQ(first.qualification.status, QualificationStatus::Valid);
    EXPECT_EQ(first.qualification.checked_at, "2026-11-25T01:00:00.000Z");
    clock_.advance(seconds(30));
    CheckinRecord again = r;  // the outbox resends; the challenge is used up by now
    EXPECT_EQ(hook_->fill(again), "confirmed");
    EXPECT_EQ(to_json_string(again), to_json_string(first));
    // The filled record still passes the strict record parser.
    auto parsed = parse_checkin_record(to_json_string(first));
    ASSERT_TRUE(parsed) << parsed.error();
    EXPECT_EQ(parsed->qualification, first.qualification);
}

TEST_F(HookTest, FaceRecordUsesTheStatementSentAhead) {
    auto kp = generate_ed25519();
    ASSERT_TRUE(hook_->service().db().put_kiosk_key("kiosk-1", kp->public_pem));
    CheckinRecord r = record("tanaka-ichiro", VerificationMethod::Face);
    r.verification.face = FaceEvidence{0.3, 0.45, "dlib-resnet-v1", true, "blink"};
    FaceStatement f{"kiosk-1",
                    r.record_id,
                    r.certificate->serial_hex,
                    r.certificate->issuer,
                    0.3,
                    0.45,
                    "dlib-resnet-v1",
                    true,
                    true,
                    "blink",
                    format_rfc3339(clock_.wall_now())};
    CheckinRecord without = r;
    EXPECT_EQ(hook_->fill(without), "see_staff");  // no statement yet
    EXPECT_NE(without.qualification.reason.find("顔認証"), std::string::npos);
    r.record_id[35] = '9';
    f.record_id = r.record_id;
    nlohmann::json st = nlohmann::json::object();
    st["kiosk_id"] = f.kiosk_id;
    st["record_id"] = f.record_id;
    st["cert_serial_hex"] = f.cert_serial_hex;
    st["cert_issuer"] = f.cert_issuer;
    st["distance"] = f.distance;
    st["threshold"] = f.threshold;
    st["model"] = f.model;
    st["matched"] = f.matched;
    st["liveness_passed"] = f.liveness_passed;
    st["liveness_challenge"] = f.liveness_challenge;
    st["made_at"] = f.made_at;
    auto sig = sign_ed25519(kp->private_pem, f.canonical());
    ASSERT_TRUE(sig);
    ASSERT_TRUE(hook_->service().db().put_face_statement(r.record_id, "kiosk-1", st.dump(), *sig));
    EXPECT_EQ(hook_->fill(r), "confirmed") << r.qualification.reason;
}

TEST_F(HookTest, StaffRecordAndUnknownCertificate) {
    CheckinRecord r = record("suzuki-hanako", VerificationMethod::StaffVisual);
    r.verification.staff = StaffEvidence{"clerk-tanaka"};
    EXPECT_EQ(hook_->fill(r), "confirmed");
    CheckinRecord u = record("suzuki-hanako", VerificationMethod::StaffVisual);
    u.verification.staff = StaffEvidence{"clerk-tanaka"};
    u.certificate->serial_hex = "deadbeef";
    CheckinRecord resend = u;
    EXPECT_EQ(hook_->fill(u), "see_staff");
    EXPECT_EQ(u.qualification.status, QualificationStatus::Invalid);
    EXPECT_NE(u.qualification.reason.find("認証局の記録にありません"), std::string::npos)
        << u.qualification.reason;
    clock_.advance(seconds(5));
    EXPECT_EQ(hook_->fill(resend), "see_staff");
    EXPECT_EQ(to_json_string(resend), to_json_string(u));  // an invalid result is as stable as a valid one
}

TEST(HookOpen, WithoutSetUpItSaysHowToSetUp) {
    ManualClock clock;
    auto h = ReceptionQualification::open(fs::temp_directory_path() / "uk-qual-none", clock);
    ASSERT_FALSE(h);
    EXPECT_NE(h.error().find("seed --pki"), std::string::npos);
}

}  // namespace
}  // namespace uk::qualification::test
