#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/record.h"

namespace uk {
namespace {

using nlohmann::json;

CheckinRecord sample_face_record() {
    CheckinRecord r;
    r.record_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    r.facility_code = "1312345678";
    r.facility_type = FacilityType::Clinic;
    r.kiosk_id = "kiosk-1";
    r.started_at = *parse_rfc3339("2026-11-25T01:30:00.000Z");
    r.completed_at = *parse_rfc3339("2026-11-25T01:31:12.345Z");
    r.language = "ja";
    r.kiosk_ticket = 17;
    r.verification.method = VerificationMethod::Face;
    r.verification.face = FaceEvidence{0.31, 0.45, "dlib-resnet-v1", true, "blink+turn_left"};
    r.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed},
                  {ConsentItem::HealthCheckup, ConsentAnswer::Refused}};
    r.certificate = CertificateRef{"1a2b3c", "CN=Test JPKI User Auth CA,O=Uketsuke Test,C=JP",
                                   "2030-03-31T14:59:59.000Z"};
    return r;
}

json sample_json() {
    return to_json(sample_face_record());
}

TEST(Record, JsonRoundTripKeepsEveryField) {
    CheckinRecord r = sample_face_record();
    auto back = parse_checkin_record(to_json_string(r));
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(*back, r);
}

TEST(Record, PinAndStaffRecordsRoundTrip) {
    CheckinRecord pin = sample_face_record();
    pin.verification = {VerificationMethod::Pin, std::nullopt, PinEvidence{"ch-42", "c2lnbmF0dXJl"},
                        std::nullopt};
    auto a = parse_checkin_record(to_json_string(pin));
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(*a, pin);

    CheckinRecord staff = sample_face_record();
    staff.verification = {VerificationMethod::StaffVisual, std::nullopt, std::nullopt,
                          StaffEvidence{"clerk-suzuki"}};
    staff.certificate.reset();
    staff.qualification = {QualificationStatus::Invalid, "資格喪失", "2026-11-25T01:32:00.000Z"};
    auto b = parse_checkin_record(to_json_string(staff));
    ASSERT_TRUE(b.ok()) << b.error();
    EXPECT_EQ(*b, staff);
}

TEST(Record, EmptyConsentSetIsValid) {
    json j = sample_json();
    j["consents"] = json::object();
    EXPECT_TRUE(record_from_json(j).ok());
}

struct Rejection {
    const char* name;
    std::function<void(json&)> mutate;
    const char* expected_message_prefix;
};

class RecordRejects : public ::testing::TestWithParam<Rejection> {};

TEST_P(RecordRejects, NamesTheField) {
    json j = sample_json();
    GetParam().mutate(j);
    auto r = record_from_json(j);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().rfind(GetParam().expected_message_prefix, 0), 0u) << r.error();
}

