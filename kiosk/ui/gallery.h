// Example flow states, one per screen the patient can see (every phase, every error, the PIN warnings, each
// consent item, done online and offline). The screenshot tests, the contact sheet and the frame-time
// benchmark render these; they are plain check-in states, built the way the flow would hold them.
#pragma once

#include <string>
#include <vector>

#include "kiosk/checkin/flow.h"
#include "kiosk/ui/screens.h"

namespace uk::ui {

struct GalleryScreen {
    std::string name;  // file-name safe: "07_pin_entry_wrong"
    checkin::State state;
    std::size_t pin_length = 0;
    CardFrontView card_front;
};

// `config` decides the consent items offered (facility type) and the methods shown.
std::vector<GalleryScreen> gallery(const checkin::FlowConfig& config, const std::string& language);

}  // namespace uk::ui
