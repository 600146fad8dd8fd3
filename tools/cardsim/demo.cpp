#include "tools/cardsim/demo.h"

#include "tools/cardsim/photo.h"
#include "tools/pki/pki.h"

namespace uk::cardsim {

Result<DemoCard> open_demo_card(const std::filesystem::path& data_dir, const std::string& identity,
                                const std::optional<std::filesystem::path>& photo) {
    if (auto g = pki::ensure_generated(data_dir); !g) return Error{g.error()};
    const bool convert = photo && photo->extension() != ".jp2";
    auto id = load_identity(data_dir, identity, convert ? std::nullopt : photo);
    if (!id) return Error{id.error()};
    if (convert) {
        auto jp2 = card_photo_from_image(*photo);
        if (!jp2) return Error{jp2.error()};
        id->face_jp2 = std::move(*jp2);
    }
    DemoCard d;
    d.card = std::make_unique<SimulatedCard>(std::move(*id));
    d.transport = std::make_unique<InProcessTransport>(*d.card);
    return d;
}

}  // namespace uk::cardsim
