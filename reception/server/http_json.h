// JSON replies of the reception's HTTP API, the same shape everywhere (the service's own routes and the
// qualification simulator's routes it hosts): a body, or {"error": message, "status": status}.
#pragma once

#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace uk::reception {

inline void reply(httplib::Response& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

inline void reply_error(httplib::Response& res, int status, const std::string& message) {
    reply(res, status, nlohmann::json{{"error", message}, {"status", status}});
}

}  // namespace uk::reception
