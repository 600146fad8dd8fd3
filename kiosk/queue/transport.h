// The kiosk's view of the network to the reception: one small interface, so that the outbox and the client
// logic are tested without sockets. platform/net implements it over HTTPS with the reception's pinned
// certificate and the kiosk's bearer token.
#pragma once

#include <string>
#include <string_view>

namespace uk {

struct HttpReply {
    int status = 0;     // HTTP status; 0 = the reception was not reached (refused, time-out, TLS failure)
    std::string body;   // response body (JSON from the reception)
    std::string error;  // for status 0: why, for IT ("connection refused", "certificate does not match")
};

// THREAD SAFETY: implementations serialise calls themselves; any thread may call.
class ReceptionTransport {
  public:
    virtual ~ReceptionTransport() = default;
    virtual HttpReply post_json(std::string_view path, const std::string& body) = 0;
    virtual HttpReply get(std::string_view path) = 0;
};

}  // namespace uk
