// The consented-information viewer (role, consent, 24 hours, facility policy, expired certificate) and the
// append-only hash-chained audit log that records every view.
#include "reception/qualification/sqlite_util.h"
#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

class ViewerTest : public QualificationTest {
  protected:
    std::string confirm_yamada(FacilityType type = FacilityType::Clinic,
                               std::vector<ConsentEntry> consents = {
                                   {ConsentItem::Medication, ConsentAnswer::Agreed},
                                   {ConsentItem::HealthCheckup, ConsentAnswer::Agreed}}) {
        ConfirmationRequest r = request("yamada-taro");
        r.facility.type = type;
        r.consents = std::move(consents);
        Confirmation c = svc_->confirm(r);
        EXPECT_EQ(c.result.status, QualificationStatus::Valid);
        return r.record_id;
    }
    ViewResult view(const std::string& record, StaffRole role, ConsentItem item,
                    const std::string& who = "dr-ito") {
        auto v = svc_->view({record, who, role, item});
        EXPECT_TRUE(v) << v.error();
        return v ? *v : ViewResult{};
    }
};

TEST_F(ViewerTest, DoctorSeesConsentedMedicationAndCheckups) {
    const std::string rec = confirm_yamada();
    ViewResult med = view(rec, StaffRole::Doctor, ConsentItem::Medication);
    ASSERT_TRUE(med.granted) << med.refusal;
    EXPECT_EQ(med.person_name, "山田 太郎");
    ASSERT_EQ(med.medications.size(), 3u);
    EXPECT_EQ(med.medications[0].dispensed_on, "2026-11-10");  // newest first
    EXPECT_EQ(med.medications[0].days, 28);
    EXPECT_TRUE(med.checkups.empty());
    ViewResult chk = view(rec, StaffRole::Doctor, ConsentItem::HealthCheckup);
    ASSERT_TRUE(chk.granted);
    EXPECT_EQ(chk.checkups.size(), 4u);
    EXPECT_TRUE(chk.medications.empty());
}

TEST_F(ViewerTest, PharmacistSeesMedication) {
    const std::string rec =
        confirm_yamada(FacilityType::Pharmacy, {{ConsentItem::Medication, ConsentAnswer::Agreed}});
    ViewResult v = view(rec, StaffRole::Pharmacist, ConsentItem::Medication, "ph-kato");
    EXPECT_TRUE(v.granted) << v.refusal;
    EXPECT_EQ(v.medications.size(), 3u);
}

TEST_F(ViewerTest, ClerkAndAdminAreRefused) {
    const std::string rec = confirm_yamada();
    for (StaffRole role : {StaffRole::Clerk, StaffRole::Admin}) {
        ViewResult v = view(rec, role, ConsentItem::Medication, "clerk-1");
        EXPECT_FALSE(v.granted);
        EXPECT_EQ(v.refusal_code, "role");
        EXPECT_TRUE(v.medications.empty());
        EXPECT_NE(v.refusal.find("医師・薬剤師"), std::string::npos);
    }
}

TEST_F(ViewerTest, WithoutConsentNothingIsShown) {
    const std::string rec =
        confirm_yamada(FacilityType::Clinic, {{ConsentItem::Medication, ConsentAnswer::Refused},
                                              {ConsentItem::HealthCheckup, ConsentAnswer::Agreed}});
    ViewResult v = view(rec, StaffRole::Doctor, ConsentItem::Medication);
    EXPECT_FALSE(v.granted);
    EXPECT_EQ(v.refusal_code, "no_consent");
    EXPECT_TRUE(v.medications.empty());
    EXPECT_TRUE(view(rec, StaffRole::Doctor, ConsentItem::HealthCheckup).granted);
}

TEST_F(ViewerTest, NoHealthCheckupAtAPharmacyEvenWithConsent) {
    const std::string rec = confirm_yamada(FacilityType::Pharmacy);
    ViewResult v = view(rec, StaffRole::Pharmacist, ConsentItem::HealthCheckup);
    EXPECT_FALSE(v.granted);
    EXPECT_EQ(v.refusal_code, "not_at_facility");
    EXPECT_TRUE(v.checkups.empty());
    EXPECT_EQ(consent_offer(FacilityType::Pharmacy, ConsentItem::HealthCheckup), ConsentOffer::Never);
}

