// The kiosk-side outbox: an SQLite file (WAL, synchronous=FULL) of check-in records waiting for the
// reception, and the push loop that delivers them.
//
// Delivery is at least once, keyed by the record id (the reception answers 201 new / 200 same again, so a
// retry after a lost answer is harmless). Per answer:
//   201, 200                 delivered: removed from the outbox
//   0 (unreachable), 5xx,
//   401, 408, 429            transient: kept; the loop backs off (exponential with jitter, capped) and
//   retries 409, other 4xx           permanent: moved to the dead-letter table with the reception's message,
//   kept for IT
//                            (never silently dropped) and counted by dead_letter_count()
// The outbox survives restarts: whatever was not acknowledged is sent again after the next start.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/core/clock.h"
#include "kiosk/queue/queue_sink.h"
#include "kiosk/queue/transport.h"

struct sqlite3;

namespace uk {

struct BackoffPolicy {
    std::chrono::milliseconds first{500};
    std::chrono::milliseconds max{60'000};
    double jitter = 0.2;  // +- fraction of the delay, so that many kiosks do not retry in step
};

// Delay before retry number `failures` (1 = after the first failure). `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(int failures, const BackoffPolicy& p, double unit_random);

enum class DeliveryClass { Delivered, Transient, Permanent };
DeliveryClass classify_reply(int http_status);

struct DeliveryReport {
    int delivered = 0;
    int dead = 0;
    bool transient_failure = false;  // stopped early: the reception is unreachable or refusing for now
    std::string last_error;
};

struct DeadLetter {
    std::string record_id;
    int http_status = 0;
    std::string reason;
};

class Outbox final : public QueueSink {
  public:
    static Result<std::unique_ptr<Outbox>> open(const std::string& path, const Clock& clock);
    ~Outbox() override;
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    Result<bool> submit(const CheckinRecord& record) override;
    // The statement waits in its own table and goes to POST /api/v1/qualification/face-statements right
    // before its record: 201 -> the record follows; unreachable / 5xx / 401 / 429 -> both wait (transient);
    // another 4xx -> the statement is dropped (the record still goes; the reception then says see_staff).
    Result<bool> submit_with_statement(const CheckinRecord& record,
                                       const std::string& statement_body) override;
    std::int64_t pending() override;

    // Tries every queued record once, oldest first; stops at the first transient failure.
    DeliveryReport deliver_once(ReceptionTransport& transport);

    std::vector<DeadLetter> dead_letters();
    std::int64_t dead_letter_count();

    // Called after each submit (the push loop uses it to wake up).
    void set_on_submit(std::function<void()> fn);

  private:
    Outbox(sqlite3* db, const Clock& clock) : db_(db), clock_(clock) {}
    Result<bool> store(const CheckinRecord& record, const std::string* statement_body);
    std::mutex mu_;
    sqlite3* db_;
    const Clock& clock_;
    std::function<void()> on_submit_;
};

// Runs deliver_once in a background thread: right after a submit, after the back-off when the reception was
// unreachable, and every `idle_poll` otherwise.
class OutboxPusher {
  public:
    OutboxPusher(Outbox& outbox, ReceptionTransport& transport, BackoffPolicy policy = {},
                 std::chrono::milliseconds idle_poll = std::chrono::seconds(30));
    ~OutboxPusher();
    void start();
    void stop();
    void wake();
    int consecutive_failures() const;
    std::string last_error() const;

  private:
    void run();
    Outbox& outbox_;
    ReceptionTransport& transport_;
    BackoffPolicy policy_;
    std::chrono::milliseconds idle_poll_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    bool woken_ = false;
    int failures_ = 0;
    std::string last_error_;
    std::mt19937 rng_{std::random_device{}()};
    std::thread thread_;
};

}  // namespace uk
