// The demo's card: one test identity's simulated card behind an in-process transport, for kiosk/app's demo
// mode (no reader, no pcscd, no ../shared). The test PKI is generated into data_dir on first use. The photo
// is optional: without one the card-face file has no DF27 and read_face_photo() reports NotFound.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/core/result.h"
#include "tools/cardsim/in_process_transport.h"
#include "tools/cardsim/sim_card.h"

namespace uk::cardsim {

struct DemoCard {
    std::unique_ptr<SimulatedCard> card;
    std::unique_ptr<InProcessTransport> transport;  // hand this to card::MyNumberCard
};

// `photo`: a .jp2 used as is, or any image OpenCV reads (converted like photo.h says).
Result<DemoCard> open_demo_card(const std::filesystem::path& data_dir,
                                const std::string& identity = "yamada-taro",
                                const std::optional<std::filesystem::path>& photo = std::nullopt);

}  // namespace uk::cardsim
