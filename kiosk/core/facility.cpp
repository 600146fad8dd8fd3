#include "kiosk/core/facility.h"

#include <array>

namespace uk {
namespace {

struct PolicyRow {
    ConsentItem item;
    std::array<ConsentOffer, 4>
        by_type;  // indexed like kAllFacilityTypes: clinic, hospital, dental, pharmacy
};

using enum ConsentOffer;
constexpr std::array<PolicyRow, 4> kConsentPolicy{{
    {ConsentItem::Medication, {Always, Always, Always, Always}},
    {ConsentItem::HealthCheckup, {Always, Always, Always, Never}},
    {ConsentItem::MedicalTreatment, {OptIn, OptIn, OptIn, OptIn}},
    {ConsentItem::Surgery, {OptIn, OptIn, OptIn, Never}},
}};

std::size_t type_index(FacilityType t) {
    for (std::size_t i = 0; i < kAllFacilityTypes.size(); ++i)
        if (kAllFacilityTypes[i] == t) return i;
    return 0;
}

}  // namespace

ConsentOffer consent_offer(FacilityType type, ConsentItem item) {
    for (const auto& row : kConsentPolicy)
        if (row.item == item) return row.by_type[type_index(type)];
    return Never;
}

std::vector<ConsentItem> offered_consent_items(const FacilityProfile& profile) {
    std::vector<ConsentItem> items;
    for (ConsentItem item : kAllConsentItems) {
        switch (consent_offer(profile.type, item)) {
            case Always:
                items.push_back(item);
                break;
            case OptIn:
                if (profile.enabled_optional_items.contains(item)) items.push_back(item);
                break;
            case Never:
                break;
        }
    }
    return items;
}

}  // namespace uk
