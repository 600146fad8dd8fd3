#include "reception/qualification/sim_db.h"

namespace uk::qualification {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS insured_persons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    insurer_number TEXT NOT NULL CHECK (length(insurer_number) = 8 AND insurer_number GLOB '[0-9]*'),
    insurer_name TEXT NOT NULL,
    card_classification TEXT NOT NULL,
    card_symbol TEXT NOT NULL,
    card_number TEXT NOT NULL,
    branch_number TEXT NOT NULL,
    personal_family TEXT NOT NULL CHECK (personal_family IN ('1', '2')),
    name TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('1', '2', '3')),
    birth_date TEXT NOT NULL,
    burden_percent INTEGER NOT NULL CHECK (burden_percent IN (0, 10, 20, 30)),
    valid_from TEXT NOT NULL,
    valid_until TEXT,
    lost_on TEXT,
    loss_reason TEXT,
    limit_classification TEXT,
    limit_category TEXT,
    limit_valid_from TEXT,
    limit_valid_until TEXT
);
CREATE TABLE IF NOT EXISTS certificate_links (
    issuer TEXT NOT NULL,
    serial_hex TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES insured_persons(id) ON DELETE CASCADE,
    der BLOB,
    PRIMARY KEY (issuer, serial_hex)
);
CREATE TABLE IF NOT EXISTS face_statements (
    record_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, statement TEXT NOT NULL, signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS medications (
    person_id INTEGER NOT NULL REFERENCES insured_persons(id) ON DELETE CASCADE,
    dispensed_on TEXT NOT NULL, drug TEXT NOT NULL, dose TEXT NOT NULL, days INTEGER NOT NULL,
    pharmacy TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkups (
    person_id INTEGER NOT NULL REFERENCES insured_persons(id) ON DELETE CASCADE,
    checked_on TEXT NOT NULL, item TEXT NOT NULL, value TEXT NOT NULL, unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kiosk_keys (kiosk_id TEXT PRIMARY KEY, public_pem TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS challenges (
    id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, to_sign BLOB NOT NULL,
    issued_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS confirmations (
    record_id TEXT PRIMARY KEY, person_id INTEGER NOT NULL, kiosk_id TEXT NOT NULL, facility_type TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL, sharing_allowed INTEGER NOT NULL, confirmed_ms INTEGER NOT NULL,
    consents TEXT NOT NULL
);
)SQL";

InsuredPerson read_person(const sql::Stmt& s) {
    InsuredPerson p;
    p.id = s.col_int(0);
    p.insurer_number = s.col_text(1);
    p.insurer_name = s.col_text(2);
    p.card_classification = s.col_text(3);
    p.card_symbol = s.col_text(4);
    p.card_number = s.col_text(5);
    p.branch_number = s.col_text(6);
    p.personal_family = s.col_text(7);
    p.name = s.col_text(8);
    p.name_kana = s.col_text(9);
    p.sex = s.col_text(10);
    p.birth_date = s.col_text(11);
    p.burden_percent = static_cast<int>(s.col_int(12));
    p.valid_from = s.col_text(13);
    p.valid_until = s.col_text(14);
    p.lost_on = s.col_text(15);
    p.loss_reason = s.col_text(16);
    if (!s.col_null(17)) {
        LimitCertificate l;
        l.classification = s.col_text(17);
        l.category = s.col_text(18);
        l.valid_from = s.col_text(19);
        l.valid_until = s.col_text(20);
        p.limit = l;
    }
    return p;
}

constexpr const char* kPersonColumns =
    "id, insurer_number, insurer_name, card_classification, card_symbol, card_number, branch_number, "
    "personal_family, name, name_kana, sex, birth_date, burden_percent, valid_from, valid_until, lost_on, "
    "loss_reason, limit_classification, limit_category, limit_valid_from, limit_valid_until";

// consents as "medication=agreed,health_checkup=refused"
std::string encode_consents(const std::vector<ConsentEntry>& cs) {
    std::string s;
    for (const auto& c : cs) {
        if (!s.empty()) s += ',';
        s += std::string(to_string(c.item)) + "=" + std::string(to_string(c.answer));
    }
    return s;
}

std::vector<ConsentEntry> decode_consents(const std::string& s) {
    std::vector<ConsentEntry> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto end = s.find(',', pos);
        if (end == std::string::npos) end = s.size();
        const std::string part = s.substr(pos, end - pos);
        const auto eq = part.find('=');
        if (eq != std::string::npos) {
            auto item = parse_consent_item(part.substr(0, eq));
            auto ans = parse_consent_answer(part.substr(eq + 1));
            if (item && ans) out.push_back({*item, *ans});
        }
        pos = end + 1;
    }
    return out;
}

// Serials compare without leading zeros (BN_bn2hex pads to whole bytes).
std::string normal_serial(const std::string& s) {
    const auto nz = s.find_first_not_of('0');
    return nz == std::string::npos ? "0" : s.substr(nz);
}

Reason parse_reason(const std::string& s) {
    for (int i = 0; i <= static_cast<int>(Reason::QualificationNotYetValid); ++i) {
        const auto r = static_cast<Reason>(i);
        if (to_string(r) == s) return r;
    }
    return Reason::None;
}

}  // namespace

Result<std::unique_ptr<SimDb>> SimDb::open(const std::filesystem::path& path) {
    std::unique_ptr<SimDb> db(new SimDb());
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    if (auto r = db->db_.open(path.string()); !r) return Error{r.error()};
    // Personal data: readable by the service user only.
    std::filesystem::permissions(path,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    if (auto r = db->init_schema(); !r)
        return Error{"insured-persons database " + path.string() + ": " + r.error()};
    return db;
}

Result<bool> SimDb::init_schema() {
    return db_.exec(kSchema);
}

// [SECTION] Persons

Result<std::int64_t> SimDb::put_person(const InsuredPerson& p) {
    std::lock_guard lock(mu_);
    const char* sql =
        p.id == 0
            ? "INSERT INTO insured_persons (insurer_number, insurer_name, card_classification, card_symbol, "
              "card_number, branch_number, personal_family, name, name_kana, sex, birth_date, "
              "burden_percent, "
              "valid_from, valid_until, lost_on, loss_reason, limit_classification, limit_category, "
              "limit_valid_from, limit_valid_until) VALUES "
              "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
              "?16,?17,?18,?19,?20)"
            : "UPDATE insured_persons SET insurer_number=?1, insurer_name=?2, card_classification=?3, "
              "card_symbol=?4, card_number=?5, branch_number=?6, personal_family=?7, name=?8, name_kana=?9, "
              "sex=?10, birth_date=?11, burden_percent=?12, valid_from=?13, valid_until=?14, lost_on=?15, "
              "loss_reason=?16, limit_classification=?17, limit_category=?18, limit_valid_from=?19, "
              "limit_valid_until=?20 WHERE id=?21";
    sql::Stmt s(db_, sql);
    if (!s.ok()) return Error{db_.error()};
    s.text(1, p.insurer_number).text(2, p.insurer_name).text(3, p.card_classification).text(4, p.card_symbol);
    s.text(5, p.card_number).text(6, p.branch_number).text(7, p.personal_family).text(8, p.name);
    s.text(9, p.name_kana).text(10, p.sex).text(11, p.birth_date).int64(12, p.burden_percent);
    s.text(13, p.valid_from).opt_text(14, p.valid_until).opt_text(15, p.lost_on).opt_text(16, p.loss_reason);
    if (p.limit) {
        s.text(17, p.limit->classification).text(18, p.limit->category).text(19, p.limit->valid_from);
        s.text(20, p.limit->valid_until);
    } else {
        s.null(17).null(18).null(19).null(20);
    }
    if (p.id != 0) s.int64(21, p.id);
    if (!s.done()) return Error{"insured person " + p.name + ": " + s.error()};
    if (p.id != 0 && db_.changes() == 0) return Error{"no insured person with id " + std::to_string(p.id)};
    return p.id == 0 ? db_.last_id() : p.id;
}

Result<std::optional<InsuredPerson>> SimDb::get_person(std::int64_t id) {
    std::lock_guard lock(mu_);
    const std::string q = std::string("SELECT ") + kPersonColumns + " FROM insured_persons WHERE id=?1";
    sql::Stmt s(db_, q.c_str());
    s.int64(1, id);
    if (s.row()) return std::optional<InsuredPerson>(read_person(s));
    return std::optional<InsuredPerson>();
}

Result<std::vector<InsuredPerson>> SimDb::list_persons() {
    std::lock_guard lock(mu_);
    const std::string q = std::string("SELECT ") + kPersonColumns + " FROM insured_persons ORDER BY id";
    sql::Stmt s(db_, q.c_str());
    std::vector<InsuredPerson> out;
    while (s.row())
        out.push_back(read_person(s));
    return out;
}

Result<bool> SimDb::delete_person(std::int64_t id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "DELETE FROM insured_persons WHERE id=?1");
    s.int64(1, id);
    if (!s.done()) return Error{s.error()};
    return db_.changes() > 0;
}

Result<bool> SimDb::link_certificate(std::int64_t person_id, const std::string& issuer,
                                     const std::string& serial_hex, const std::string& der) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT OR REPLACE INTO certificate_links (issuer, serial_hex, person_id, der) VALUES (?1, "
                "?2, ?3, ?4)");
    s.text(1, issuer).text(2, normal_serial(serial_hex)).int64(3, person_id);
    if (der.empty()) {
        s.null(4);
    } else {
        s.blob(4, der);
    }
    if (!s.done()) return Error{"certificate link: " + s.error()};
    return true;
}

Result<std::optional<std::int64_t>> SimDb::person_for_certificate(const std::string& issuer,
                                                                  const std::string& serial_hex) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "SELECT person_id FROM certificate_links WHERE issuer=?1 AND serial_hex=?2");
    s.text(1, issuer).text(2, normal_serial(serial_hex));
    if (s.row()) return std::optional<std::int64_t>(s.col_int(0));
    return std::optional<std::int64_t>();
}