INSTANTIATE_TEST_SUITE_P(
    Schema, RecordRejects,
    ::testing::Values(
        Rejection{"UnknownTopField", [](json& j) { j["my_number"] = "123456789012"; },
                  "my_number: unknown field"},
        Rejection{"UnknownNestedField", [](json& j) { j["verification"]["face"]["template"] = "AAAA"; },
                  "verification.face.template: unknown field"},
        Rejection{"MissingRecordId", [](json& j) { j.erase("record_id"); }, "record_id: is required"},
        Rejection{"BadUuid", [](json& j) { j["record_id"] = "not-a-uuid"; },
                  "record_id: expected a lowercase UUID"},
        Rejection{"WrongSchema", [](json& j) { j["schema"] = 2; }, "schema: unsupported version"},
        Rejection{"ShortFacilityCode", [](json& j) { j["facility_code"] = "123"; },
                  "facility_code: expected 10 digits"},
        Rejection{"BadFacilityType", [](json& j) { j["facility_type"] = "spa"; },
                  "facility_type: \"spa\" is not one of"},
        Rejection{"KioskIdInjection", [](json& j) { j["kiosk_id"] = "k1'; DROP TABLE checkins;--"; },
                  "kiosk_id: use letters"},
        Rejection{"BadTime", [](json& j) { j["started_at"] = "yesterday"; },
                  "started_at: expected an RFC 3339"},
        Rejection{"CompletedBeforeStarted", [](json& j) { j["completed_at"] = "2026-11-24T00:00:00.000Z"; },
                  "completed_at: is before started_at"},
        Rejection{"DistanceAsString", [](json& j) { j["verification"]["face"]["distance"] = "0.3"; },
                  "verification.face.distance: expected a number"},
        Rejection{"FaceAboveThreshold", [](json& j) { j["verification"]["face"]["distance"] = 0.9; },
                  "verification.face.distance: is above the threshold"},
        Rejection{"LivenessFailed", [](json& j) { j["verification"]["face"]["liveness_passed"] = false; },
                  "verification.face.liveness_passed: must be true"},
        Rejection{"MethodWithoutEvidence", [](json& j) { j["verification"]["method"] = "pin"; },
                  "verification.pin: is required"},
        Rejection{"UnknownMethod", [](json& j) { j["verification"]["method"] = "fingerprint"; },
                  "verification.method: \"fingerprint\" is not one of"},
        Rejection{"UnknownConsentItem", [](json& j) { j["consents"]["genome"] = "agreed"; },
                  "consents.genome: unknown consent item"},
        Rejection{"BadConsentAnswer", [](json& j) { j["consents"]["medication"] = "maybe"; },
                  "consents.medication: expected \"agreed\" or \"refused\""},
        Rejection{"PinWithoutCertificate",
                  [](json& j) {
                      j["verification"] = {{"method", "pin"},
                                           {"pin", {{"challenge_id", "c"}, {"signature", "AAAA"}}}};
                      j.erase("certificate");
                  },
                  "certificate: is required when method is pin"},
        Rejection{"SignatureNotBase64",
                  [](json& j) {
                      j["verification"] = {{"method", "pin"},
                                           {"pin", {{"challenge_id", "c"}, {"signature", "%%%"}}}};
                  },
                  "verification.pin.signature: expected base64"},
        Rejection{"SerialNotHex", [](json& j) { j["certificate"]["serial"] = "XYZ"; },
                  "certificate.serial: expected lowercase hex"},
        Rejection{"TicketOutOfRange", [](json& j) { j["kiosk_ticket"] = 100000; },
                  "kiosk_ticket: must be 0..9999"},
        Rejection{"NotAnObject", [](json& j) { j = json::array(); }, "record: expected an object"}),
    [](const auto& p) { return p.param.name; });

TEST(Record, MalformedJsonIsRejectedWithPosition) {
    auto r = parse_checkin_record(R"({"schema": 1, "record_id": )");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("malformed JSON"), std::string::npos) << r.error();
}

TEST(Record, InvalidUtf8IsRejectedWithItsPosition) {
    CheckinRecord r = sample_face_record();
    std::string text = to_json_string(r);
    auto at = text.find("kiosk-1");
    ASSERT_NE(at, std::string::npos);
    for (std::string bad :
         {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe3\x81"}) {  // stray, overlong, surrogate, cut
        std::string t = text;
        t.insert(at, bad);
        auto p = parse_checkin_record(t);
        ASSERT_FALSE(p.ok());
        EXPECT_EQ(p.error(), "record: invalid UTF-8 at byte " + std::to_string(at))
            << ::testing::PrintToString(bad);
    }
    // Japanese text is fine.
    r.qualification.reason = "資格喪失（保険者に確認してください）";
    EXPECT_TRUE(parse_checkin_record(to_json_string(r)).ok());
}

TEST(Record, OversizedInputIsRejectedBeforeParsing) {
    std::string big(kMaxRecordJsonBytes + 1, ' ');
    auto r = parse_checkin_record(big);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("larger than"), std::string::npos);
}

TEST(Rfc3339, FormatsAndParsesExactly) {
    auto t = parse_rfc3339("2026-02-28T23:59:59.999Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t), "2026-02-28T23:59:59.999Z");
    EXPECT_FALSE(parse_rfc3339("2026-02-30T00:00:00Z"));  // no such day
    EXPECT_FALSE(parse_rfc3339("2026-11-25T24:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2026-11-25T01:00:00+09:00"));  // UTC only
    EXPECT_TRUE(parse_rfc3339("2026-11-25T01:00:00Z"));
}

TEST(Uuid, VersionAndVariantBitsAreSet) {
    unsigned char bytes[16];
    for (int i = 0; i < 16; ++i)
        bytes[i] = 0xFF;
    std::string id = uuid_v4_from_bytes(bytes);
    EXPECT_TRUE(is_uuid(id));
    EXPECT_EQ(id[14], '4');
    EXPECT_EQ(id[19], 'b');
}

}  // namespace
}  // namespace uk
