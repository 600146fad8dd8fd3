// uketsuke-card: card diagnostics for a facility's IT staff.
//   uketsuke-card [--reader PATTERN]
// Prints one JSON line per reader (matching PATTERN if given):
//   {"reader":"...","card_present":true,"auth_pin_tries_left":3,"cert_not_after":"2030-03-31T14:59:59Z",
//    "cert_issuer":"CN=...","apdus":6}
// and no other personal data (no subject, no serial, nothing from the card-face application). A card that is
// present but cannot be read gets "error" with the reason instead of the card fields.
// Exit status: 0 when pcscd answered (cards or not), 1 when the PC/SC service is unreachable or no reader
// matches, 2 on bad arguments.
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "kiosk/card/mynumber_card.h"
#include "platform/pcsc/pcsc.h"

int main(int argc, char** argv) {
    std::string pattern;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--reader") == 0 && i + 1 < argc) {
            pattern = argv[++i];
        } else {
            std::fprintf(stderr, "usage: uketsuke-card [--reader PATTERN]\n");
            return 2;
        }
    }
    auto readers = uk::pcsc::list_readers();
    if (!readers) {
        std::printf("%s\n", nlohmann::json({{"error", readers.error()}}).dump().c_str());
        return 1;
    }
    int shown = 0;
    for (const auto& name : *readers) {
        if (!uk::pcsc::reader_matches(name, pattern)) continue;
        ++shown;
        nlohmann::json line = {{"reader", name}};
        uk::pcsc::PcscTransport transport(name);
        auto connected = transport.connect();
        if (!connected) {
            line["card_present"] = false;
            if (connected.fault() != uk::CardFault::Removed) line["error"] = connected.error().message;
            std::printf("%s\n", line.dump().c_str());
            continue;
        }
        line["card_present"] = true;
        uk::card::MyNumberCard card(transport);
        auto cert = card.read_auth_certificate();
        auto tries = card.auth_pin_tries_left();
        if (cert && tries) {
            line["auth_pin_tries_left"] = *tries;
            line["cert_not_after"] = uk::card::to_rfc3339(cert->not_after);
            line["cert_issuer"] = cert->issuer;
        } else {
            const auto& e = cert ? tries.error() : cert.error();
            line["error"] = std::string(uk::to_string(e.fault)) + ": " + e.message;
        }
        line["apdus"] = card.apdu_count();
        std::printf("%s\n", line.dump().c_str());
    }
    if (shown == 0) {
        std::printf("%s\n", nlohmann::json(
                                {{"error", pattern.empty() ? "no card reader connected"
                                                           : "no card reader matches \"" + pattern + "\""}})
                                .dump()
                                .c_str());
        return 1;
    }
    return 0;
}
