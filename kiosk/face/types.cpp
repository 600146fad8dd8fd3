#include "kiosk/face/types.h"

namespace uk::face {

std::string_view to_string(Guidance g) {
    switch (g) {
        case Guidance::Ok:
            return "ok";
        case Guidance::NoFace:
            return "no_face";
        case Guidance::SeveralFaces:
            return "several_faces";
        case Guidance::TooFar:
            return "too_far";
        case Guidance::TooClose:
            return "too_close";
        case Guidance::OffCentre:
            return "off_centre";
        case Guidance::TurnedAway:
            return "turned_away";
        case Guidance::TooDark:
            return "too_dark";
        case Guidance::TooBright:
            return "too_bright";
        case Guidance::Blurred:
            return "blurred";
        case Guidance::EyesClosed:
            return "eyes_closed";
        case Guidance::FaceCovered:
            return "face_covered";
        case Guidance::CameraUnavailable:
            return "camera_unavailable";
    }
    return "unknown";
}

std::optional<Guidance> parse_guidance(std::string_view s) {
    for (Guidance g : kAllGuidance) {
        if (to_string(g) == s) return g;
    }
    return std::nullopt;
}

}  // namespace uk::face
