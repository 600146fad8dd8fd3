// How the reception service (reception/server) uses the qualification simulator, in one place so that the
// service needs only three calls: open() at start-up, fill() on every check-in before it is stored, and
// register_routes() for the kiosk and staff endpoints below. docs/qualification.md documents the routes.
//
//   POST /api/v1/qualification/challenges          kiosk   -> 201 {challenge_id, to_sign (base64),
//   expires_at} POST /api/v1/qualification/face-statements     kiosk   {record_id, statement{...}, signature
//   (base64)} -> 201 GET  /api/v1/qualification/entries/ID          staff   -> the confirmation: status,
//   reason, insured data GET  /api/v1/qualification/entries/ID/ITEM     staff   -> consented information
//   (doctor / pharmacist), audited GET  /api/v1/qualification/audit               admin   -> audit-log
//   verification and the last entries
//
// fill() is idempotent per record id: the kiosk's outbox may send the same record again and must get the
// same qualification result (else the store would see "other content"), so the first confirmation of a
// record is kept and returned again.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "kiosk/core/clock.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"
#include "reception/qualification/simulator.h"

#include <nlohmann/json_fwd.hpp>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace uk::qualification {

// An insured person's data as staff and the admin tool see it (JSON object, field names as in types.h).
nlohmann::json insured_person_json(const InsuredPerson& p);

struct RouteAuth {
    // Returns the kiosk id, or nullopt after answering the request itself (401 ...).
    std::function<std::optional<std::string>(const httplib::Request&, httplib::Response&)> kiosk;
    // Returns (user name, role wire name), or nullopt after answering the request itself.
    std::function<std::optional<std::pair<std::string, std::string>>(const httplib::Request&,
                                                                     httplib::Response&, bool state_changing)>
        staff;
};

class ReceptionQualification {
  public:
    // The simulator under <reception data dir>/qualification. When that folder was never set up
    // (`uketsuke-qualification --data DIR seed --pki PKI`), returns an Error saying so; the reception then
    // runs without it and check-ins stay "pending".
    static Result<std::unique_ptr<ReceptionQualification>> open(
        const std::filesystem::path& reception_data_dir, const Clock& clock);
    static std::filesystem::path folder(const std::filesystem::path& reception_data_dir);

    // Confirms the record's qualification and fills rec.qualification. Returns what the kiosk may tell the
    // patient: "confirmed" or "see_staff".
    std::string fill(CheckinRecord& rec);

    void register_routes(httplib::Server& server, RouteAuth auth);

    // Registers (or replaces) a kiosk's face-statement key, as `uketsuke-qualification kiosk-key` does, and
    // audits it; `actor` names who did it (e.g. "enrolment"). Error when the PEM is not an Ed25519 public
    // key.
    Result<bool> register_kiosk_key(const std::string& kiosk_id, const std::string& public_pem,
                                    const std::string& actor, WallTime now);

    SimulatedQualificationService& service() { return *svc_; }

  private:
    explicit ReceptionQualification(std::unique_ptr<SimulatedQualificationService> svc)
        : svc_(std::move(svc)) {}
    std::unique_ptr<SimulatedQualificationService> svc_;
};

}  // namespace uk::qualification
