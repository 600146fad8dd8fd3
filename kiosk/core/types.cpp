#include "kiosk/core/types.h"

#include <algorithm>

namespace uk {
namespace {

template <class E, std::size_t N>
struct NameTable {
    std::array<std::pair<E, std::string_view>, N> rows;

    std::string_view name(E v) const {
        for (const auto& [e, n] : rows)
            if (e == v) return n;
        return "unknown";
    }
    std::optional<E> parse(std::string_view s) const {
        for (const auto& [e, n] : rows)
            if (n == s) return e;
        return std::nullopt;
    }
};

constexpr NameTable<FacilityType, 4> kFacility{{{
    {FacilityType::Clinic, "clinic"},
    {FacilityType::Hospital, "hospital"},
    {FacilityType::DentalClinic, "dental_clinic"},
    {FacilityType::Pharmacy, "pharmacy"},
}}};
constexpr NameTable<ConsentItem, 4> kConsent{{{
    {ConsentItem::Medication, "medication"},
    {ConsentItem::HealthCheckup, "health_checkup"},
    {ConsentItem::MedicalTreatment, "medical_treatment"},
    {ConsentItem::Surgery, "surgery"},
}}};
constexpr NameTable<ConsentAnswer, 2> kAnswer{{{
    {ConsentAnswer::Agreed, "agreed"},
    {ConsentAnswer::Refused, "refused"},
}}};
constexpr NameTable<VerificationMethod, 3> kMethod{{{
    {VerificationMethod::Face, "face"},
    {VerificationMethod::Pin, "pin"},
    {VerificationMethod::StaffVisual, "staff_visual"},
}}};
constexpr NameTable<QualificationStatus, 3> kQualification{{{
    {QualificationStatus::Pending, "pending"},
    {QualificationStatus::Valid, "valid"},
    {QualificationStatus::Invalid, "invalid"},
}}};

}  // namespace

std::string_view to_string(FacilityType v) {
    return kFacility.name(v);
}
std::string_view to_string(ConsentItem v) {
    return kConsent.name(v);
}
std::string_view to_string(ConsentAnswer v) {
    return kAnswer.name(v);
}
std::string_view to_string(VerificationMethod v) {
    return kMethod.name(v);
}
std::string_view to_string(QualificationStatus v) {
    return kQualification.name(v);
}

std::optional<FacilityType> parse_facility_type(std::string_view s) {
    return kFacility.parse(s);
}
std::optional<ConsentItem> parse_consent_item(std::string_view s) {
    return kConsent.parse(s);
}
std::optional<ConsentAnswer> parse_consent_answer(std::string_view s) {
    return kAnswer.parse(s);
}
std::optional<VerificationMethod> parse_verification_method(std::string_view s) {
    return kMethod.parse(s);
}
std::optional<QualificationStatus> parse_qualification_status(std::string_view s) {
    return kQualification.parse(s);
}

bool is_valid_facility_code(std::string_view code) {
    return code.size() == 10 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace uk

#include "kiosk/core/card_fault.h"

namespace uk {

std::string_view to_string(CardFault f) {
    switch (f) {
        case CardFault::Unreadable:
            return "unreadable";
        case CardFault::Removed:
            return "removed";
        case CardFault::WrongPin:
            return "wrong_pin";
        case CardFault::PinBlocked:
            return "pin_blocked";
        case CardFault::SecurityNotSatisfied:
            return "security_not_satisfied";
        case CardFault::NotFound:
            return "not_found";
        case CardFault::CertificateExpired:
            return "certificate_expired";
        case CardFault::CertificateRevoked:
            return "certificate_revoked";
        case CardFault::Transport:
            return "transport";
    }
    return "unknown";
}

}  // namespace uk
