// The kiosk's screens: one full-screen Dear ImGui window per frame, drawn from the check-in flow's state (a
// thin view: no device I/O, no timers of its own, no decisions the flow makes). What the patient touched
// comes back as UiOutput (flow events plus the PIN keypad, language and accessibility toggles) for the app
// to act on.
//
// Layout: a top bar (facility, language, larger text, sound), the screen's content, a bottom bar (back or
// stop on the left, "call staff" on the right on every screen). Sizes scale with the short side of the
// display (1080 px = design size); touch targets are at least 96 px tall at 1080p (88 px required).
// Every text goes through a box: if it does not fit after wrapping, a LayoutIssue is recorded (the
// screenshot tests fail on any).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/checkin/flow.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/strings.h"

namespace uk::ui {

// What the face pipeline shows while the camera runs (the app fills it from the face session).
struct FaceView {
    void* preview_texture = nullptr;  // ImTextureID of the live preview (mirrored), or null
    int preview_w = 0, preview_h = 0;
    std::string guidance_key;   // e.g. "face.guidance.closer"
    std::string challenge_key;  // e.g. "face.challenge.blink"
    float progress = 0;         // 0..1 of the liveness challenge
};

// The card-front screens: the camera reading 照合番号B, and the keypad the patient can type it on instead
// (the app fills this from its card-front reader and its kiosk/cardfront TypedCardFront; the code's digits
// are never here, only how many were typed).
struct CardFrontView {
    std::string guidance_key;  // e.g. "card_front.guidance.too_far"; empty: the screen's body
    std::optional<std::array<float, 8>> outline;  // the card's corners in the preview, 0..1 (x0,y0,...,x3,y3)
    std::string calendar;  // keypad: "showa" "heisei" "reiwa" "taisho" "western", empty = not chosen yet
    std::string birth;     // digits typed (shown: the patient checks them)
    std::size_t birth_length = 6;
    std::string expiry;
    std::size_t code_length = 0;
    std::string field = "birth";  // "birth" "expiry" "code": where the next digit goes
    std::string problem_key;      // after a refused entry: which field is wrong
};

// A tap on the card-front keypad: a digit, delete, a calendar, a field, or OK.
struct CardFrontInput {
    enum class Key { Digit, Delete, Calendar, Field, Submit } key = Key::Digit;
    char digit = 0;
    std::string value;  // calendar or field name
};

// Demo-only controls (clearly labelled DEMO on screen): stand-ins for the hand that places the card and for
// the staff member answering at the reception.
enum class DemoAction { InsertCard, RemoveCard, StaffConfirm, StaffReject, HelpDone };

struct ViewModel {
    const checkin::State* state = nullptr;
    const checkin::FlowConfig* config = nullptr;
    const Strings* strings = nullptr;
    std::string facility_name;
    std::size_t pin_length = 0;  // digits typed so far (never the digits)
    bool larger_text = false;
    bool sound_on = true;
    bool demo = false;
    bool demo_card_present = false;
    FaceView face;  // also the camera preview while the card front is read
    CardFrontView card_front;
    double time_s = 0;  // for animations only
};

struct UiOutput {
    std::vector<checkin::Event> events;
    std::optional<char> pin_digit;
    bool pin_delete = false;
    bool pin_clear = false;
    std::optional<std::string> language;
    bool toggle_larger_text = false;
    bool toggle_sound = false;
    std::vector<CardFrontInput> card_front;
    std::vector<DemoAction> demo;
};

struct LayoutIssue {
    std::string where;  // button or text box id
    std::string text;
    std::string what;  // "overflows its box by 12 px" ...
};

// A touch target drawn this frame (for the end-to-end scripts and the touch-size test).
struct ButtonRect {
    std::string id;
    float x = 0, y = 0, w = 0, h = 0;
    bool enabled = true;
};

class Screens {
  public:
    // Draws the current screen inside ImGui::NewFrame()/Render(). `fonts` must come from build_fonts on the
    // current atlas.
    UiOutput draw(const ViewModel& vm, const FontSet& fonts);

    const std::vector<LayoutIssue>& issues() const { return issues_; }
    const std::vector<ButtonRect>& buttons() const { return buttons_; }
    bool language_picker_open() const { return picker_open_; }
    void set_language_picker_open(bool open) { picker_open_ = open; }

  private:
    bool picker_open_ = false;
    std::vector<LayoutIssue> issues_;
    std::vector<ButtonRect> buttons_;
    friend class Painter;
};

// Every text the screens can show in `lang`: the strings, every language's name, the facility name.
std::vector<std::string> screen_texts(const Strings& strings, std::string_view lang,
                                      const std::string& facility_name);

// Locale keys used by the screens for a phase / error (the locale test checks every one exists in ja).
std::vector<std::string> keys_used_by_screens();

}  // namespace uk::ui
