// The レセコン files: MHLW integration layout, Shift_JIS by default with the character-code identifier, both
// consent-flag layouts, atomic writes, parse back to the same values, the req/ -> res/ path.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <set>

#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

// Element names of the 資格確認結果 / 照会 files as public integrations of the MHLW interface spell them
// (docs/qualification.md cites where each comes from).
const std::set<std::string> kGuideElements = {"XmlMsg",
                                              "MessageHeader",
                                              "ProcessExecutionTime",
                                              "QualificationConfirmationDate",
                                              "MedicalInstitutionCode",
                                              "ArbitraryFileIdentifier",
                                              "ReferenceClassification",
                                              "SegmentOfResult",
                                              "ErrorCode",
                                              "ErrorMessage",
                                              "CharacterCodeIdentifier",
                                              "MessageBody",
                                              "ResultList",
                                              "ResultOfQualificationConfirmation",
                                              "InsuredCardClassification",
                                              "InsurerNumber",
                                              "InsuredCardSymbol",
                                              "InsuredIdentificationNumber",
                                              "InsuredBranchNumber",
                                              "PersonalFamilyClassification",
                                              "Name",
                                              "NameKana",
                                              "Sex1",
                                              "Birthdate",
                                              "InsuredCardValidDate",
                                              "InsuredCardExpirationDate",
                                              "InsuredPartialContributionRatio",
                                              "ReasonOfLoss",
                                              "InsurerName",
                                              "LimitApplicationCertificateRelatedConsFlg",
                                              "LimitApplicationCertificateRelatedInfo",
                                              "LimitApplicationCertificateClassification",
                                              "LimitApplicationCertificateClassificationFlag",
                                              "LimitApplicationCertificateValidStartDate",
                                              "LimitApplicationCertificateValidEndDate",
                                              "SpecificHealthCheckupsInfoConsFlg",
                                              "SpecificHealthCheckupsInfoConsTime",
                                              "SpecificHealthCheckupsInfoAvailableTime",
                                              "PharmacistsInfoConsFlg",
                                              "PharmacistsInfoConsTime",
                                              "PharmacistsInfoAvailableTime",
                                              "DiagnosisInfoConsFlg",
                                              "DiagnosisInfoConsTime",
                                              "DiagnosisInfoAvailableTime",
                                              "OperationInfoConsFlg",
                                              "OperationInfoConsTime",
                                              "OperationInfoAvailableTime",
                                              "ProcessingResultStatus",
                                              "ProcessingResultMessage",
                                              "QualificationValidity",
                                              "QualificationConfirmSearchInfo",
                                              "SegmentOfInstitution"};

// Every element name in a document, collected with libxml2 directly (independent of xml.cpp's reader).
std::set<std::string> element_names(const std::string& utf8) {
    std::set<std::string> names;
    xmlDoc* doc =
        xmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), "t.xml", "UTF-8", XML_PARSE_NONET);
    if (!doc) return names;
    std::vector<xmlNode*> stack{xmlDocGetRootElement(doc)};
    while (!stack.empty()) {
        xmlNode* n = stack.back();
        stack.pop_back();
        for (; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE) continue;
            names.insert(reinterpret_cast<const char*>(n->name));
            if (n->children) stack.push_back(n->children);
        }
    }
    xmlFreeDoc(doc);
    return names;
}

xml::ResultMessage sample(xml::CharacterCode code, xml::ConsentLayout layout) {
    xml::ResultMessage m;
    m.process_execution_time = "20261125100000";
    m.qualification_confirmation_date = "20261125";
    m.medical_institution_code = "1310000001";
    m.arbitrary_file_identifier = "3f2b8c1e-5d4a-4e6f-9a7b-100000000000";
    m.character_code = code;
    m.layout = layout;
    m.qualification_validity = "1";
    xml::QualificationResultXml r;
    r.insured_card_classification = "01";
    r.insurer_number = "01130012";
    r.insured_card_symbol = "12345678";
    r.insured_identification_number = "101";
    r.insured_branch_number = "00";
    r.personal_family_classification = "1";
    r.name = "山田 太郎";
    r.name_kana = "ﾔﾏﾀﾞ ﾀﾛｳ";
    r.sex1 = "1";
    r.birthdate = "19850412";
    r.insured_card_valid_date = "20200401";
    r.insured_partial_contribution_ratio = "030";
    r.insurer_name = "全国健康保険協会東京支部 <&>";
    r.limit_cons_flg = "1";
    r.limit = xml::LimitInfo{"01", "A03", "20260401", "20270331"};
    for (ConsentItem item : xml::layout_items(layout))
        r.consents[item] = {"1", "20261125100000", "20261126100000"};
    r.consents[ConsentItem::HealthCheckup] = {"0", "", ""};
    m.results.push_back(r);
    return m;
}