Result<std::optional<std::string>> SimDb::certificate_der(const std::string& issuer,
                                                          const std::string& serial_hex) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "SELECT der FROM certificate_links WHERE issuer=?1 AND serial_hex=?2 AND der IS NOT NULL");
    s.text(1, issuer).text(2, normal_serial(serial_hex));
    if (s.row()) return std::optional<std::string>(s.col_blob(0));
    return std::optional<std::string>();
}

Result<bool> SimDb::put_face_statement(const std::string& record_id, const std::string& kiosk_id,
                                       const std::string& statement_json, const std::string& signature) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT OR REPLACE INTO face_statements (record_id, kiosk_id, statement, signature) VALUES "
                "(?1,?2,?3,?4)");
    s.text(1, record_id).text(2, kiosk_id).text(3, statement_json).blob(4, signature);
    if (!s.done()) return Error{"face statement: " + s.error()};
    return true;
}

Result<std::optional<std::pair<std::string, std::string>>> SimDb::face_statement(
    const std::string& record_id, const std::string& kiosk_id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "SELECT statement, signature FROM face_statements WHERE record_id=?1 AND kiosk_id=?2");
    s.text(1, record_id).text(2, kiosk_id);
    if (s.row())
        return std::optional<std::pair<std::string, std::string>>(std::pair{s.col_text(0), s.col_blob(1)});
    return std::optional<std::pair<std::string, std::string>>();
}