TEST_F(ViewerTest, ConsentHoldsTwentyFourHours) {
    const std::string rec = confirm_yamada();
    clock_.advance(hours(23) + minutes(59));
    EXPECT_TRUE(view(rec, StaffRole::Doctor, ConsentItem::Medication).granted);
    clock_.advance(minutes(2));
    ViewResult v = view(rec, StaffRole::Doctor, ConsentItem::Medication);
    EXPECT_FALSE(v.granted);
    EXPECT_EQ(v.refusal_code, "consent_expired");
}

TEST_F(ViewerTest, InvalidQualificationOrUnknownCheckInShowsNothing) {
    ConfirmationRequest r = request("kobayashi-rei");  // lost
    svc_->confirm(r);
    EXPECT_EQ(view(r.record_id, StaffRole::Doctor, ConsentItem::Medication).refusal_code, "not_valid");
    EXPECT_EQ(view("no-such-record", StaffRole::Doctor, ConsentItem::Medication).refusal_code,
              "not_confirmed");
}

TEST_F(ViewerTest, ExpiredCertificateInGraceSharesNothing) {
    const WallTime now = clock_.wall_now();
    const std::string der = mint_by_test_ca(0x7004, now - days(400), now - days(10));
    auto ref = certificate_ref(der);
    ASSERT_TRUE(svc_->db().link_certificate(person_named("山田 太郎").id, ref->issuer, ref->serial_hex));
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der = der;
    Confirmation c = svc_->confirm(r);
    ASSERT_EQ(c.result.status, QualificationStatus::Valid);
    ViewResult v = view(r.record_id, StaffRole::Doctor, ConsentItem::Medication);
    EXPECT_FALSE(v.granted);
    EXPECT_EQ(v.refusal_code, "certificate_expired");
    ASSERT_TRUE(c.xml_file);
    auto m = xml::parse_result(slurp(*c.xml_file));
    EXPECT_EQ(m->results[0].consents.at(ConsentItem::Medication).flg, "0");
}

TEST_F(ViewerTest, EveryViewAttemptIsInTheAuditLogInOrder) {
    const std::string rec = confirm_yamada();
    std::vector<ViewResult> attempts = {
        view(rec, StaffRole::Doctor, ConsentItem::Medication, "dr-ito"),
        view(rec, StaffRole::Clerk, ConsentItem::Medication, "clerk-1"),
        view(rec, StaffRole::Pharmacist, ConsentItem::HealthCheckup, "ph-kato"),
        view(rec, StaffRole::Doctor, ConsentItem::Surgery, "dr-ito")};
    auto log = svc_->audit().entries(rec);
    ASSERT_TRUE(log);
    std::vector<AuditEntry> views;
    for (const auto& e : *log)
        if (e.action.rfind("view.", 0) == 0) views.push_back(e);
    ASSERT_EQ(views.size(), attempts.size());
    EXPECT_EQ(views[0].actor, "dr-ito");
    EXPECT_EQ(views[0].role, "doctor");
    EXPECT_EQ(views[0].action, "view.medication");
    EXPECT_EQ(views[0].detail, "granted");
    EXPECT_EQ(views[0].at, "2026-11-25T01:00:00.000Z");
    EXPECT_EQ(views[1].actor, "clerk-1");
    EXPECT_EQ(views[1].detail, "refused: role");
    EXPECT_EQ(views[2].action, "view.health_checkup");
    EXPECT_EQ(views[3].detail, "refused: no_consent");
    for (std::size_t i = 0; i < views.size(); ++i)
        EXPECT_EQ(views[i].seq, attempts[i].audit_seq);
    auto v = svc_->audit().verify();
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok) << v->message;
}

TEST_F(ViewerTest, NothingIsShownWhenTheViewCannotBeAudited) {
    const std::string rec = confirm_yamada();
    {
        sql::Db raw;
        ASSERT_TRUE(raw.open(cfg_.audit_log.string()));
        ASSERT_TRUE(
            raw.exec("CREATE TRIGGER block_insert BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk "
                     "full'); END;"));
    }
    auto v = svc_->view({rec, "dr-ito", StaffRole::Doctor, ConsentItem::Medication});
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().find("監査ログ"), std::string::npos);
}

