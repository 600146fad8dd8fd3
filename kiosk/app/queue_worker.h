// Where finished check-ins go: kiosk/queue's SQLite outbox (WAL, synchronous=FULL) on the kiosk, and, when a
// reception is configured (URL, the kiosk's token, the reception's certificate), its push loop over HTTPS.
// On its own thread: the record gets the day's queue number, is stored durably, and the flow hears
//   SubmitAccepted   the reception took it within `accept_wait` (the done screen shows the plain number)
//   SubmitQueued     stored, the reception not reached (yet): the outbox keeps it and the pusher retries
//   SubmitFailed     not even stored (disk full, database broken): the flow sends the patient to the staff
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "kiosk/app/event_inbox.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/queue/kiosk_key.h"
#include "kiosk/queue/outbox.h"
#include "kiosk/queue/transport.h"

namespace uk::app {

class QueueWorker {
  public:
    // `transport` may be null: no reception configured, records stay in the outbox.
    QueueWorker(std::filesystem::path dir, std::unique_ptr<ReceptionTransport> transport, EventInbox& inbox,
                const Clock& clock, std::function<void(const std::string&)> log,
                std::chrono::milliseconds accept_wait = std::chrono::milliseconds(1500));
    ~QueueWorker();
    QueueWorker(const QueueWorker&) = delete;
    QueueWorker& operator=(const QueueWorker&) = delete;

    bool ok() const { return outbox_ != nullptr; }
    // The kiosk's Ed25519 key (kiosk/queue/kiosk_key.h): a face check-in then travels with its signed
    // statement, which the reception needs to confirm it. Without one, face check-ins go alone (see staff).
    void set_face_signer(std::shared_ptr<const KioskKey> key) { signer_ = std::move(key); }
    void submit(CheckinRecord record);
    std::int64_t pending() { return outbox_ ? outbox_->pending() : -1; }

  private:
    void run();
    int next_ticket(const std::string& record_id);
    std::filesystem::path dir_;
    std::unique_ptr<ReceptionTransport> transport_;
    EventInbox& inbox_;
    const Clock& clock_;
    std::function<void(const std::string&)> log_;
    std::chrono::milliseconds accept_wait_;
    std::shared_ptr<const KioskKey> signer_;
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<OutboxPusher> pusher_;
    std::string ticket_day_, last_record_id_;
    int ticket_ = 0;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<CheckinRecord> pending_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace uk::app
