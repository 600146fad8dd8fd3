#include "kiosk/face/frame_source.h"

namespace uk::face {

std::string_view to_string(SourceState s) {
    switch (s) {
        case SourceState::Starting:
            return "starting";
        case SourceState::Live:
            return "live";
        case SourceState::Reconnecting:
            return "reconnecting";
        case SourceState::Ended:
            return "ended";
        case SourceState::Gone:
            return "gone";
        case SourceState::Stopped:
            return "stopped";
    }
    return "unknown";
}

}  // namespace uk::face
