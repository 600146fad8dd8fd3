// Vocabulary shared by every room of the kiosk and by the reception service. Each enum has a stable wire name
// (used in JSON, locale keys and logs) and a parser that rejects anything else.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uk {

// [SECTION] Facility

enum class FacilityType { Clinic, Hospital, DentalClinic, Pharmacy };
inline constexpr std::array kAllFacilityTypes = {FacilityType::Clinic, FacilityType::Hospital,
                                                 FacilityType::DentalClinic, FacilityType::Pharmacy};

// [SECTION] Consent items (同意項目)

enum class ConsentItem {
    Medication,        // 薬剤情報 (past medication)
    HealthCheckup,     // 特定健診情報 (specific health checkup)
    MedicalTreatment,  // 診療情報 (treatment info)
    Surgery,           // 手術情報 (surgery info)
};
inline constexpr std::array kAllConsentItems = {ConsentItem::Medication, ConsentItem::HealthCheckup,
                                                ConsentItem::MedicalTreatment, ConsentItem::Surgery};

enum class ConsentAnswer { Agreed, Refused };

// [SECTION] Verification (本人確認)

enum class VerificationMethod {
    Face,         // 顔認証: live face against the card's chip photo
    Pin,          // 暗証番号: user-authentication PIN, card signs a challenge
    StaffVisual,  // 目視確認: staff compare the patient with the card front
};
inline constexpr std::array kAllVerificationMethods = {VerificationMethod::Face, VerificationMethod::Pin,
                                                       VerificationMethod::StaffVisual};

// [SECTION] Qualification (資格確認)

enum class QualificationStatus { Pending, Valid, Invalid };

// [SECTION] Wire names

std::string_view to_string(FacilityType v);
std::string_view to_string(ConsentItem v);
std::string_view to_string(ConsentAnswer v);
std::string_view to_string(VerificationMethod v);
std::string_view to_string(QualificationStatus v);

std::optional<FacilityType> parse_facility_type(std::string_view s);
std::optional<ConsentItem> parse_consent_item(std::string_view s);
std::optional<ConsentAnswer> parse_consent_answer(std::string_view s);
std::optional<VerificationMethod> parse_verification_method(std::string_view s);
std::optional<QualificationStatus> parse_qualification_status(std::string_view s);

// 医療機関コード: 10 digits (2 prefecture, 1 score table, 7 facility).
bool is_valid_facility_code(std::string_view code);

}  // namespace uk
