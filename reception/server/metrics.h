// Prometheus metrics of the reception service (text exposition format 0.0.4 at GET /metrics): check-ins by
// verification method and qualification result, face distances of accepted face check-ins, liveness, ingest
// latency, kiosk outbox depth and heartbeat age. Aggregates only: no record id, no name, no certificate.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/record.h"

namespace uk::reception {

class Metrics {
  public:
    // A check-in the service answered 201 for, and how long the request took.
    void checkin_stored(const CheckinRecord& r, std::chrono::microseconds latency);
    // A check-in refused (4xx) or failed (5xx): counted by status code.
    void checkin_refused(int status);
    // A kiosk's heartbeat: its outbox depth and its devices ("ok", "no_reader", "none", "error" ...).
    void heartbeat(const std::string& kiosk_id, long long outbox_depth, const std::string& reader,
                   const std::string& camera, WallTime at);
    std::string render(WallTime now) const;

    static constexpr std::array<double, 10> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                               0.05,  0.1,    0.25,  0.5,  1.0};
    static constexpr std::array<double, 8> kDistanceBuckets = {0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6};

  private:
    template <std::size_t N>
    struct Histogram {
        std::array<unsigned long long, N> counts{};  // cumulative per upper bound at render time
        unsigned long long count = 0;
        double sum = 0;
        void observe(double v, const std::array<double, N>& bounds) {
            for (std::size_t i = 0; i < N; ++i)
                if (v <= bounds[i]) ++counts[i];
            ++count;
            sum += v;
        }
    };
    struct Kiosk {
        long long outbox_depth = 0;
        std::string reader, camera;
        WallTime last_heartbeat{};
    };

    mutable std::mutex mu_;
    std::map<std::string, unsigned long long> by_method_;         // face / pin / staff_visual
    std::map<std::string, unsigned long long> by_qualification_;  // pending / valid / invalid
    std::map<std::string, unsigned long long> liveness_;          // passed / failed
    std::map<int, unsigned long long> refused_;                   // HTTP status
    Histogram<kLatencyBuckets.size()> latency_;
    Histogram<kDistanceBuckets.size()> distance_;
    std::map<std::string, Kiosk> kiosks_;
};

}  // namespace uk::reception
