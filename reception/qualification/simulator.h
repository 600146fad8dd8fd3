// The embedded default QualificationService: a simulator of the national system that checks identity the
// way the real one does (OpenSSL against the JPKI user-authentication CA and its CRL; the card's signature
// over a reception-issued challenge; the kiosk's signed face statement; the confirming staff member) and
// answers from its own insured-persons database (sim_db.h, seeded by seed.h, edited with
// uketsuke-qualification). Results go to the レセコン folder as XML (xml.h) and every view to the audit log.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "kiosk/core/clock.h"
#include "reception/qualification/audit_log.h"
#include "reception/qualification/service.h"
#include "reception/qualification/sim_db.h"
#include "reception/qualification/xml.h"

namespace uk::qualification {

struct SimulatorConfig {
    std::filesystem::path database;        // insured persons etc. (SQLite)
    std::filesystem::path audit_log;       // append-only audit log (SQLite)
    std::filesystem::path ca;              // JPKI user-authentication CA certificate (PEM or DER)
    std::filesystem::path crl;             // its CRL (PEM or DER)
    std::filesystem::path receipt_folder;  // レセコン folder (face/, req/, res/); empty = no files
    xml::CharacterCode character_code = xml::CharacterCode::ShiftJis;
    xml::ConsentLayout consent_layout = xml::ConsentLayout::V2;
    std::chrono::seconds challenge_ttl{120};
    std::chrono::seconds face_statement_ttl{600};
    std::chrono::seconds certificate_grace{std::chrono::hours(24 * 90)};  // about three months
    std::chrono::seconds consent_validity{std::chrono::hours(24)};
};

// The default layout under a data folder: <dir>/insured.db, <dir>/audit.db, <dir>/jpki/auth-ca.pem,
// <dir>/jpki/auth-ca.crl, <dir>/receipt/.
SimulatorConfig default_simulator_config(const std::filesystem::path& dir);

class SimulatedQualificationService final : public QualificationService {
  public:
    // `clock` must outlive the service.
    static Result<std::unique_ptr<SimulatedQualificationService>> open(SimulatorConfig cfg,
                                                                       const Clock& clock);

    Result<ChallengeTicket> issue_challenge(const std::string& kiosk_id) override;
    Confirmation confirm(const ConfirmationRequest& request) override;
    Result<ViewResult> view(const ViewRequest& request) override;

    // Answers every request file in <receipt>/req/ with a file of the same name in <receipt>/res/, then
    // removes the request. Returns how many were answered; a malformed request is moved to req/error/.
    Result<int> process_requests();

    SimDb& db() { return *db_; }
    AuditLog& audit() { return *audit_; }
    const SimulatorConfig& config() const { return cfg_; }

  private:
    SimulatedQualificationService(SimulatorConfig cfg, const Clock& clock)
        : cfg_(std::move(cfg)), clock_(clock) {}
    Reason verify_identity(const ConfirmationRequest& r, const CertCheck& cert, WallTime now);
    void write_face_file(const ConfirmationRequest& r, Confirmation& c, WallTime now);

    SimulatorConfig cfg_;
    const Clock& clock_;
    std::shared_ptr<TrustStore> trust_;
    std::unique_ptr<SimDb> db_;
    std::unique_ptr<AuditLog> audit_;
};

// Judges an insured person's qualification on `today` (YYYY-MM-DD): None, QualificationLost,
// QualificationExpired or QualificationNotYetValid.
Reason judge_qualification(const InsuredPerson& p, const std::string& today);

// The XML message for a confirmed person (exposed for tests and the req/res path).
xml::ResultMessage result_message(const InsuredPerson* person, Reason reason,
                                  const std::string& facility_code, const std::string& file_id,
                                  const std::vector<ConsentEntry>& consents, bool sharing_allowed,
                                  WallTime now, std::chrono::seconds consent_validity,
                                  const SimulatorConfig& cfg, xml::CharacterCode code);

// The staff warning for a certificate that expired within the grace period.
std::string grace_warning();

// Japan time (UTC+9, no DST) renderings used by the files: "yyyyMMddHHmmss", "yyyyMMdd", "YYYY-MM-DD".
std::string jst_timestamp(WallTime t);
std::string jst_date_compact(WallTime t);
std::string jst_date_iso(WallTime t);

}  // namespace uk::qualification
