// The admin menu for facility IT and staff, behind the four-corner gesture and the admin PIN: the kiosk's
// identity, live diagnostics (the same checks as `uketsuke-kiosk --doctor`: camera, pcscd, reader, card,
// models, fonts, reception, clock, disk, with the fix for each), back to check-in, restart. Labels are
// Japanese and English side by side (the people who open it are staff and visiting IT, not patients), drawn
// with the patient screens' fonts: admin_texts() goes into every language's glyph atlas.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/ui/fonts.h"
#include "kiosk/ui/screens.h"

namespace uk::ui {

struct AdminCheckRow {
    std::string name;    // "camera" ...
    std::string status;  // "ok" "warn" "fail"
    std::string detail;
    std::string fix;
};

// The set-up pages (the first-start wizard, and 設定 Set-up in the menu): one step at a time, each a list of
// choices with live feedback from the device and an action or two.
struct SetupChoice {
    std::string id;      // what is chosen: a reader name, a camera path, a language code, a consent item
    std::string label;   // what IT reads
    std::string detail;  // live state: "カードあり card on it", "always asked" ...
    bool selected = false;
    bool enabled = true;      // false: shown, cannot be changed (ja, always-asked items)
    bool good = true;         // detail in green or in red
    bool is_default = false;  // languages: the default one
};

struct SetupView {
    enum class Step { Reader, Camera, Reception, Languages, Consent, AdminPin, Finish };
    Step step = Step::Reader;
    int index = 0, count = 0;  // "2 / 6"
    std::string title;         // the step's heading (Japanese and English)
    std::string help;          // one line on what to do here
    std::vector<SetupChoice> choices;
    std::string note;  // a warning for this step (pcscd not running, no camera found ...)
    std::vector<std::pair<std::string, std::string>> actions;  // id -> label of the step's buttons
    bool busy = false;                                         // a test runs
    std::string result;                                        // the last test's result in words
    bool result_ok = false;
    // Camera
    bool front_role = false;  // choosing the card-front camera (else the face camera)
    void* preview_texture = nullptr;
    int preview_w = 0, preview_h = 0;
    std::string preview_status;  // "1280x720, 30 fps, 明るさ brightness ok", then the face check's line
    bool preview_ok = false;
    std::optional<std::array<float, 4>> face_box;      // the face found on the preview: x, y, w, h in 0..1
    bool check_ok = false;                             // the face is placed well, or a card is found
    std::optional<std::array<float, 8>> card_outline;  // the card-front camera: the card's corners, 0..1
    // Admin PIN
    std::size_t pin_length = 0;
    bool pin_confirming = false;
    std::string pin_message;
    bool pin_set = false;
    // Finish
    std::vector<std::pair<std::string, std::string>> summary;
    bool can_next = true;
};

struct AdminView {
    enum class Page { Pin, Menu, Diagnostics, Enrol, Setup };
    Page page = Page::Pin;
    std::size_t pin_length = 0;  // digits typed (never the digits)
    bool pin_checking = false;   // the hash check runs (about a second)
    std::string pin_message;     // "wrong PIN, 4 tries left", "locked for 5 minutes" (ASCII + Japanese)
    std::vector<std::pair<std::string, std::string>> info;  // kiosk id, facility, reception, outbox ...
    std::vector<AdminCheckRow> checks;
    bool checks_running = false;
    // Enrolment with the reception: the one-time code from `uketsuke-reception kiosk invite KIOSK_ID`.
    std::string enrol_target;  // "kiosk-1 -> 192.168.1.10:8443"
    std::string code;          // as typed (a one-time code, shown so IT can check it)
    bool enrolling = false;
    bool enrol_ok = false;
    std::string enrol_message;      // the result in words, with the certificate fingerprint on success
    bool enrol_from_setup = false;  // the enrolment page returns to the set-up pages
    SetupView setup;
};

struct AdminInput {
    enum class Key;
    AdminInput() = default;
    AdminInput(Key k, char d, std::string v = {}) : key(k), digit(d), value(std::move(v)) {}
    enum class Key {
        Digit,
        Delete,
        Ok,
        Diagnostics,
        RunChecks,
        Menu,
        Back,
        Restart,
        Enrol,        // open the enrolment page
        CodeChar,     // `digit` holds the character
        EnrolSend,    // send the code
        Setup,        // open the set-up pages
        SetupNext,    // the next step (or save, on the last)
        SetupPrev,    // the step before
        SetupChoose,  // `value` holds the choice's id
        SetupAction,  // `value` holds the action's id ("test_card", "enrol", "default:en", "save" ...)
    } key = Key::Back;
    char digit = 0;
    std::string value;
};

// Draws the admin page inside ImGui::NewFrame()/Render(); the taps come back in order.
std::vector<AdminInput> draw_admin(const AdminView& view, const FontSet& fonts,
                                   std::vector<ButtonRect>& buttons);

// The page a kiosk shows when it cannot start (a configuration file with errors, a device set-up that
// failed): the title, each problem with its fix, and "try again". Returns true when "try again" was tapped.
struct StartupProblemView {
    std::string title;
    std::vector<std::string> lines;
};
bool draw_startup_problem(const StartupProblemView& view, const FontSet& fonts,
                          std::vector<ButtonRect>& buttons);

// Every fixed label the admin pages show (for the glyph atlas).
std::vector<std::string> admin_texts();
// The texts of one admin view that come from outside (reader names, results, messages), for the atlas.
std::vector<std::string> admin_view_texts(const AdminView& v);

}  // namespace uk::ui