// [SECTION] Audit log

class AuditLogTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = fs::temp_directory_path() / ("uk-qual-audit-" + std::to_string(::getpid()) + ".db");
        for (const char* s : {"", "-wal", "-shm"})
            fs::remove(path_.string() + s);
        auto l = AuditLog::open(path_);
        ASSERT_TRUE(l) << l.error();
        log_ = std::move(*l);
        for (int i = 0; i < 5; ++i)
            ASSERT_TRUE(log_->append("dr-" + std::to_string(i), "doctor", "view.medication",
                                     "rec-" + std::to_string(i), "granted", day(2026, 11, 25) + minutes(i)));
    }
    void TearDown() override {
        log_.reset();
        for (const char* s : {"", "-wal", "-shm"})
            fs::remove(path_.string() + s);
    }
    fs::path path_;
    std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, EntriesAreChainedByHash) {
    auto es = log_->entries();
    ASSERT_TRUE(es);
    ASSERT_EQ(es->size(), 5u);
    EXPECT_EQ((*es)[0].prev_hash, std::string(64, '0'));
    for (std::size_t i = 1; i < es->size(); ++i) {
        EXPECT_EQ((*es)[i].prev_hash, (*es)[i - 1].hash);
        EXPECT_EQ((*es)[i].hash, AuditLog::chain_hash((*es)[i]));
    }
    auto v = log_->verify();
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok);
    EXPECT_EQ(v->entries, 5);
    EXPECT_EQ(v->head, es->back().hash);
}

TEST_F(AuditLogTest, UpdatesAndDeletesAreRefused) {
    sql::Db raw;
    ASSERT_TRUE(raw.open(path_.string()));
    auto u = raw.exec("UPDATE audit_log SET detail='nothing happened' WHERE seq=2");
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().find("append-only"), std::string::npos);
    EXPECT_FALSE(raw.exec("DELETE FROM audit_log WHERE seq=3"));
    EXPECT_TRUE(log_->verify()->ok);
}

TEST_F(AuditLogTest, TamperingBehindTheTriggersIsDetectedAndLocated) {
    {
        sql::Db raw;
        ASSERT_TRUE(raw.open(path_.string()));
        ASSERT_TRUE(raw.exec(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='someone-else' WHERE seq=3"));
    }
    auto v = log_->verify();
    ASSERT_TRUE(v);
    EXPECT_FALSE(v->ok);
    EXPECT_EQ(v->first_bad_seq, 3);
    EXPECT_NE(v->message.find("altered"), std::string::npos);
}

TEST_F(AuditLogTest, RemovedEntryIsDetected) {
    {
        sql::Db raw;
        ASSERT_TRUE(raw.open(path_.string()));
        ASSERT_TRUE(raw.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq=2"));
    }
    auto v = log_->verify();
    EXPECT_FALSE(v->ok);
    EXPECT_EQ(v->first_bad_seq, 3);
    EXPECT_NE(v->message.find("entry 2 is missing"), std::string::npos);
}

TEST_F(AuditLogTest, RehashedForgeryStillBreaksTheChainAfterIt) {
    // Someone edits entry 2 and recomputes its own hash: entry 3 no longer follows it.
    {
        sql::Db raw;
        ASSERT_TRUE(raw.open(path_.string()));
        AuditEntry e = (*log_->entries())[1];
        e.detail = "refused: role";
        e.hash = AuditLog::chain_hash(e);
        const std::string sql_text = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail='" +
                                     e.detail + "', hash='" + e.hash + "' WHERE seq=2";
        ASSERT_TRUE(raw.exec(sql_text.c_str()));
    }
    auto v = log_->verify();
    EXPECT_FALSE(v->ok);
    EXPECT_EQ(v->first_bad_seq, 3);
}

TEST_F(AuditLogTest, ReopenedLogContinuesTheChain) {
    log_.reset();
    auto l = AuditLog::open(path_);
    ASSERT_TRUE(l);
    auto e = (*l)->append("dr-x", "doctor", "view.medication", "rec-x", "granted", day(2026, 11, 26));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->seq, 6);
    EXPECT_TRUE((*l)->verify()->ok);
    log_ = std::move(*l);
}

}  // namespace
}  // namespace uk::qualification::test
