// The kiosk's signed statement of a face match (issue 8's face path), shared by the kiosk, which signs it
// with its Ed25519 key (kiosk/queue/kiosk_key.h) and sends it ahead of the check-in record
// (ReceptionClient::post_face_statement), and the reception's qualification simulator, which checks the
// signature over canonical() with the key registered at enrolment (reception/qualification/simulator.cpp).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"

namespace uk {

struct FaceStatement {
    std::string kiosk_id;
    std::string record_id;
    std::string cert_serial_hex;  // the card's user-authentication certificate (record.certificate)
    std::string cert_issuer;
    double distance = 0;
    double threshold = 0;
    std::string model;
    bool matched = false;  // distance <= threshold
    bool liveness_passed = false;
    std::string liveness_challenge;
    std::string made_at;  // RFC 3339 UTC; the reception accepts it for 10 minutes
    // The bytes that are signed: "uketsuke-face-statement/1\n" then key=value lines in this field order
    // (numbers with 6 decimals, line breaks in values replaced by spaces).
    std::string canonical() const;
};

// The statement as the JSON object sent beside its signature ({"statement": ..., "signature": ...}) and
// stored by the reception: every field under its own name.
nlohmann::json to_json(const FaceStatement& statement);

// The statement for a finished face check-in record (verification.face and certificate set), made at `now`.
// Error naming the missing part otherwise.
Result<FaceStatement> face_statement_for(const CheckinRecord& record, WallTime now);

}  // namespace uk
