// Where the kiosk's connection to the reception comes from: the configured token and pinned certificate, else
// what an enrolment (admin menu or set-up pages) saved into the data folder. Used by the outbox, the staff
// link, the card worker's challenges, the doctor's reception check and the enrolment target.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "kiosk/config/config.h"
#include "kiosk/queue/transport.h"

namespace uk::app {

struct ReceptionFiles {
    std::string token_file;  // the kiosk's bearer token
    std::string ca_file;     // the reception's pinned certificate
};

// The configured files; when both are empty, <data>/reception-token and <data>/reception-cert.pem if an
// enrolment saved them; else empty.
ReceptionFiles reception_files(const config::ReceptionSettings& rc, const std::filesystem::path& data_dir);

// "https://host:port/..." -> host and port (443 when none given).
std::pair<std::string, int> reception_endpoint(const std::string& url);

// An HTTPS connection to the reception with the kiosk's token, or null when the kiosk has no token or pinned
// certificate yet (an unreadable token file is logged). Each user gets its own.
std::unique_ptr<ReceptionTransport> open_reception(const config::ReceptionSettings& rc,
                                                   const std::filesystem::path& data_dir,
                                                   const std::function<void(const std::string&)>& log);

}  // namespace uk::app