TEST(QualificationXml, ShiftJisFileRoundTripsWithTheCharacterCodeIdentifier) {
    const auto m = sample(xml::CharacterCode::ShiftJis, xml::ConsentLayout::V2);
    auto bytes = xml::write_result(m);
    ASSERT_TRUE(bytes) << bytes.error();
    EXPECT_EQ(bytes->rfind("<?xml version=\"1.0\" encoding=\"Shift_JIS\"", 0), 0u);
    EXPECT_NE(bytes->find("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>"), std::string::npos);
    // 山 is 0x8E 0x52 in Shift_JIS; ﾔ (half-width) is the single byte 0xD4.
    EXPECT_NE(bytes->find("\x8E\x52"), std::string::npos);
    EXPECT_NE(bytes->find('\xD4'), std::string::npos);
    EXPECT_EQ(bytes->find("山"), std::string::npos);  // no UTF-8 inside
    auto back = xml::parse_result(*bytes);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, m);
}

TEST(QualificationXml, Utf8FileWithTheFirstConsentLayoutRoundTrips) {
    const auto m = sample(xml::CharacterCode::Utf8, xml::ConsentLayout::V1);
    auto bytes = xml::write_result(m);
    ASSERT_TRUE(bytes);
    EXPECT_NE(bytes->find("encoding=\"UTF-8\""), std::string::npos);
    EXPECT_NE(bytes->find("<CharacterCodeIdentifier>0</CharacterCodeIdentifier>"), std::string::npos);
    EXPECT_NE(bytes->find("<PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>"), std::string::npos);
    EXPECT_EQ(bytes->find("DiagnosisInfo"), std::string::npos);
    EXPECT_EQ(bytes->find("OperationInfo"), std::string::npos);
    auto back = xml::parse_result(*bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->layout, xml::ConsentLayout::V1);
    EXPECT_EQ(*back, m);
}

TEST(QualificationXml, SecondLayoutCarriesDiagnosisAndOperationFlags) {
    auto bytes = xml::write_result(sample(xml::CharacterCode::Utf8, xml::ConsentLayout::V2));
    ASSERT_TRUE(bytes);
    for (const char* e : {"DiagnosisInfoConsFlg", "DiagnosisInfoConsTime", "DiagnosisInfoAvailableTime",
                          "OperationInfoConsFlg", "OperationInfoAvailableTime"})
        EXPECT_NE(bytes->find(e), std::string::npos) << e;
    EXPECT_EQ(xml::parse_result(*bytes)->layout, xml::ConsentLayout::V2);
}

TEST(QualificationXml, EveryElementNameIsOneTheGuideUses) {
    for (auto layout : {xml::ConsentLayout::V1, xml::ConsentLayout::V2}) {
        auto bytes = xml::write_result(sample(xml::CharacterCode::Utf8, layout));
        ASSERT_TRUE(bytes);
        const auto names = element_names(*bytes);
        EXPECT_GT(names.size(), 30u);
        for (const auto& n : names)
            EXPECT_TRUE(kGuideElements.count(n)) << "element <" << n << "> is not in the guide's list";
    }
    xml::RequestMessage rq{"1310000001", "REQ1",     "20261125", xml::CharacterCode::Utf8,
                           "01130012",   "12345678", "101",      "00",
                           "19850412",   "1"};
    auto req = xml::write_request(rq);
    ASSERT_TRUE(req);
    for (const auto& n : element_names(*req))
        EXPECT_TRUE(kGuideElements.count(n)) << n;
    EXPECT_EQ(*xml::parse_request(*req), rq);
}

TEST(QualificationXml, CharacterOutsideShiftJisIsAnErrorNotAMangledFile) {
    auto m = sample(xml::CharacterCode::ShiftJis, xml::ConsentLayout::V2);
    m.results[0].name = "山田 \xF0\x9F\x98\x80";  // an emoji
    auto bytes = xml::write_result(m);
    ASSERT_FALSE(bytes);
    EXPECT_NE(bytes.error().find("cannot be converted"), std::string::npos) << bytes.error();
}

