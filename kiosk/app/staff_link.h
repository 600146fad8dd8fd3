// The kiosk's line to the staff besides check-ins, on its own thread (kiosk/queue's ReceptionClient over the
// kiosk's HTTPS connection): a heartbeat every `heartbeat_every` (reader, camera, outbox depth: the monitor's
// kiosk health panel), staff alerts (help requested, PIN blocked, card left in the reader ...), and
// visual-check requests (目視確認), polled until a staff member confirms or rejects on the monitor; the
// answer comes back to the flow as ev::StaffConfirmed / ev::StaffRejected, only while that request is still
// the current one. Without a reception the kiosk logs what it would have sent (the DEMO strip stands in for
// staff).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kiosk/app/event_inbox.h"
#include "kiosk/queue/reception_client.h"
#include "kiosk/queue/transport.h"

namespace uk::app {

class StaffLink {
  public:
    StaffLink(std::unique_ptr<ReceptionTransport> transport, EventInbox& inbox,
              std::function<void(const std::string&)> log,
              std::chrono::milliseconds heartbeat_every = std::chrono::seconds(30),
              std::chrono::milliseconds poll_every = std::chrono::seconds(1));
    ~StaffLink();
    StaffLink(const StaffLink&) = delete;
    StaffLink& operator=(const StaffLink&) = delete;

    bool connected() const { return transport_ != nullptr; }
    void set_health(const KioskHealth& h);
    // Called on the link's thread just before each heartbeat to look at the devices as they are now (the
    // reader through pcscd, the camera's device node) and correct what set_health() said; set it before the
    // first heartbeat.
    void set_health_probe(std::function<void(KioskHealth&)> probe) { health_probe_ = std::move(probe); }
    void alert(const std::string& kind, const std::string& message);
    void request_visual_check(const std::string& request_id, int ticket);
    void cancel_visual_check();

  private:
    void run();
    std::unique_ptr<ReceptionTransport> transport_;
    EventInbox& inbox_;
    std::function<void(const std::string&)> log_;
    std::chrono::milliseconds heartbeat_every_, poll_every_;
    std::function<void(KioskHealth&)> health_probe_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    KioskHealth health_;
    bool health_set_ = false;  // no heartbeat before the app said how the devices are
    std::deque<std::pair<std::string, std::string>> alerts_;
    std::string visual_id_;  // the current request; empty = none
    int visual_ticket_ = 0;
    bool visual_sent_ = false;  // the reception has the request: poll it
    bool visual_new_ = false;   // a request to send at once
    std::thread thread_;
};

}  // namespace uk::app
