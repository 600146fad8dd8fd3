// The admin menu for facility IT and staff, behind the four-corner gesture and the admin PIN: the kiosk's
// identity, live diagnostics (the same checks as `uketsuke-kiosk --doctor`: camera, pcscd, reader, card,
// models, fonts, reception, clock, disk, with the fix for each), back to check-in, restart. Labels are
// Japanese and English side by side (the people who open it are staff and visiting IT, not patients), drawn
// with the patient screens' fonts: admin_texts() goes into every language's glyph atlas.
#pragma once

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

struct AdminView {
    enum class Page { Pin, Menu, Diagnostics, Enrol };
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
    std::string enrol_message;  // the result in words, with the certificate fingerprint on success
};

struct AdminInput {
    enum class Key {
        Digit,
        Delete,
        Ok,
        Diagnostics,
        RunChecks,
        Menu,
        Back,
        Restart,
        Enrol,      // open the enrolment page
        CodeChar,   // `digit` holds the character
        EnrolSend,  // send the code
    } key = Key::Back;
    char digit = 0;
};

// Draws the admin page inside ImGui::NewFrame()/Render(); the taps come back in order.
std::vector<AdminInput> draw_admin(const AdminView& view, const FontSet& fonts,
                                   std::vector<ButtonRect>& buttons);

// Every fixed label the admin pages show (for the glyph atlas).
std::vector<std::string> admin_texts();

}  // namespace uk::ui
