#include <gtest/gtest.h>

#include "kiosk/core/facility.h"

namespace uk {
namespace {

using enum ConsentItem;

struct ConsentCase {
    FacilityType type;
    std::set<ConsentItem> enabled;
    std::vector<ConsentItem> expected;
};

class ConsentPolicyTest : public ::testing::TestWithParam<ConsentCase> {};

TEST_P(ConsentPolicyTest, OffersTheItemsThePolicyTableGives) {
    const auto& c = GetParam();
    FacilityProfile p;
    p.type = c.type;
    p.enabled_optional_items = c.enabled;
    EXPECT_EQ(offered_consent_items(p), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    PerFacilityType, ConsentPolicyTest,
    ::testing::Values(ConsentCase{FacilityType::Clinic, {}, {Medication, HealthCheckup}},
                      ConsentCase{FacilityType::Hospital, {}, {Medication, HealthCheckup}},
                      ConsentCase{FacilityType::DentalClinic, {}, {Medication, HealthCheckup}},
                      ConsentCase{
                          FacilityType::Pharmacy, {}, {Medication}},  // 特定健診情報 never at a pharmacy
                      ConsentCase{FacilityType::Hospital,
                                  {MedicalTreatment, Surgery},
                                  {Medication, HealthCheckup, MedicalTreatment, Surgery}},
                      ConsentCase{FacilityType::Clinic, {Surgery}, {Medication, HealthCheckup, Surgery}},
                      // A pharmacy that "enables" surgery info still does not offer it; health checkup cannot
                      // be enabled there.
                      ConsentCase{FacilityType::Pharmacy,
                                  {MedicalTreatment, Surgery, HealthCheckup},
                                  {Medication, MedicalTreatment}}));

TEST(FacilityCode, AcceptsTenDigitsOnly) {
    EXPECT_TRUE(is_valid_facility_code("1312345678"));
    EXPECT_FALSE(is_valid_facility_code("131234567"));
    EXPECT_FALSE(is_valid_facility_code("13123456789"));
    EXPECT_FALSE(is_valid_facility_code("13123456a8"));
    EXPECT_FALSE(is_valid_facility_code(""));
}

TEST(WireNames, RoundTripForEveryEnumValue) {
    for (auto v : kAllFacilityTypes)
        EXPECT_EQ(parse_facility_type(to_string(v)), v);
    for (auto v : kAllConsentItems)
        EXPECT_EQ(parse_consent_item(to_string(v)), v);
    for (auto v : kAllVerificationMethods)
        EXPECT_EQ(parse_verification_method(to_string(v)), v);
    EXPECT_FALSE(parse_verification_method("my_number").has_value());
}

}  // namespace
}  // namespace uk
