// The staff monitor's files (reception/web/), embedded into the binary at build time so that the service
// needs nothing beside itself and no CDN.
#pragma once

#include <cstddef>
#include <string_view>

namespace uk::reception {

struct WebAsset {
    std::string_view path;  // URL path, e.g. "/static/app.js"
    std::string_view content_type;
    std::string_view body;
};

// nullptr when there is no such file.
const WebAsset* find_web_asset(std::string_view path);

}  // namespace uk::reception
