// The face screen (FaceCapture): the camera preview with the oval the face should fill, the prompt above it
// (a liveness challenge in red, else the face finder's guidance, else the plain instruction), a progress bar
// while a good face is being held, and the attempt number.
#include <algorithm>
#include <string>

#include <imgui.h>

#include "kiosk/ui/screen_parts.h"
#include "kiosk/ui/theme.h"

namespace uk::ui {

void screen_face(Painter& p) {
    Column c(p, content_rect(p));
    c.title("face.title");
    c.easy("face.easy");
    const auto& fv = p.vm_.face;
    std::string guide = !fv.challenge_key.empty()  ? fv.challenge_key
                        : !fv.guidance_key.empty() ? fv.guidance_key
                                                   : std::string("face.body");
    c.gap(10);
    c.text("face.prompt", p.f_.body, p.tr(guide),
           fv.challenge_key.empty() ? theme::kTextMuted : theme::kDanger);
    c.gap(16);
    float h = std::max(
        80.f, c.bottom() - c.y - 60 * p.u - p.f_.small->FontSize * 1.3f - 40 * p.u);  // progress + attempt
    Rect r = c.take(std::min(h, 620 * p.u));
    float w = std::min(r.w, r.h * 4 / 3);
    camera_panel(p, {r.x + (r.w - w) / 2, r.y, w, r.h}, true);
    if (fv.progress > 0) {
        Rect bar{r.x + (r.w - w) / 2, r.y + r.h + 10 * p.u, w, 16 * p.u};
        p.dl->AddRectFilled(bar.min(), bar.max(), theme::kDisabled, 8 * p.u);
        p.dl->AddRectFilled(bar.min(), {bar.x + bar.w * std::clamp(fv.progress, 0.f, 1.f), bar.y + bar.h},
                            theme::kSuccess, 8 * p.u);
        c.gap(30);
    }
    c.gap(10);
    c.text("face.attempt", p.f_.small,
           format(p.tr("face.attempt"), {{"n", std::to_string(p.vm_.state->session.face_attempts + 1)}}),
           theme::kTextMuted);
    c.check_fits("face");
}

}  // namespace uk::ui
