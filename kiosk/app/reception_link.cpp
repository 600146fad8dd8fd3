#include "kiosk/app/reception_link.h"

#include <fstream>

#include "platform/net/https_transport.h"

namespace uk::app {

ReceptionFiles reception_files(const config::ReceptionSettings& rc, const std::filesystem::path& data_dir) {
    ReceptionFiles f{rc.token_file, rc.ca_file};
    std::error_code ec;
    if (f.token_file.empty() && f.ca_file.empty() &&
        std::filesystem::exists(data_dir / "reception-token", ec) &&
        std::filesystem::exists(data_dir / "reception-cert.pem", ec)) {
        f.token_file = (data_dir / "reception-token").string();
        f.ca_file = (data_dir / "reception-cert.pem").string();
    }
    return f;
}

std::pair<std::string, int> reception_endpoint(const std::string& url) {
    if (auto e = parse_https_url(url)) return {e->host, e->port};
    return {url,
            443};  // not reached with a checked configuration (reception.url must be https://host[:port])
}

std::unique_ptr<ReceptionTransport> open_reception(const config::ReceptionSettings& rc,
                                                   const std::filesystem::path& data_dir,
                                                   const std::function<void(const std::string&)>& log) {
    ReceptionFiles files = reception_files(rc, data_dir);
    if (files.token_file.empty() || files.ca_file.empty()) return nullptr;
    HttpsTransportConfig hc;
    std::tie(hc.host, hc.port) = reception_endpoint(rc.url);
    hc.pinned_cert_path = files.ca_file;
    std::ifstream tf(files.token_file);
    std::getline(tf, hc.token);
    if (hc.token.empty()) {
        log("reception token file " + files.token_file + " is empty or unreadable");
        return nullptr;
    }
    return std::make_unique<HttpsTransport>(hc);
}

}  // namespace uk::app
