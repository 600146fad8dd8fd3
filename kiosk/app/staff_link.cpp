#include "kiosk/app/staff_link.h"

namespace uk::app {

namespace ev = checkin::ev;

StaffLink::StaffLink(std::unique_ptr<ReceptionTransport> transport, EventInbox& inbox,
                     std::function<void(const std::string&)> log, std::chrono::milliseconds heartbeat_every,
                     std::chrono::milliseconds poll_every)
    : transport_(std::move(transport)),
      inbox_(inbox),
      log_(std::move(log)),
      heartbeat_every_(heartbeat_every),
      poll_every_(poll_every) {
    if (transport_) thread_ = std::thread([this] { run(); });
}

StaffLink::~StaffLink() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void StaffLink::set_health(const KioskHealth& h) {
    std::lock_guard lock(mu_);
    health_ = h;
    health_set_ = true;
}

void StaffLink::alert(const std::string& kind, const std::string& message) {
    if (!transport_) {
        if (log_) log_("staff alert (no reception to send it to): " + kind);
        return;
    }
    {
        std::lock_guard lock(mu_);
        alerts_.emplace_back(kind, message);
    }
    cv_.notify_all();
}

void StaffLink::request_visual_check(const std::string& request_id, int ticket) {
    if (!transport_) {
        if (log_) log_("staff: visual check requested (目視確認), no reception: answered on the DEMO strip");
        return;
    }
    {
        std::lock_guard lock(mu_);
        visual_id_ = request_id;
        visual_ticket_ = ticket;
        visual_sent_ = false;
        visual_new_ = true;
    }
    cv_.notify_all();
}

void StaffLink::cancel_visual_check() {
    std::lock_guard lock(mu_);
    visual_id_.clear();
}

void StaffLink::run() {
    ReceptionClient client(*transport_);
    auto next_beat = std::chrono::steady_clock::now();
    bool beat_failed = false;
    for (;;) {
        std::string id;
        int ticket = 0;
        bool sent = false;
        std::deque<std::pair<std::string, std::string>> alerts;
        KioskHealth health;
        bool health_set = false;
        {
            std::unique_lock lock(mu_);
            // Wake for the next heartbeat, the next poll of an open request, or new work.
            auto beat = health_set_ ? next_beat : std::chrono::steady_clock::now() + std::chrono::seconds(1);
            auto wake =
                visual_id_.empty() ? beat : std::min(beat, std::chrono::steady_clock::now() + poll_every_);
            cv_.wait_until(lock, wake, [&] { return stop_ || !alerts_.empty() || visual_new_; });
            if (stop_) return;
            visual_new_ = false;
            alerts.swap(alerts_);
            id = visual_id_;
            ticket = visual_ticket_;
            sent = visual_sent_;
            health = health_;
            health_set = health_set_;
        }
        for (const auto& [kind, message] : alerts) {
            auto r = client.raise_alert(kind, message);
            if (log_) log_("staff alert " + kind + (r ? " sent" : " NOT sent: " + r.error()));
        }
        if (!id.empty()) {
            auto st = sent ? client.poll_visual_check(id) : client.request_visual_check(id, ticket);
            if (!st) {
                if (log_ && !sent) log_("visual check not sent yet: " + st.error());
            } else {
                std::lock_guard lock(mu_);
                if (visual_id_ == id) {
                    visual_sent_ = true;
                    if (st->answer != VisualCheckAnswer::Pending) {
                        visual_id_.clear();
                        if (st->answer == VisualCheckAnswer::Confirmed)
                            inbox_.post(ev::StaffConfirmed{st->staff_id});
                        else
                            inbox_.post(ev::StaffRejected{});
                    }
                }
            }
        }
        if (health_set && std::chrono::steady_clock::now() >= next_beat) {
            if (health_probe_) health_probe_(health);  // the devices as they are now, asked on this thread
            auto r = client.send_heartbeat(health);
            if (!r && !beat_failed && log_) log_("heartbeat not delivered: " + r.error());
            if (r && beat_failed && log_) log_("heartbeat delivered again");
            beat_failed = !r;
            next_beat = std::chrono::steady_clock::now() + heartbeat_every_;
        }
    }
}

}  // namespace uk::app