TEST(QualificationXml, MalformedOrInconsistentFilesAreRejectedWithAReason) {
    EXPECT_FALSE(xml::parse_result("hello"));
    auto good = *xml::write_result(sample(xml::CharacterCode::Utf8, xml::ConsentLayout::V2));
    auto truncated = xml::parse_result(good.substr(0, good.size() / 2));
    ASSERT_FALSE(truncated);
    EXPECT_NE(truncated.error().find("malformed XML"), std::string::npos);
    std::string lying = good;
    lying.replace(lying.find("<CharacterCodeIdentifier>0<"), 27, "<CharacterCodeIdentifier>1<");
    auto l = xml::parse_result(lying);
    ASSERT_FALSE(l);
    EXPECT_NE(l.error().find("CharacterCodeIdentifier"), std::string::npos);
    std::string no_name = good;
    const auto a = no_name.find("<Name>"), b = no_name.find("</Name>") + 7;
    no_name.erase(a, b - a);
    auto n = xml::parse_result(no_name);
    ASSERT_FALSE(n);
    EXPECT_NE(n.error().find("ResultOfQualificationConfirmation/Name is missing"), std::string::npos)
        << n.error();
}

TEST(QualificationXml, HalfWidthKanaConversion) {
    EXPECT_EQ(xml::to_halfwidth_kana("ヤマダ タロウ"), "ﾔﾏﾀﾞ ﾀﾛｳ");
    EXPECT_EQ(xml::to_halfwidth_kana("スズキ　ハナコ"), "ｽｽﾞｷ ﾊﾅｺ");
    EXPECT_EQ(xml::to_halfwidth_kana("ペッパー・ヴィオラ"), "ﾍﾟｯﾊﾟｰ・ｳﾞｨｵﾗ");
    EXPECT_EQ(xml::to_halfwidth_kana("ABC 123"), "ABC 123");
}

TEST(QualificationXml, AtomicWriteLeavesNoTemporaryFiles) {
    const fs::path d = fs::temp_directory_path() / ("uk-qual-atomic-" + std::to_string(::getpid()));
    fs::remove_all(d);
    auto p = xml::write_atomically(d / "face", "a.xml", "first");
    ASSERT_TRUE(p) << p.error();
    auto q = xml::write_atomically(d / "face", "a.xml", "second");
    ASSERT_TRUE(q);
    EXPECT_EQ(slurp(*q), "second");
    int files = 0;
    for (const auto& e : fs::directory_iterator(d / "face")) {
        ++files;
        EXPECT_EQ(e.path().filename(), "a.xml");
    }
    EXPECT_EQ(files, 1);
    EXPECT_FALSE(xml::write_atomically(d, "../escape.xml", "x"));
    EXPECT_FALSE(xml::write_atomically(d, ".hidden", "x"));
    fs::remove_all(d);
}

TEST_F(QualificationTest, ConfirmationWritesTheFaceFileThatParsesBackToThePersonsValues) {
    Confirmation c = svc_->confirm(request("yamada-taro"));
    ASSERT_TRUE(c.xml_file) << c.xml_error;
    EXPECT_EQ(c.xml_file->parent_path(), cfg_.receipt_folder / "face");
    EXPECT_EQ(c.xml_file->filename().string().rfind("1310000001_20261125100000_", 0), 0u) << *c.xml_file;
    const std::string bytes = slurp(*c.xml_file);
    EXPECT_NE(bytes.find("encoding=\"Shift_JIS\""), std::string::npos);
    auto m = xml::parse_result(bytes);
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->character_code, xml::CharacterCode::ShiftJis);
    EXPECT_EQ(m->qualification_validity, "1");
    EXPECT_EQ(m->reference_classification, "1");
    ASSERT_EQ(m->results.size(), 1u);
    const auto& r = m->results[0];
    EXPECT_EQ(r.insurer_number, "01130012");
    EXPECT_EQ(r.insured_card_symbol, "12345678");
    EXPECT_EQ(r.insured_identification_number, "101");
    EXPECT_EQ(r.insured_branch_number, "00");
    EXPECT_EQ(r.name, "山田 太郎");
    EXPECT_EQ(r.name_kana, "ﾔﾏﾀﾞ ﾀﾛｳ");
    EXPECT_EQ(r.sex1, "1");
    EXPECT_EQ(r.birthdate, "19850412");
    EXPECT_EQ(r.insured_partial_contribution_ratio, "030");
    ASSERT_TRUE(r.limit);
    EXPECT_EQ(r.limit->classification_flag, "A03");
    // Agreed at 10:00 JST, available for 24 hours.
    EXPECT_EQ(r.consents.at(ConsentItem::Medication).flg, "1");
    EXPECT_EQ(r.consents.at(ConsentItem::Medication).cons_time, "20261125100000");
    EXPECT_EQ(r.consents.at(ConsentItem::Medication).available_time, "20261126100000");
    EXPECT_EQ(r.consents.at(ConsentItem::MedicalTreatment).flg, "0");
    for (const auto& e : fs::directory_iterator(cfg_.receipt_folder / "face"))
        EXPECT_NE(e.path().filename().string()[0], '.') << "temporary file left: " << e.path();
}

