#include "kiosk/app/queue_worker.h"

#include <fstream>

#include "kiosk/queue/face_statement.h"
#include "kiosk/queue/reception_client.h"

namespace uk::app {

namespace ev = checkin::ev;

QueueWorker::QueueWorker(std::filesystem::path dir, std::unique_ptr<ReceptionTransport> transport,
                         EventInbox& inbox, const Clock& clock, std::function<void(const std::string&)> log,
                         std::chrono::milliseconds accept_wait)
    : dir_(std::move(dir)),
      transport_(std::move(transport)),
      inbox_(inbox),
      clock_(clock),
      log_(std::move(log)),
      accept_wait_(accept_wait) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    auto o = Outbox::open((dir_ / "outbox.sqlite").string(), clock_);
    if (!o) {
        if (log_) log_("outbox: " + o.error());
    } else {
        outbox_ = std::move(*o);
        if (log_ && outbox_->pending() > 0)
            log_("outbox: " + std::to_string(outbox_->pending()) +
                 " check-ins from before wait for the reception");
        if (transport_) {
            pusher_ = std::make_unique<OutboxPusher>(*outbox_, *transport_);
            pusher_->start();
        }
    }
    // The day's queue numbers survive a restart: <dir>/ticket holds "YYYY-MM-DD N".
    std::ifstream in(dir_ / "ticket");
    in >> ticket_day_ >> ticket_;
    thread_ = std::thread([this] { run(); });
}

QueueWorker::~QueueWorker() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (pusher_) pusher_->stop();
}

void QueueWorker::submit(CheckinRecord record) {
    {
        std::lock_guard lock(mu_);
        pending_.push_back(std::move(record));
    }
    cv_.notify_all();
}

int QueueWorker::next_ticket(const std::string& record_id) {
    std::string today = format_rfc3339(clock_.wall_now()).substr(0, 10);
    if (today != ticket_day_) {
        ticket_day_ = today;
        ticket_ = 0;
    }
    if (record_id == last_record_id_) return ticket_;  // the same record again ("try again"): same number
    ++ticket_;
    last_record_id_ = record_id;
    std::ofstream(dir_ / "ticket") << ticket_day_ << " " << ticket_ << "\n";
    return ticket_;
}

void QueueWorker::run() {
    for (;;) {
        CheckinRecord r;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
            if (stop_) return;
            r = std::move(pending_.front());
            pending_.pop_front();
        }
        if (!outbox_) {
            inbox_.post(ev::SubmitFailed{});
            continue;
        }
        r.kiosk_ticket = next_ticket(r.record_id);
        // A face check-in carries the kiosk's signed statement of the match and liveness result.
        std::string statement;
        if (signer_ && r.verification.method == VerificationMethod::Face) {
            auto st = face_statement_for(r, clock_.wall_now());
            auto body =
                st ? signed_face_statement_body(*st, *signer_) : Result<std::string>(Error{st.error()});
            if (body)
                statement = std::move(*body);
            else if (log_)
                log_("record " + r.record_id + ": no face statement (" + body.error() +
                     "); staff will check");
        }
        auto stored = statement.empty() ? outbox_->submit(r) : outbox_->submit_with_statement(r, statement);
        if (!stored) {
            if (log_) log_("record " + r.record_id + " NOT stored: " + stored.error());
            inbox_.post(ev::SubmitFailed{});
            continue;
        }
        if (log_)
            log_("record " + r.record_id + " stored in the outbox (number " + std::to_string(r.kiosk_ticket) +
                 ")");
        bool delivered = false;
        if (pusher_) {
            // The pusher was woken by the submit; give it a moment to reach the reception.
            auto end = std::chrono::steady_clock::now() + accept_wait_;
            while (std::chrono::steady_clock::now() < end) {
                if (outbox_->pending() == 0) {
                    delivered = true;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
        }
        if (delivered) {
            QualificationResult q;  // the reception fills it in; staff see it on the monitor
            inbox_.post(ev::SubmitAccepted{r.kiosk_ticket, q});
        } else {
            inbox_.post(ev::SubmitQueued{r.kiosk_ticket});
        }
    }
}

}  // namespace uk::app
