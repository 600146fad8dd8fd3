// The reception's HTTPS service: the kiosk API (check-ins, heartbeats, alerts, visual-check requests), the
// staff API (log-in, queue, actions, server-sent events) and the staff monitor page. docs/api.md is the
// contract.
//
// Threads: cpp-httplib gives each connection one worker of a pool of `threads`; an SSE stream holds its
// worker for as long as the monitor tab is open, so at most `max_event_streams` streams are admitted (503
// beyond) and the rest of the pool stays free for kiosks. A hub thread turns store changes into SSE frames
// for every stream.
#pragma once

#include <memory>
#include <string>

#include "kiosk/core/clock.h"
#include "kiosk/core/result.h"
#include "reception/server/config.h"
#include "reception/server/tls.h"
#include "reception/store/store.h"

namespace uk::reception {

class ReceptionService {
  public:
    // `store` and `clock` must outlive the service.
    ReceptionService(ServiceConfig cfg, Store& store, const Clock& clock, TlsFiles tls);
    ~ReceptionService();
    ReceptionService(const ReceptionService&) = delete;
    ReceptionService& operator=(const ReceptionService&) = delete;

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
