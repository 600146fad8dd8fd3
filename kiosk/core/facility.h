// The facility profile and the consent policy table: which consent items a facility offers to patients.
//
// Policy (the product's reference leaflet, オンライン資格確認 顔認証付きカードリーダー操作手順):
//   薬剤情報 (medication)        offered everywhere
//   特定健診情報 (health checkup)  clinics, hospitals, dental clinics; not at a pharmacy
//   診療情報 / 手術情報           only where the facility enables them in its configuration
// Later policy extended what pharmacies may see; that is one row change in kConsentPolicy (facility.cpp).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "kiosk/core/types.h"

namespace uk {

enum class ConsentOffer {
    Always,  // offered at every check-in at this facility type
    OptIn,   // offered only when the facility's configuration enables the item
    Never,   // never offered at this facility type, whatever the configuration says
};

ConsentOffer consent_offer(FacilityType type, ConsentItem item);

struct FacilityProfile {
    std::string code = "1310000001";  // 医療機関コード / 薬局コード, 10 digits
    std::string name = "うけつけクリニック";
    FacilityType type = FacilityType::Clinic;
    std::set<ConsentItem> enabled_optional_items;  // OptIn items the facility turned on
};

// The consent items the patient is asked about, in display order.
std::vector<ConsentItem> offered_consent_items(const FacilityProfile& profile);

}  // namespace uk