// [SECTION] Shared information

Result<bool> SimDb::add_medication(std::int64_t person_id, const MedicationEntry& m) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT INTO medications (person_id, dispensed_on, drug, dose, days, pharmacy) VALUES "
                "(?1,?2,?3,?4,?5,?6)");
    s.int64(1, person_id)
        .text(2, m.dispensed_on)
        .text(3, m.drug)
        .text(4, m.dose)
        .int64(5, m.days)
        .text(6, m.pharmacy);
    if (!s.done()) return Error{"medication: " + s.error()};
    return true;
}

Result<std::vector<MedicationEntry>> SimDb::medications(std::int64_t person_id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "SELECT dispensed_on, drug, dose, days, pharmacy FROM medications WHERE person_id=?1 "
                "ORDER BY dispensed_on DESC, rowid");
    s.int64(1, person_id);
    std::vector<MedicationEntry> out;
    while (s.row())
        out.push_back(
            {s.col_text(0), s.col_text(1), s.col_text(2), static_cast<int>(s.col_int(3)), s.col_text(4)});
    return out;
}

Result<bool> SimDb::add_checkup(std::int64_t person_id, const CheckupEntry& c) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT INTO checkups (person_id, checked_on, item, value, unit) VALUES (?1,?2,?3,?4,?5)");
    s.int64(1, person_id).text(2, c.checked_on).text(3, c.item).text(4, c.value).text(5, c.unit);
    if (!s.done()) return Error{"checkup: " + s.error()};
    return true;
}

Result<std::vector<CheckupEntry>> SimDb::checkups(std::int64_t person_id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "SELECT checked_on, item, value, unit FROM checkups WHERE person_id=?1 ORDER BY checked_on "
                "DESC, rowid");
    s.int64(1, person_id);
    std::vector<CheckupEntry> out;
    while (s.row())
        out.push_back({s.col_text(0), s.col_text(1), s.col_text(2), s.col_text(3)});
    return out;
}

// [SECTION] Kiosk keys

