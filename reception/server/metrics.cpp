#include "reception/server/metrics.h"

#include <cstdio>
#include <sstream>

namespace uk::reception {
namespace {

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// Label values here are wire names and kiosk ids (letters, digits, -_.): nothing to escape but the rules say
// backslash, quote and newline, so escape them anyway.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

template <class H, class B>
void render_histogram(std::ostringstream& o, const std::string& name, const H& h, const B& bounds) {
    for (std::size_t i = 0; i < bounds.size(); ++i)
        o << name << "_bucket{le=\"" << number(bounds[i]) << "\"} " << h.counts[i] << "\n";
    o << name << "_bucket{le=\"+Inf\"} " << h.count << "\n";
    o << name << "_sum " << number(h.sum) << "\n";
    o << name << "_count " << h.count << "\n";
}

}  // namespace

void Metrics::checkin_stored(const CheckinRecord& r, std::chrono::microseconds latency) {
    std::lock_guard lock(mu_);
    ++by_method_[std::string(to_string(r.verification.method))];
    ++by_qualification_[std::string(to_string(r.qualification.status))];
    if (const auto& f = r.verification.face) {
        ++liveness_[f->liveness_passed ? "passed" : "failed"];
        distance_.observe(f->distance, kDistanceBuckets);
    }
    latency_.observe(static_cast<double>(latency.count()) / 1e6, kLatencyBuckets);
}

void Metrics::checkin_refused(int status) {
    std::lock_guard lock(mu_);
    ++refused_[status];
}

void Metrics::heartbeat(const std::string& kiosk_id, long long outbox_depth, const std::string& reader,
                        const std::string& camera, WallTime at) {
    std::lock_guard lock(mu_);
    kiosks_[kiosk_id] = Kiosk{outbox_depth, reader, camera, at};
}

std::string Metrics::render(WallTime now) const {
    std::lock_guard lock(mu_);
    std::ostringstream o;
    o << "# HELP uketsuke_checkins_total Check-ins stored, by verification method.\n"
         "# TYPE uketsuke_checkins_total counter\n";
    for (const char* m : {"face", "pin", "staff_visual"}) {
        auto it = by_method_.find(m);
        o << "uketsuke_checkins_total{method=\"" << m << "\"} " << (it == by_method_.end() ? 0 : it->second)
          << "\n";
    }
    o << "# HELP uketsuke_checkin_qualification_total Check-ins stored, by qualification result.\n"
         "# TYPE uketsuke_checkin_qualification_total counter\n";
    for (const char* q : {"pending", "valid", "invalid"}) {
        auto it = by_qualification_.find(q);
        o << "uketsuke_checkin_qualification_total{result=\"" << q << "\"} "
          << (it == by_qualification_.end() ? 0 : it->second) << "\n";
    }
    o << "# HELP uketsuke_face_liveness_total Face check-ins by liveness outcome.\n"
         "# TYPE uketsuke_face_liveness_total counter\n";
    for (const char* l : {"passed", "failed"}) {
        auto it = liveness_.find(l);
        o << "uketsuke_face_liveness_total{outcome=\"" << l << "\"} "
          << (it == liveness_.end() ? 0 : it->second) << "\n";
    }
    o << "# HELP uketsuke_checkins_refused_total Check-in requests answered with an error, by HTTP status.\n"
         "# TYPE uketsuke_checkins_refused_total counter\n";
    for (const auto& [status, n] : refused_)
        o << "uketsuke_checkins_refused_total{status=\"" << status << "\"} " << n << "\n";
    o << "# HELP uketsuke_face_match_distance Face distance of accepted face check-ins.\n"
         "# TYPE uketsuke_face_match_distance histogram\n";
    render_histogram(o, "uketsuke_face_match_distance", distance_, kDistanceBuckets);
    o << "# HELP uketsuke_checkin_ingest_seconds Time to validate and durably store a check-in.\n"
         "# TYPE uketsuke_checkin_ingest_seconds histogram\n";
    render_histogram(o, "uketsuke_checkin_ingest_seconds", latency_, kLatencyBuckets);
    o << "# HELP uketsuke_kiosk_outbox_depth Check-ins waiting in a kiosk's outbox at its last heartbeat.\n"
         "# TYPE uketsuke_kiosk_outbox_depth gauge\n";
    for (const auto& [id, k] : kiosks_)
        o << "uketsuke_kiosk_outbox_depth{kiosk=\"" << label(id) << "\"} " << k.outbox_depth << "\n";
    o << "# HELP uketsuke_kiosk_device_up Whether a kiosk's card reader and camera worked at its last "
         "heartbeat "
         "(a kiosk without a camera has none).\n"
         "# TYPE uketsuke_kiosk_device_up gauge\n";
    for (const auto& [id, k] : kiosks_) {
        o << "uketsuke_kiosk_device_up{kiosk=\"" << label(id) << "\",device=\"reader\"} "
          << (k.reader == "ok" ? 1 : 0) << "\n";
        if (k.camera != "none")
            o << "uketsuke_kiosk_device_up{kiosk=\"" << label(id) << "\",device=\"camera\"} "
              << (k.camera == "ok" ? 1 : 0) << "\n";
    }
    o << "# HELP uketsuke_kiosk_heartbeat_age_seconds Seconds since a kiosk's last heartbeat.\n"
         "# TYPE uketsuke_kiosk_heartbeat_age_seconds gauge\n";
    for (const auto& [id, k] : kiosks_) {
        double age = std::chrono::duration<double>(now - k.last_heartbeat).count();
        o << "uketsuke_kiosk_heartbeat_age_seconds{kiosk=\"" << label(id) << "\"} "
          << number(age < 0 ? 0 : age) << "\n";
    }
    return o.str();
}

}  // namespace uk::reception
