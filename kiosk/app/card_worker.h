// The card worker: one thread that owns the MyNumberCard session and carries out the flow's card effects
// (read, VERIFY PIN + sign, VERIFY 照合番号B + read the chip photo), posting the outcome as flow events. The
// PIN and 照合番号B are moved into the task and wiped by MyNumberCard right after the APDU is built; the
// task's copy is a moved-from (empty) buffer by then.
//
// Cancellation: each task carries the app's card epoch; the app bumps the epoch when the flow cancels or
// wipes, and drops events from older epochs, so a late answer can never land in the next patient's session.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kiosk/app/event_inbox.h"
#include "kiosk/card/mynumber_card.h"
#include "kiosk/core/clock.h"
#include "kiosk/core/secure.h"

namespace uk::app {

struct CardTask {
    enum class Kind { Read, VerifyPin, UnlockPhoto, Run } kind = Kind::Read;
    std::uint64_t epoch = 0;
    Pin pin;
    MatchCodeB match_code;
    std::function<void()> run;  // Kind::Run: reader-side chores (simulated insert) on the card thread
};

struct CardWorkerOptions {
    std::chrono::days expired_cert_grace{90};
    int min_match_code_tries = 3;  // never VERIFY 照合番号B at or below this many tries left
    // Where the PIN path's challenge comes from. The reception issues it when reachable; the kiosk makes a
    // random one (id "kiosk:<uuid>") otherwise, which the reception verifies against the certificate later.
    std::function<std::pair<std::string, card::Bytes>()> challenge;
    std::function<void(const std::string&)> log;
};

class CardWorker {
  public:
    CardWorker(card::CardTransport& transport, EventInbox& inbox, const Clock& clock,
               CardWorkerOptions options);
    ~CardWorker();
    CardWorker(const CardWorker&) = delete;
    CardWorker& operator=(const CardWorker&) = delete;

    void submit(CardTask task);
    // The chip photo of the last unlock (for the face session); wiped by wipe().
    std::optional<card::FacePhoto> take_photo();
    void wipe();
    bool busy() const;

  private:
    void run();
    void handle(CardTask& t);
    card::CardTransport& transport_;
    EventInbox& inbox_;
    const Clock& clock_;
    CardWorkerOptions options_;
    card::MyNumberCard card_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<CardTask> tasks_;
    std::optional<card::FacePhoto> photo_;
    bool stop_ = false;
    bool busy_ = false;
    std::thread thread_;
};

}  // namespace uk::app
