// QualificationService: what the reception asks the national オンライン資格確認 system, behind one interface
// so that a real adapter can replace the simulator (simulator.h) without touching the reception.
//
//   issue_challenge(kiosk)  PIN path, step 1: a fresh challenge, single use, short-lived, bound to that
//   kiosk.
//                           The kiosk has the card sign `to_sign` (RSA PKCS#1 v1.5, SHA-256) after VERIFY.
//   confirm(request)        checks the card's certificate (chain, dates, CRL), the identity proof of the
//                           method (card signature over the challenge / the kiosk's signed face statement /
//                           the confirming staff member), finds the insured person and judges the
//                           qualification. The result fills the check-in record's `qualification` slot; the
//                           kiosk learns only kiosk_message() ("confirmed" or "see_staff").
//   view(request)           the consented-information viewer: medication / checkup data of a confirmed
//                           check-in, only for doctors and pharmacists, only with consent (24 hours), never
//                           checkup data at a pharmacy, never with an expired certificate; every attempt,
//                           granted or refused, is written to the audit log first.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/facility.h"
#include "kiosk/core/record.h"
#include "kiosk/core/result.h"
#include "kiosk/queue/face_statement.h"
#include "reception/qualification/crypto.h"
#include "reception/qualification/types.h"

namespace uk::qualification {

// [SECTION] PIN path

struct ChallengeTicket {
    std::string challenge_id;
    std::string to_sign_b64;  // base64 of the exact bytes the card signs
    std::string expires_at;   // RFC 3339
};

// [SECTION] Face path: the kiosk's statement, signed with its Ed25519 key (registered at enrolment)

// The struct and its canonical text live in kiosk/queue/face_statement.h, so that kiosk and reception sign
// and check the same bytes.
using FaceStatement = uk::FaceStatement;

// [SECTION] Confirmation

struct ConfirmationRequest {
    std::string record_id;
    std::string kiosk_id;
    FacilityProfile facility;
    std::string certificate_der;  // the card's user-authentication certificate
    VerificationMethod method = VerificationMethod::Pin;
    std::string challenge_id;  // PIN
    Bytes card_signature;      // PIN: raw signature bytes
    std::optional<FaceStatement> face;
    Bytes face_signature;  // Face: raw Ed25519 signature over face->canonical()
    std::string staff_id;  // StaffVisual
    std::vector<ConsentEntry> consents;
};

struct Confirmation {
    QualificationResult result;  // status + reason line (ja / en) + checked_at: the record's slot
    Reason reason = Reason::None;
    CertStatus certificate = CertStatus::Malformed;
    bool sharing_allowed = false;       // medication / checkup may be shown (with consent)
    std::vector<std::string> warnings;  // for staff, e.g. the expired-certificate grace
    std::optional<InsuredPerson> person;
    std::optional<std::filesystem::path> xml_file;  // the face/ file written for the レセコン
    std::string xml_error;                          // why no file could be written (staff must know)
    // What the kiosk may show the patient: never insurance details.
    std::string_view kiosk_message() const {
        return result.status == QualificationStatus::Valid ? "confirmed" : "see_staff";
    }
};

// [SECTION] Viewer

struct ViewRequest {
    std::string record_id;
    std::string viewer;  // staff user name
    StaffRole role = StaffRole::Clerk;
    ConsentItem item = ConsentItem::Medication;
};

struct ViewResult {
    bool granted = false;
    std::string refusal_code;  // e.g. "role", "no_consent", "consent_expired", "not_at_facility"
    std::string refusal;       // ja / en line for the screen
    std::string person_name;
    std::vector<MedicationEntry> medications;
    std::vector<CheckupEntry> checkups;
    std::int64_t audit_seq = 0;  // the audit entry written for this attempt
};

class QualificationService {
  public:
    virtual ~QualificationService() = default;
    virtual Result<ChallengeTicket> issue_challenge(const std::string& kiosk_id) = 0;
    virtual Confirmation confirm(const ConfirmationRequest& request) = 0;
    // Error only when the attempt could not even be audited (then nothing is shown).
    virtual Result<ViewResult> view(const ViewRequest& request) = 0;
};

}  // namespace uk::qualification
