// The simulator's database (SQLite, one file): insured persons and the certificates linked to them, their
// past medication and specific health-checkup data, the kiosks' statement keys, the PIN-path challenges, and
// the confirmations made (with the consents given), which the consented-information viewer reads.
//
// THREAD SAFETY: every method may be called from any thread (one connection behind a mutex).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/record.h"
#include "kiosk/core/result.h"
#include "kiosk/core/types.h"
#include "reception/qualification/sqlite_util.h"
#include "reception/qualification/types.h"

namespace uk::qualification {

struct StoredChallenge {
    std::string id;  // UUID
    std::string kiosk_id;
    std::string to_sign;  // the exact bytes the card signs
    std::int64_t issued_ms = 0;
    std::int64_t expires_ms = 0;
    std::int64_t used_ms = 0;  // 0 = unused
};

// One confirmation the service made for a check-in record (what the viewer gates on).
struct StoredConfirmation {
    std::string record_id;
    std::int64_t person_id = 0;  // 0 when no person was found
    std::string kiosk_id;
    FacilityType facility_type = FacilityType::Clinic;
    QualificationStatus status = QualificationStatus::Invalid;
    Reason reason = Reason::None;
    bool sharing_allowed = false;  // false for an expired-in-grace certificate
    std::int64_t confirmed_ms = 0;
    std::vector<ConsentEntry> consents;
};

class SimDb {
  public:
    static Result<std::unique_ptr<SimDb>> open(const std::filesystem::path& path);

    // Insured persons. put_person inserts when id == 0 (returns the new id), else replaces that row.
    Result<std::int64_t> put_person(const InsuredPerson& p);
    Result<std::optional<InsuredPerson>> get_person(std::int64_t id);
    Result<std::vector<InsuredPerson>> list_persons();
    Result<bool> delete_person(std::int64_t id);

    // The certificate <-> person link (the real system links the card's certificate to the insurance
    // record; nothing here is a My Number).
    // `der` (optional) is kept as the issuing authority's directory copy: a check-in record names the card's
    // certificate by issuer + serial only, and the simulator verifies with the certificate found here.
    Result<bool> link_certificate(std::int64_t person_id, const std::string& issuer,
                                  const std::string& serial_hex, const std::string& der = {});
    Result<std::optional<std::string>> certificate_der(const std::string& issuer,
                                                       const std::string& serial_hex);
    Result<std::optional<std::int64_t>> person_for_certificate(const std::string& issuer,
                                                               const std::string& serial_hex);

    Result<bool> add_medication(std::int64_t person_id, const MedicationEntry& m);
    Result<std::vector<MedicationEntry>> medications(std::int64_t person_id);
    Result<bool> add_checkup(std::int64_t person_id, const CheckupEntry& c);
    Result<std::vector<CheckupEntry>> checkups(std::int64_t person_id);

    // Kiosk face-statement keys (Ed25519 public key PEM).
    Result<bool> put_kiosk_key(const std::string& kiosk_id, const std::string& public_pem);
    Result<std::optional<std::string>> kiosk_key(const std::string& kiosk_id);

    // Challenges: insert; take() marks it used atomically and returns the row as it was before the take.
    Result<bool> insert_challenge(const StoredChallenge& c);
    Result<std::optional<StoredChallenge>> take_challenge(const std::string& id, std::int64_t now_ms);
    Result<int> purge_challenges(std::int64_t older_than_ms);

    // Face statements the kiosks sent ahead of their check-in records (canonical text + raw signature).
    Result<bool> put_face_statement(const std::string& record_id, const std::string& kiosk_id,
                                    const std::string& statement_json, const std::string& signature);
    // (statement_json, signature) for a record of that kiosk.
    Result<std::optional<std::pair<std::string, std::string>>> face_statement(const std::string& record_id,
                                                                              const std::string& kiosk_id);

    // Confirmations (replaced when the same record is confirmed again).
    Result<bool> put_confirmation(const StoredConfirmation& c);
    Result<std::optional<StoredConfirmation>> get_confirmation(const std::string& record_id);

  private:
    SimDb() = default;
    Result<bool> init_schema();
    std::mutex mu_;
    sql::Db db_;
};

}  // namespace uk::qualification