Result<bool> SimDb::put_kiosk_key(const std::string& kiosk_id, const std::string& public_pem) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "INSERT OR REPLACE INTO kiosk_keys (kiosk_id, public_pem) VALUES (?1, ?2)");
    s.text(1, kiosk_id).text(2, public_pem);
    if (!s.done()) return Error{"kiosk key: " + s.error()};
    return true;
}

Result<std::optional<std::string>> SimDb::kiosk_key(const std::string& kiosk_id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "SELECT public_pem FROM kiosk_keys WHERE kiosk_id=?1");
    s.text(1, kiosk_id);
    if (s.row()) return std::optional<std::string>(s.col_text(0));
    return std::optional<std::string>();
}

// [SECTION] Challenges

Result<bool> SimDb::insert_challenge(const StoredChallenge& c) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT INTO challenges (id, kiosk_id, to_sign, issued_ms, expires_ms, used_ms) VALUES "
                "(?1,?2,?3,?4,?5,0)");
    s.text(1, c.id).text(2, c.kiosk_id).blob(3, c.to_sign).int64(4, c.issued_ms).int64(5, c.expires_ms);
    if (!s.done()) return Error{"challenge: " + s.error()};
    return true;
}

Result<std::optional<StoredChallenge>> SimDb::take_challenge(const std::string& id, std::int64_t now_ms) {
    std::lock_guard lock(mu_);
    if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return Error{r.error()};
    std::optional<StoredChallenge> out;
    {
        sql::Stmt s(
            db_, "SELECT id, kiosk_id, to_sign, issued_ms, expires_ms, used_ms FROM challenges WHERE id=?1");
        s.text(1, id);
        if (s.row()) {
            out = StoredChallenge{s.col_text(0), s.col_text(1), s.col_blob(2),
                                  s.col_int(3),  s.col_int(4),  s.col_int(5)};
        }
    }
    if (out && out->used_ms == 0) {
        sql::Stmt u(db_, "UPDATE challenges SET used_ms=?2 WHERE id=?1 AND used_ms=0");
        u.text(1, id).int64(2, now_ms);
        if (!u.done()) {
            db_.exec("ROLLBACK");
            return Error{"challenge: " + u.error()};
        }
    }
    if (auto r = db_.exec("COMMIT"); !r) {
        db_.exec("ROLLBACK");
        return Error{r.error()};
    }
    return out;
}

Result<int> SimDb::purge_challenges(std::int64_t older_than_ms) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_, "DELETE FROM challenges WHERE expires_ms < ?1");
    s.int64(1, older_than_ms);
    if (!s.done()) return Error{s.error()};
    return db_.changes();
}

// [SECTION] Confirmations

Result<bool> SimDb::put_confirmation(const StoredConfirmation& c) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "INSERT OR REPLACE INTO confirmations (record_id, person_id, kiosk_id, facility_type, "
                "status, reason, "
                "sharing_allowed, confirmed_ms, consents) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    s.text(1, c.record_id).int64(2, c.person_id).text(3, c.kiosk_id).text(4, to_string(c.facility_type));
    s.text(5, to_string(c.status)).text(6, to_string(c.reason)).int64(7, c.sharing_allowed ? 1 : 0);
    s.int64(8, c.confirmed_ms).text(9, encode_consents(c.consents));
    if (!s.done()) return Error{"confirmation: " + s.error()};
    return true;
}

Result<std::optional<StoredConfirmation>> SimDb::get_confirmation(const std::string& record_id) {
    std::lock_guard lock(mu_);
    sql::Stmt s(db_,
                "SELECT record_id, person_id, kiosk_id, facility_type, status, reason, sharing_allowed, "
                "confirmed_ms, "
                "consents FROM confirmations WHERE record_id=?1");
    s.text(1, record_id);
    if (!s.row()) return std::optional<StoredConfirmation>();
    StoredConfirmation c;
    c.record_id = s.col_text(0);
    c.person_id = s.col_int(1);
    c.kiosk_id = s.col_text(2);
    c.facility_type = parse_facility_type(s.col_text(3)).value_or(FacilityType::Clinic);
    c.status = parse_qualification_status(s.col_text(4)).value_or(QualificationStatus::Invalid);
    c.reason = parse_reason(s.col_text(5));
    c.sharing_allowed = s.col_int(6) != 0;
    c.confirmed_ms = s.col_int(7);
    c.consents = decode_consents(s.col_text(8));
    return std::optional<StoredConfirmation>(c);
}

}  // namespace uk::qualification
