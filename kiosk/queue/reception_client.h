// The kiosk's small conversations with the reception besides check-ins: heartbeats (reader, camera, outbox
// depth for the staff's kiosk health panel), alerts shown to staff ("staff help requested", "card blocked"),
// and visual-check (目視確認) requests that a staff member confirms or rejects on the monitor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/queue/face_statement.h"
#include "kiosk/queue/kiosk_key.h"
#include "kiosk/queue/transport.h"

namespace uk {

struct KioskHealth {
    std::string reader = "ok";  // "ok" | "no_reader" | "no_card_service" | "error"
    std::string camera = "ok";  // "ok" | "none" | "error"
    std::int64_t outbox_depth = 0;
    std::string version;
};

enum class VisualCheckAnswer { Pending, Confirmed, Rejected };

struct VisualCheckStatus {
    VisualCheckAnswer answer = VisualCheckAnswer::Pending;
    std::string staff_id;  // who confirmed or rejected (goes into the record's verification.staff.staff_id)
};

// A challenge the reception issued for the PIN path: single use, short-lived, bound to this kiosk. The card
// signs `to_sign` after the VERIFY; the check-in record carries `id` and the signature.
struct IssuedChallenge {
    std::string id;
    std::vector<std::uint8_t> to_sign;
};

// The body of POST /api/v1/qualification/face-statements: {statement:{...}, signature: base64 Ed25519 over
// statement.canonical()}. For Outbox::submit_with_statement (delivered with the record) or sent at once.
Result<std::string> signed_face_statement_body(const FaceStatement& statement, const KioskKey& key);

class ReceptionClient {
  public:
    explicit ReceptionClient(ReceptionTransport& t) : t_(t) {}

    Result<bool> send_heartbeat(const KioskHealth& h);
    // kind: staff_help | card_blocked | card_error | camera_lost | reader_lost | other
    Result<bool> raise_alert(const std::string& kind, const std::string& message);
    // `request_id` is a UUID the kiosk makes; asking again with the same id is harmless.
    Result<VisualCheckStatus> request_visual_check(const std::string& request_id, int kiosk_ticket);
    Result<VisualCheckStatus> poll_visual_check(const std::string& request_id);
    // POST /api/v1/qualification/challenges (docs/qualification.md).
    Result<IssuedChallenge> request_challenge();
    // Signs `statement` (canonical text) with the kiosk's key and sends it to
    // POST /api/v1/qualification/face-statements. Call it after the face match, before the record that names
    // the same record id goes into the outbox; the reception confirms a face check-in only with it.
    Result<bool> post_face_statement(const FaceStatement& statement, const KioskKey& key);

  private:
    ReceptionTransport& t_;
};

}  // namespace uk