TEST_F(QualificationTest, NoHealthCheckupFlagAtAPharmacyWhateverTheKioskSent) {
    ConfirmationRequest r = request("yamada-taro");
    r.facility.type = FacilityType::Pharmacy;
    Confirmation c = svc_->confirm(r);
    ASSERT_TRUE(c.xml_file);
    auto m = xml::parse_result(slurp(*c.xml_file));
    EXPECT_EQ(m->results[0].consents.at(ConsentItem::Medication).flg, "1");
    EXPECT_EQ(m->results[0].consents.at(ConsentItem::HealthCheckup).flg, "0");
}

TEST_F(QualificationTest, FailedIdentityWritesNoFile) {
    svc_->confirm(request("ito-yoko"));  // revoked
    ConfirmationRequest r = request("yamada-taro");
    r.staff_id.clear();
    svc_->confirm(r);
    EXPECT_FALSE(fs::exists(cfg_.receipt_folder / "face"));
}

class Utf8V1Test : public QualificationTest {
    void adjust(SimulatorConfig& c) override {
        c.character_code = xml::CharacterCode::Utf8;
        c.consent_layout = xml::ConsentLayout::V1;
    }
};

TEST_F(Utf8V1Test, ConfiguredUtf8AndFirstLayout) {
    Confirmation c = svc_->confirm(request("suzuki-hanako"));
    ASSERT_TRUE(c.xml_file) << c.xml_error;
    const std::string bytes = slurp(*c.xml_file);
    EXPECT_NE(bytes.find("鈴木 花子"), std::string::npos);
    auto m = xml::parse_result(bytes);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->layout, xml::ConsentLayout::V1);
    EXPECT_EQ(m->results[0].consents.size(), 2u);
    EXPECT_EQ(m->results[0].personal_family_classification, "2");
}

TEST_F(QualificationTest, ReceiptRequestsAreAnsweredInTheResFolder) {
    const fs::path req = cfg_.receipt_folder / "req";
    auto write_req = [&](const std::string& name, const std::string& number, const std::string& birth) {
        xml::RequestMessage rq{"1310000001", name,       "20261125", xml::CharacterCode::ShiftJis,
                               "01130012",   "12345678", number,     "00",
                               birth,        "1"};
        ASSERT_TRUE(xml::write_atomically(req, name + ".xml", *xml::write_request(rq)));
    };
    write_req("R001", "102", "19790830");  // 高橋 健: validity ended 2026-03-31
    write_req("R002", "103", "19951224");  // 中村 美咲: valid
    write_req("R003", "999", "19000101");  // nobody
    ASSERT_TRUE(xml::write_atomically(req, "R004.xml", "<?xml version=\"1.0\"?><broken"));
    auto n = svc_->process_requests();
    ASSERT_TRUE(n) << n.error();
    EXPECT_EQ(*n, 3);
    auto r1 = xml::parse_result(slurp(cfg_.receipt_folder / "res" / "R001.xml"));
    ASSERT_TRUE(r1);
    EXPECT_EQ(r1->qualification_validity, "2");
    EXPECT_EQ(r1->reference_classification, "2");
    EXPECT_EQ(r1->arbitrary_file_identifier, "R001");
    EXPECT_EQ(r1->results[0].name, "高橋 健");
    EXPECT_EQ(r1->results[0].insured_card_expiration_date, "20260331");
    auto r2 = xml::parse_result(slurp(cfg_.receipt_folder / "res" / "R002.xml"));
    EXPECT_EQ(r2->qualification_validity, "1");
    EXPECT_EQ(r2->results[0].name_kana, "ﾅｶﾑﾗ ﾐｻｷ");
    auto r3 = xml::parse_result(slurp(cfg_.receipt_folder / "res" / "R003.xml"));
    EXPECT_EQ(r3->qualification_validity, "4");
    EXPECT_TRUE(fs::exists(req / "error" / "R004.xml"));
    EXPECT_FALSE(fs::exists(req / "R001.xml"));
}

}  // namespace
}  // namespace uk::qualification::test
