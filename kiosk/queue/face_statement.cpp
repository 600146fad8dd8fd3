#include "kiosk/queue/face_statement.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace uk {

namespace {

std::string format_double(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", d);
    return buf;
}

}  // namespace

std::string FaceStatement::canonical() const {
    std::string s = "uketsuke-face-statement/1\n";
    auto line = [&s](const char* k, const std::string& v) {
        s += k;
        s += '=';
        for (char c : v)
            s += (c == '\n' || c == '\r') ? ' ' : c;
        s += '\n';
    };
    line("kiosk_id", kiosk_id);
    line("record_id", record_id);
    line("cert_serial_hex", cert_serial_hex);
    line("cert_issuer", cert_issuer);
    line("distance", format_double(distance));
    line("threshold", format_double(threshold));
    line("model", model);
    line("matched", matched ? "true" : "false");
    line("liveness_passed", liveness_passed ? "true" : "false");
    line("liveness_challenge", liveness_challenge);
    line("made_at", made_at);
    return s;
}

nlohmann::json to_json(const FaceStatement& f) {
    return {{"kiosk_id", f.kiosk_id},
            {"record_id", f.record_id},
            {"cert_serial_hex", f.cert_serial_hex},
            {"cert_issuer", f.cert_issuer},
            {"distance", f.distance},
            {"threshold", f.threshold},
            {"model", f.model},
            {"matched", f.matched},
            {"liveness_passed", f.liveness_passed},
            {"liveness_challenge", f.liveness_challenge},
            {"made_at", f.made_at}};
}

Result<FaceStatement> face_statement_for(const CheckinRecord& r, WallTime now) {
    if (!r.verification.face) return Error{"face statement: the record has no verification.face"};
    if (!r.certificate) return Error{"face statement: the record names no card certificate"};
    const FaceEvidence& f = *r.verification.face;
    FaceStatement s;
    s.kiosk_id = r.kiosk_id;
    s.record_id = r.record_id;
    s.cert_serial_hex = r.certificate->serial_hex;
    s.cert_issuer = r.certificate->issuer;
    s.distance = f.distance;
    s.threshold = f.threshold;
    s.model = f.model;
    s.matched = f.distance <= f.threshold;
    s.liveness_passed = f.liveness_passed;
    s.liveness_challenge = f.liveness_challenge;
    s.made_at = format_rfc3339(now);
    return s;
}

}  // namespace uk
