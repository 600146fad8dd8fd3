// The reception's HTTPS service: the kiosk API (check-ins, heartbeats, alerts, visual-check requests), the
// staff API (log-in, queue, actions, server-sent events) and the staff monitor page. docs/api.md is the
// contract.
//
// Threads: cpp-httplib gives each connection one worker of a pool of `threads`; an SSE stream holds its
// worker for as long as the monitor tab is open, so at most `max_event_streams` streams are admitted (503
// beyond) and the rest of the pool stays free for kiosks. A hub thread turns store changes into SSE frames
// for every stream.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kiosk/core/clock.h"
#include "kiosk/core/result.h"
#include "reception/server/config.h"
#include "reception/server/tls.h"
#include "reception/store/store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace uk::reception {

// What a later module (the qualification simulator of issue 8, reception/qualification) adds to the service
// without the service depending on it. Both members may be empty.
struct ServiceExtension {
    // Answers 401/403 itself and returns nullopt, or returns the kiosk id of a valid bearer token.
    using KioskAuth = std::function<std::optional<std::string>(const httplib::Request&, httplib::Response&)>;
    // Answers 401/403 itself and returns nullopt, or returns (user name, role wire name); `state_changing`
    // also checks the CSRF token.
    using StaffAuth = std::function<std::optional<std::pair<std::string, std::string>>(
        const httplib::Request&, httplib::Response&, bool state_changing)>;

    // Called on every valid kiosk check-in before it is stored (calls are serialised); fills
    // record.qualification and returns what the kiosk may tell the patient ("confirmed" / "see_staff"), which
    // the check-in answer carries as "qualification". Must give the same result for a resent record id, so
    // that the resend compares equal (200) instead of conflicting (409).
    std::function<std::string(CheckinRecord&)> fill_record;
    // Adds routes; called once, before the service binds.
    std::function<void(httplib::Server&, KioskAuth, StaffAuth)> add_routes;
    // Registers a kiosk's Ed25519 public key (PEM) for face statements at enrolment (POST
    // /api/v1/kiosks/enrol). Empty: the answer says "face_key": "not_registered".
    std::function<Result<bool>(const std::string& kiosk_id, const std::string& public_pem)>
        register_kiosk_key;
};

class ReceptionService {
  public:
    // `store` and `clock` must outlive the service.
    ReceptionService(ServiceConfig cfg, Store& store, const Clock& clock, TlsFiles tls);
    ~ReceptionService();
    ReceptionService(const ReceptionService&) = delete;
    ReceptionService& operator=(const ReceptionService&) = delete;

    // Call before bind().
    void set_extension(ServiceExtension ext);

    // Binds the configured address (port 0 = any free port). Returns the bound port.
    Result<int> bind();
    // Serves until stop(). Call after bind().
    void run();
    // bind() + run() on a background thread; returns the port.
    Result<int> start();
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace uk::reception
