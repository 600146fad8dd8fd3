// Seeds the simulator's insured-persons database from the test PKI of tools/pki (uketsuke-pki --out DIR):
// every identity there gets insurance data (fixed, simulated: insurer, 記号・番号・枝番, burden ratio,
// validity, some with 資格喪失 or 限度額適用認定), its user-authentication certificate is linked to it, and
// it gets simulated past medication and health-checkup results. Also a few persons with no card, for the
// レセコン's req/res path. Copies the CA and CRL into the simulator's jpki/ folder.
#pragma once

#include <filesystem>

#include "kiosk/core/result.h"
#include "reception/qualification/sim_db.h"

namespace uk::qualification {

struct SeedSummary {
    int persons = 0;
    int linked_certificates = 0;
    int medications = 0;
    int checkups = 0;
};

// Idempotent: a database that already holds persons is left as it is (returns zeros).
Result<SeedSummary> seed_from_pki(SimDb& db, const std::filesystem::path& pki_dir);

// Copies <pki>/ca/auth-ca.pem and auth-ca.crl to the paths the simulator reads.
Result<bool> install_trust_anchor(const std::filesystem::path& pki_dir, const std::filesystem::path& ca_out,
                                  const std::filesystem::path& crl_out);

}  // namespace uk::qualification
