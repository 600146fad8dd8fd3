// The insured-persons side: who the certificate belongs to and whether their qualification holds, with the
// reason in words staff understand.
#include <set>

#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

TEST_F(QualificationTest, SeedLinksEveryTestIdentityAndAddsCardlessPersons) {
    auto ps = svc_->db().list_persons();
    ASSERT_TRUE(ps);
    EXPECT_EQ(ps->size(), 8u);
    for (const char* id :
         {"yamada-taro", "suzuki-hanako", "tanaka-ichiro", "sato-jiro", "ito-yoko", "kobayashi-rei"}) {
        auto ref = certificate_ref(cert_der(id));
        ASSERT_TRUE(ref);
        auto pid = svc_->db().person_for_certificate(ref->issuer, ref->serial_hex);
        ASSERT_TRUE(pid && pid->has_value()) << id;
    }
    const InsuredPerson y = person_named("山田 太郎");
    EXPECT_EQ(y.insurer_number.size(), 8u);
    EXPECT_EQ(y.birth_date, "1985-04-12");
    ASSERT_TRUE(y.limit);
    EXPECT_EQ(y.limit->category, "A03");
    EXPECT_EQ(person_named("小林 玲").loss_reason, "03");
    // Seeding again changes nothing.
    auto again = seed_from_pki(svc_->db(), pki_dir());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->persons, 0);
    EXPECT_EQ(svc_->db().list_persons()->size(), 8u);
}

TEST_F(QualificationTest, UnknownPersonIsInvalidWithAReasonAndAFileSayingNoQualification) {
    const WallTime now = clock_.wall_now();
    ConfirmationRequest r = request("yamada-taro");
    r.certificate_der =
        mint_by_test_ca(0x7003, now - days(100), now + days(1000));  // valid, but linked to nobody
    Confirmation c = svc_->confirm(r);
    EXPECT_EQ(c.reason, Reason::PersonUnknown);
    EXPECT_EQ(c.result.status, QualificationStatus::Invalid);
    EXPECT_NE(c.result.reason.find("該当する資格情報がありません"), std::string::npos);
    ASSERT_TRUE(c.xml_file) << c.xml_error;
    auto m = xml::parse_result(slurp(*c.xml_file));
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->qualification_validity, "4");
    EXPECT_TRUE(m->results.empty());
}

TEST_F(QualificationTest, LostQualificationIsInvalid) {
    Confirmation c = svc_->confirm(request("kobayashi-rei"));  // lost on 2026-09-30
    EXPECT_EQ(c.reason, Reason::QualificationLost);
    EXPECT_EQ(c.result.status, QualificationStatus::Invalid);
    EXPECT_NE(c.result.reason.find("資格喪失"), std::string::npos);
    EXPECT_NE(c.result.reason.find("Qualification lost"), std::string::npos);
    EXPECT_EQ(c.kiosk_message(), "see_staff");
    ASSERT_TRUE(c.xml_file);
    auto m = xml::parse_result(slurp(*c.xml_file));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->qualification_validity, "2");
    ASSERT_EQ(m->results.size(), 1u);
    EXPECT_EQ(m->results[0].reason_of_loss, "03");
    EXPECT_EQ(m->results[0].insured_card_expiration_date, "20260930");
    // Consent is never passed on for an invalid qualification.
    EXPECT_EQ(m->results[0].consents.at(ConsentItem::Medication).flg, "0");
}

TEST_F(QualificationTest, LossTakesEffectOnItsDay) {
    InsuredPerson y = person_named("山田 太郎");
    y.lost_on = "2026-11-26";
    y.loss_reason = "01";
    ASSERT_TRUE(svc_->db().put_person(y));
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::None);
    clock_.advance(hours(24));
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::QualificationLost);
}

TEST_F(QualificationTest, ExpiredInsuranceValidityIsInvalid) {
    InsuredPerson y = person_named("山田 太郎");
    y.valid_until = "2026-10-31";
    ASSERT_TRUE(svc_->db().put_person(y));
    Confirmation c = svc_->confirm(request("yamada-taro"));
    EXPECT_EQ(c.reason, Reason::QualificationExpired);
    EXPECT_NE(c.result.reason.find("有効期限"), std::string::npos);
}

TEST_F(QualificationTest, QualificationNotYetStartedIsInvalid) {
    InsuredPerson y = person_named("山田 太郎");
    y.valid_from = "2026-12-01";
    ASSERT_TRUE(svc_->db().put_person(y));
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::QualificationNotYetValid);
}

TEST_F(QualificationTest, DatesAreJudgedInJapanTime) {
    // 2026-11-25 15:30 UTC is already 2026-11-26 in Japan.
    InsuredPerson y = person_named("山田 太郎");
    y.valid_until = "2026-11-25";
    ASSERT_TRUE(svc_->db().put_person(y));
    clock_.set_wall(day(2026, 11, 25) + hours(14) + minutes(59));
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::None);
    clock_.set_wall(day(2026, 11, 25) + hours(15) + minutes(30));
    EXPECT_EQ(svc_->confirm(request("yamada-taro")).reason, Reason::QualificationExpired);
}

TEST(QualificationReasons, EveryReasonHasJapaneseAndEnglishWordsAndAUniqueWireName) {
    std::set<std::string> wires;
    for (int i = 0; i <= static_cast<int>(Reason::QualificationNotYetValid); ++i) {
        const auto r = static_cast<Reason>(i);
        const ReasonText t = reason_text(r);
        EXPECT_FALSE(t.ja.empty());
        EXPECT_FALSE(t.en.empty());
        EXPECT_GT(t.ja.size(), t.en.size() / 4);
        EXPECT_TRUE(wires.insert(std::string(to_string(r))).second) << to_string(r);
        EXPECT_EQ(reason_line(r), std::string(t.ja) + " / " + std::string(t.en));
    }
    EXPECT_EQ(parse_staff_role("doctor"), StaffRole::Doctor);
    EXPECT_EQ(parse_staff_role("Doctor"), std::nullopt);
}

TEST(QualificationRules, JudgeQualificationOnBoundaries) {
    InsuredPerson p;
    p.valid_from = "2020-04-01";
    p.valid_until = "2026-03-31";
    EXPECT_EQ(judge_qualification(p, "2020-03-31"), Reason::QualificationNotYetValid);
    EXPECT_EQ(judge_qualification(p, "2020-04-01"), Reason::None);
    EXPECT_EQ(judge_qualification(p, "2026-03-31"), Reason::None);
    EXPECT_EQ(judge_qualification(p, "2026-04-01"), Reason::QualificationExpired);
    p.lost_on = "2025-01-01";
    EXPECT_EQ(judge_qualification(p, "2025-01-01"), Reason::QualificationLost);
    EXPECT_EQ(judge_qualification(p, "2024-12-31"), Reason::None);
}

}  // namespace
}  // namespace uk::qualification::test
