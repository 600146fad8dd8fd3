// The kiosk's line to the staff (kiosk/app/staff_link.h) over a recording transport: heartbeats carry the
// devices' state, with the reader's asked just before each beat; staff alerts go out; a visual check is
// polled until a clerk answers and comes back to the flow as an event naming the clerk.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/app/staff_link.h"

namespace uk::app {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class Recorder final : public ReceptionTransport {
  public:
    HttpReply post_json(std::string_view path, const std::string& body) override {
        std::lock_guard lock(mu_);
        posts.emplace_back(std::string(path), body);
        cv_.notify_all();
        if (path == "/api/v1/kiosk/heartbeat") return {204, "", ""};
        if (path == "/api/v1/kiosk/alerts") return {201, "{}", ""};
        if (path == "/api/v1/visual-checks") return {201, R"({"state":"pending"})", ""};
        return {404, "", ""};
    }
    HttpReply get(std::string_view path) override {
        std::lock_guard lock(mu_);
        ++polls;
        if (path != "/api/v1/visual-checks/rec-1") return {404, "", ""};
        if (polls < 3) return {200, R"({"state":"pending"})", ""};
        return {200, R"({"state":"confirmed","staff":"hanako"})", ""};
    }
    // The bodies posted to `path`, once there are at least `n`.
    std::vector<json> wait_posts(const std::string& path, std::size_t n) {
        std::unique_lock lock(mu_);
        std::vector<json> out;
        cv_.wait_for(lock, 5s, [&] {
            out.clear();
            for (const auto& [p, b] : posts)
                if (p == path) out.push_back(json::parse(b));
            return out.size() >= n;
        });
        return out;
    }
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::pair<std::string, std::string>> posts;
    int polls = 0;
};

TEST(StaffLink, HeartbeatsCarryTheDevicesAndTheReaderAsItIsNow) {
    auto t = std::make_unique<Recorder>();
    Recorder* rec = t.get();
    EventInbox inbox;
    StaffLink link(std::move(t), inbox, {}, 30ms, 10ms);
    std::atomic<int> reader{0};
    link.set_health_probe([&reader](KioskHealth& now) { now.reader = reader == 0 ? "no_reader" : "ok"; });
    KioskHealth h;
    h.camera = "none";
    h.outbox_depth = 2;
    h.version = "0.1.0";
    link.set_health(h);
    auto beats = rec->wait_posts("/api/v1/kiosk/heartbeat", 1);
    ASSERT_GE(beats.size(), 1u);
    EXPECT_EQ(beats[0]["reader"], "no_reader");
    EXPECT_EQ(beats[0]["camera"], "none");
    EXPECT_EQ(beats[0]["outbox_depth"], 2);
    EXPECT_EQ(beats[0]["version"], "0.1.0");
    reader = 1;  // the reader is plugged back in
    auto n = beats.size();
    beats = rec->wait_posts("/api/v1/kiosk/heartbeat", n + 2);
    ASSERT_GE(beats.size(), n + 2);
    EXPECT_EQ(beats.back()["reader"], "ok");
}

TEST(StaffLink, AlertsAndAVisualCheckAnsweredByAClerk) {
    auto t = std::make_unique<Recorder>();
    Recorder* rec = t.get();
    EventInbox inbox;
    StaffLink link(std::move(t), inbox, {}, 10s, 10ms);
    link.alert("staff_help", "a patient asks for help");
    auto alerts = rec->wait_posts("/api/v1/kiosk/alerts", 1);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0]["kind"], "staff_help");

    link.request_visual_check("rec-1", 7);
    auto requests = rec->wait_posts("/api/v1/visual-checks", 1);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0]["id"], "rec-1");
    EXPECT_EQ(requests[0]["kiosk_ticket"], 7);
    std::optional<std::string> staff;
    for (int i = 0; i < 500 && !staff; ++i) {
        for (auto& p : inbox.drain())
            if (auto* c = std::get_if<checkin::ev::StaffConfirmed>(&p.event)) staff = c->staff_id;
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(staff);
    EXPECT_EQ(*staff, "hanako");
    std::lock_guard lock(rec->mu_);
    EXPECT_GE(rec->polls, 3);  // pending twice, then the answer
}

}  // namespace
}  // namespace uk::app
