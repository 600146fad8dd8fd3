// The check-in record: what the kiosk pushes to the reception queue, and its JSON form (schema version 1).
//
// It says who (the card's user-authentication certificate by serial + issuer), how they were verified, what
// they consented to, when, at which kiosk, and the qualification result once known. It has no field where a
// My Number, a PIN, a face image or a face template could go, and the parser rejects any field it does not
// know. docs/api.md documents the JSON; the reception service validates with the same parser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/result.h"
#include "kiosk/core/types.h"

namespace uk {

inline constexpr int kRecordSchemaVersion = 1;
inline constexpr std::size_t kMaxRecordJsonBytes = 64 * 1024;

struct CertificateRef {
    std::string serial_hex;  // lowercase hex, no separators
    std::string issuer;      // RFC 2253 distinguished name
    std::string not_after;   // RFC 3339 UTC
    bool operator==(const CertificateRef&) const = default;
};

struct FaceEvidence {
    double distance = 0;   // model distance between live face and chip photo (lower is closer)
    double threshold = 0;  // the decision threshold in force
    std::string model;     // embedding model id, e.g. "dlib-resnet-v1"
    bool liveness_passed = false;
    std::string liveness_challenge;  // e.g. "blink+turn_left"
    bool operator==(const FaceEvidence&) const = default;
};

struct PinEvidence {
    std::string challenge_id;  // the reception-issued challenge the card signed
    std::string signature;     // base64 of the card's signature over the challenge
    bool operator==(const PinEvidence&) const = default;
};

struct StaffEvidence {
    std::string staff_id;  // who confirmed the visual check
    bool operator==(const StaffEvidence&) const = default;
};

struct Verification {
    VerificationMethod method = VerificationMethod::Pin;
    std::optional<FaceEvidence> face;
    std::optional<PinEvidence> pin;
    std::optional<StaffEvidence> staff;
    bool operator==(const Verification&) const = default;
};

struct ConsentEntry {
    ConsentItem item = ConsentItem::Medication;
    ConsentAnswer answer = ConsentAnswer::Refused;
    bool operator==(const ConsentEntry&) const = default;
};

struct QualificationResult {
    QualificationStatus status = QualificationStatus::Pending;
    std::string reason;      // for staff, in words (empty when valid)
    std::string checked_at;  // RFC 3339 UTC, empty while pending
    bool operator==(const QualificationResult&) const = default;
};

struct CheckinRecord {
    std::string record_id;  // UUID v4, lowercase, made on the kiosk; the reception's idempotency key
    std::string facility_code;
    FacilityType facility_type = FacilityType::Clinic;
    std::string kiosk_id;
    WallTime started_at{};
    WallTime completed_at{};
    std::string language = "ja";  // the language the patient used
    int kiosk_ticket = 0;         // the number shown on the done screen (per kiosk, per day)
    Verification verification;
    std::vector<ConsentEntry> consents;
    std::optional<CertificateRef> certificate;
    QualificationResult qualification;
    bool operator==(const CheckinRecord&) const = default;
};

nlohmann::json to_json(const CheckinRecord& r);
std::string to_json_string(const CheckinRecord& r);
// Strict: unknown fields, wrong types, missing fields and inconsistent evidence are errors naming the field
// path (e.g. "verification.face.distance: expected a number").
Result<CheckinRecord> record_from_json(const nlohmann::json& j);
Result<CheckinRecord> parse_checkin_record(std::string_view json_text);

// RFC 3339 in UTC with milliseconds ("2026-11-25T01:30:00.123Z"), and its strict parser.
std::string format_rfc3339(WallTime t);
std::optional<WallTime> parse_rfc3339(std::string_view s);

// Index of the first byte that is not well-formed UTF-8 (overlongs, surrogates and > U+10FFFF included), or
// std::string_view::npos. The record parser refuses such text; the reception checks other bodies with it.
std::size_t first_invalid_utf8(std::string_view s);

// A UUID v4 string from 16 random bytes (the caller owns the randomness; kiosk/app uses the OS).
std::string uuid_v4_from_bytes(const unsigned char (&bytes)[16]);
bool is_uuid(std::string_view s);

}  // namespace uk
