#include "reception/qualification/simulator.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>

namespace uk::qualification {

namespace fs = std::filesystem;
using namespace std::chrono;

// [SECTION] Time renderings (Japan time, as the national system's files use it)

namespace {

std::tm jst_tm(WallTime t) {
    const std::time_t tt = system_clock::to_time_t(t + hours(9));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

// kind: 0 = yyyyMMddHHmmss, 1 = yyyyMMdd, 2 = YYYY-MM-DD
std::string fmt(WallTime t, int kind) {
    const std::tm tm = jst_tm(t);
    char buf[32];
    const int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
    if (kind == 0) {
        std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min,
                      tm.tm_sec);
    } else if (kind == 1) {
        std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, mo, tm.tm_mday);
    } else {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, tm.tm_mday);
    }
    return buf;
}

std::string compact_date(const std::string& iso) {  // YYYY-MM-DD -> yyyyMMdd
    std::string s;
    for (char c : iso)
        if (c != '-') s += c;
    return s;
}

std::int64_t to_ms(WallTime t) {
    return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

std::string uuid_v4() {
    const Bytes b = random_bytes(16);
    unsigned char raw[16];
    std::copy(b.begin(), b.end(), raw);
    return uuid_v4_from_bytes(raw);
}

}  // namespace

std::string jst_timestamp(WallTime t) {
    return fmt(t, 0);
}
std::string jst_date_compact(WallTime t) {
    return fmt(t, 1);
}
std::string jst_date_iso(WallTime t) {
    return fmt(t, 2);
}

// [SECTION] Rules

std::string grace_warning() {
    return "電子証明書の有効期限切れ（3か月以内）: 資格確認のみ、薬剤情報・特定健診情報等は共有されません / "
           "Certificate expired within three months: qualification only, no medication or checkup "
           "information "
           "shared";
}

Reason judge_qualification(const InsuredPerson& p, const std::string& today) {
    if (!p.lost_on.empty() && p.lost_on <= today) return Reason::QualificationLost;
    if (!p.valid_from.empty() && today < p.valid_from) return Reason::QualificationNotYetValid;
    if (!p.valid_until.empty() && p.valid_until < today) return Reason::QualificationExpired;
    return Reason::None;
}

SimulatorConfig default_simulator_config(const fs::path& dir) {
    SimulatorConfig c;
    c.database = dir / "insured.db";
    c.audit_log = dir / "audit.db";
    c.ca = dir / "jpki" / "auth-ca.pem";
    c.crl = dir / "jpki" / "auth-ca.crl";
    c.receipt_folder = dir / "receipt";
    return c;
}

xml::ResultMessage result_message(const InsuredPerson* person, Reason reason,
                                  const std::string& facility_code, const std::string& file_id,
                                  const std::vector<ConsentEntry>& consents, bool sharing_allowed,
                                  WallTime now, seconds consent_validity, const SimulatorConfig& cfg,
                                  xml::CharacterCode code) {
    xml::ResultMessage m;
    m.process_execution_time = jst_timestamp(now);
    m.qualification_confirmation_date = jst_date_compact(now);
    m.medical_institution_code = facility_code;
    m.arbitrary_file_identifier = file_id;
    m.character_code = code;
    m.layout = cfg.consent_layout;
    m.processing_result_status = "1";
    if (person == nullptr) {
        m.qualification_validity = "4";  // 該当資格なし
        m.processing_result_message = reason_line(reason);
        return m;
    }
    m.qualification_validity = reason == Reason::None ? "1" : "2";
    if (reason != Reason::None) m.processing_result_message = reason_line(reason);
    xml::QualificationResultXml r;
    r.insured_card_classification = person->card_classification;
    r.insurer_number = person->insurer_number;
    r.insured_card_symbol = person->card_symbol;
    r.insured_identification_number = person->card_number;
    r.insured_branch_number = person->branch_number;
    r.personal_family_classification = person->personal_family;
    r.name = person->name;
    r.name_kana = xml::to_halfwidth_kana(person->name_kana);
    r.sex1 = person->sex;
    r.birthdate = compact_date(person->birth_date);
    r.insured_card_valid_date = compact_date(person->valid_from);
    r.insured_card_expiration_date =
        compact_date(!person->lost_on.empty() ? person->lost_on : person->valid_until);
    char ratio[8];
    std::snprintf(ratio, sizeof ratio, "%03d", person->burden_percent);
    r.insured_partial_contribution_ratio = ratio;
    r.reason_of_loss = person->lost_on.empty() ? "" : person->loss_reason;
    r.insurer_name = person->insurer_name;
    if (person->limit) {
        r.limit_cons_flg = "1";
        r.limit =
            xml::LimitInfo{person->limit->classification, person->limit->category,
                           compact_date(person->limit->valid_from), compact_date(person->limit->valid_until)};
    } else {
        r.limit_cons_flg = "0";
    }
    for (ConsentItem item : xml::layout_items(cfg.consent_layout)) {
        bool agreed = false;
        for (const auto& c : consents)
            if (c.item == item && c.answer == ConsentAnswer::Agreed) agreed = true;
        if (agreed && sharing_allowed && reason == Reason::None) {
            r.consents[item] = {"1", jst_timestamp(now), jst_timestamp(now + consent_validity)};
        } else {
            r.consents[item] = {"0", "", ""};
        }
    }
    m.results.push_back(std::move(r));
    return m;
}

// [SECTION] Opening

Result<std::unique_ptr<SimulatedQualificationService>> SimulatedQualificationService::open(
    SimulatorConfig cfg, const Clock& clock) {
    std::unique_ptr<SimulatedQualificationService> s(
        new SimulatedQualificationService(std::move(cfg), clock));
    auto trust = TrustStore::load(s->cfg_.ca, s->cfg_.crl);
    if (!trust) return Error{"qualification simulator: " + trust.error()};
    s->trust_ = *trust;
    auto db = SimDb::open(s->cfg_.database);
    if (!db) return Error{"qualification simulator: " + db.error()};
    s->db_ = std::move(*db);
    auto audit = AuditLog::open(s->cfg_.audit_log);
    if (!audit) return Error{"qualification simulator: " + audit.error()};
    s->audit_ = std::move(*audit);
    return s;
}

// [SECTION] PIN challenge

Result<ChallengeTicket> SimulatedQualificationService::issue_challenge(const std::string& kiosk_id) {
    if (kiosk_id.empty()) return Error{"a challenge needs the kiosk id"};
    const WallTime now = clock_.wall_now();
    StoredChallenge c;
    c.id = uuid_v4();
    c.kiosk_id = kiosk_id;
    c.issued_ms = to_ms(now);
    c.expires_ms = to_ms(now + cfg_.challenge_ttl);
    // What the card signs names the challenge, the kiosk and the expiry, so a signature is useless anywhere
    // else.
    c.to_sign = "uketsuke-challenge/1\nid=" + c.id + "\nkiosk=" + kiosk_id +
                "\nexpires=" + format_rfc3339(now + cfg_.challenge_ttl) +
                "\nnonce=" + hex_encode(random_bytes(32)) + "\n";
    db_->purge_challenges(to_ms(now) - 3600 * 1000);
    if (auto r = db_->insert_challenge(c); !r) return Error{r.error()};
    return ChallengeTicket{c.id, base64_encode(c.to_sign), format_rfc3339(now + cfg_.challenge_ttl)};
}

// [SECTION] Confirmation

Reason SimulatedQualificationService::verify_identity(const ConfirmationRequest& r, const CertCheck& cert,
                                                      WallTime now) {
    switch (r.method) {
        case VerificationMethod::Pin: {
            auto taken = db_->take_challenge(r.challenge_id, to_ms(now));
            if (!taken || !taken->has_value()) return Reason::ChallengeUnknown;
            const StoredChallenge& c = **taken;
            if (c.used_ms != 0) return Reason::ChallengeReplayed;
            if (c.kiosk_id != r.kiosk_id) return Reason::ChallengeOtherKiosk;
            if (to_ms(now) > c.expires_ms) return Reason::ChallengeExpired;
            if (!verify_card_signature(r.certificate_der, c.to_sign, r.card_signature))
                return Reason::SignatureInvalid;
            return Reason::None;
        }
        case VerificationMethod::Face: {
            if (!r.face) return Reason::FaceStatementInvalid;
            auto key = db_->kiosk_key(r.kiosk_id);
            if (!key || !key->has_value()) return Reason::FaceStatementInvalid;
            const FaceStatement& f = *r.face;
            if (!verify_ed25519(**key, f.canonical(), r.face_signature)) return Reason::FaceStatementInvalid;
            if (f.kiosk_id != r.kiosk_id || f.record_id != r.record_id ||
                f.cert_serial_hex != cert.serial_hex || f.cert_issuer != cert.issuer)
                return Reason::FaceStatementInvalid;
            auto made = parse_rfc3339(f.made_at);
            if (!made || *made > now + seconds(60) || now - *made > cfg_.face_statement_ttl)
                return Reason::FaceStatementInvalid;
            if (!f.matched || !f.liveness_passed || !(f.distance <= f.threshold))
                return Reason::FaceNotMatched;
            return Reason::None;
        }
        case VerificationMethod::StaffVisual:
            return r.staff_id.empty() ? Reason::StaffNotRecorded : Reason::None;
    }
    return Reason::StaffNotRecorded;
}

Confirmation SimulatedQualificationService::confirm(const ConfirmationRequest& r) {
    const WallTime now = clock_.wall_now();
    Confirmation c;
    c.result.checked_at = format_rfc3339(now);
    auto finish = [&](Reason reason) {
        c.reason = reason;
        c.result.status = reason == Reason::None ? QualificationStatus::Valid : QualificationStatus::Invalid;
        c.result.reason = reason == Reason::None ? "" : reason_line(reason);
        if (reason != Reason::None) c.sharing_allowed = false;
    };

    const CertCheck cert = trust_->check(r.certificate_der, now, cfg_.certificate_grace);
    c.certificate = cert.status;
    if (r.certificate_der.empty()) {
        finish(Reason::CertificateUnknown);
    } else if (!cert.confirms_qualification()) {
        finish(cert.reason);
    } else if (Reason id = verify_identity(r, cert, now); id != Reason::None) {
        finish(id);
    } else {
        auto pid = db_->person_for_certificate(cert.issuer, cert.serial_hex);
        std::optional<InsuredPerson> person;
        if (pid && pid->has_value()) {
            auto p = db_->get_person(**pid);
            if (p && p->has_value()) person = **p;
        }
        if (!person) {
            finish(Reason::PersonUnknown);
        } else {
            c.person = person;
            c.sharing_allowed = cert.status == CertStatus::Valid;
            if (cert.status == CertStatus::ExpiredInGrace) c.warnings.push_back(grace_warning());
            finish(judge_qualification(*person, jst_date_iso(now)));
            // A valid confirmation carries the warning in the record's reason, so staff see it on the
            // monitor.
            if (c.result.status == QualificationStatus::Valid && !c.warnings.empty())
                c.result.reason = c.warnings[0];
        }
    }

    // Consents the facility never offers are not kept, whatever the kiosk sent.
    std::vector<ConsentEntry> kept;
    for (const auto& e : r.consents)
        if (consent_offer(r.facility.type, e.item) != ConsentOffer::Never) kept.push_back(e);

    StoredConfirmation sc;
    sc.record_id = r.record_id;
    sc.person_id = c.person ? c.person->id : 0;
    sc.kiosk_id = r.kiosk_id;
    sc.facility_type = r.facility.type;
    sc.status = c.result.status;
    sc.reason = c.reason;
    sc.sharing_allowed = c.sharing_allowed;
    sc.confirmed_ms = to_ms(now);
    sc.consents = kept;
    if (auto w = db_->put_confirmation(sc); !w)
        c.warnings.push_back("確認結果を保存できません / " + w.error());

    audit_->append("kiosk:" + r.kiosk_id, "kiosk", "qualification.confirm", r.record_id,
                   std::string(to_string(r.method)) + " " + std::string(to_string(c.result.status)) + " " +
                       std::string(to_string(c.reason)) + " cert=" + std::string(to_string(cert.status)),
                   now);

    // The レセコン file: whenever the identity was proven (a person found or not).
    const bool identity_proven = cert.confirms_qualification() && c.reason != Reason::CertificateMalformed &&
                                 (c.person.has_value() || c.reason == Reason::PersonUnknown);
    if (identity_proven && !cfg_.receipt_folder.empty()) write_face_file(r, c, now);
    (void)kept;
    return c;
}

void SimulatedQualificationService::write_face_file(const ConfirmationRequest& r, Confirmation& c,
                                                    WallTime now) {
    std::vector<ConsentEntry> kept;
    for (const auto& e : r.consents)
        if (consent_offer(r.facility.type, e.item) != ConsentOffer::Never) kept.push_back(e);
    const xml::ResultMessage m =
        result_message(c.person ? &*c.person : nullptr, c.reason, r.facility.code, r.record_id, kept,
                       c.sharing_allowed, now, cfg_.consent_validity, cfg_, cfg_.character_code);
    auto bytes = xml::write_result(m);
    if (!bytes) {
        c.xml_error =
            "レセコン用ファイルを作成できません / cannot make the receipt-computer file: " + bytes.error();
        return;
    }
    auto path = xml::write_atomically(cfg_.receipt_folder / "face", xml::face_file_name(m), *bytes);
    if (!path) {
        c.xml_error =
            "レセコン用ファイルを書き込めません / cannot write the receipt-computer file: " + path.error();
        return;
    }
    c.xml_file = *path;
}

// [SECTION] Viewer

Result<ViewResult> SimulatedQualificationService::view(const ViewRequest& q) {
    const WallTime now = clock_.wall_now();
    ViewResult v;
    auto refuse = [&](const char* code, const std::string& line) {
        v.granted = false;
        v.refusal_code = code;
        v.refusal = line;
    };
    std::optional<StoredConfirmation> conf;
    if (auto g = db_->get_confirmation(q.record_id); g) conf = *g;

    if (q.role != StaffRole::Doctor && q.role != StaffRole::Pharmacist) {
        refuse("role", "医師・薬剤師のみ閲覧できます / Only doctors and pharmacists may view this");
    } else if (!conf) {
        refuse("not_confirmed",
               "資格確認の記録がありません / This check-in has no qualification confirmation");
    } else if (conf->status != QualificationStatus::Valid) {
        refuse("not_valid", "資格確認ができていません / The qualification was not confirmed");
    } else if (!conf->sharing_allowed) {
        refuse("certificate_expired",
               "電子証明書の有効期限切れのため情報は共有されません / The certificate has expired: no "
               "information "
               "is shared");
    } else if (consent_offer(conf->facility_type, q.item) == ConsentOffer::Never) {
        refuse("not_at_facility",
               "この施設では閲覧できない情報です / This information is not available at this "
               "type of facility");
    } else if (std::none_of(conf->consents.begin(), conf->consents.end(), [&](const ConsentEntry& e) {
                   return e.item == q.item && e.answer == ConsentAnswer::Agreed;
               })) {
        refuse("no_consent", "患者の同意がありません / The patient did not consent");
    } else if (to_ms(now) - conf->confirmed_ms > duration_cast<milliseconds>(cfg_.consent_validity).count()) {
        refuse("consent_expired",
               "同意の有効期限（24時間）が過ぎています / The consent (24 hours) has expired");
    } else {
        v.granted = true;
    }

    // The audit entry comes first: nothing is shown unless it is written.
    const std::string action = std::string("view.") + std::string(to_string(q.item));
    const std::string detail = v.granted ? "granted" : "refused: " + v.refusal_code;
    auto entry = audit_->append(q.viewer, std::string(to_string(q.role)), action, q.record_id, detail, now);
    if (!entry) return Error{"閲覧を監査ログに記録できないため表示しません / not shown: " + entry.error()};
    v.audit_seq = entry->seq;
    if (!v.granted) return v;

    if (auto p = db_->get_person(conf->person_id); p && p->has_value()) v.person_name = (*p)->name;
    if (q.item == ConsentItem::Medication) {
        auto m = db_->medications(conf->person_id);
        if (!m) return Error{m.error()};
        v.medications = std::move(*m);
    } else if (q.item == ConsentItem::HealthCheckup) {
        auto k = db_->checkups(conf->person_id);
        if (!k) return Error{k.error()};
        v.checkups = std::move(*k);
    }
    return v;
}

// [SECTION] レセコン requests (req/ -> res/)

Result<int> SimulatedQualificationService::process_requests() {
    if (cfg_.receipt_folder.empty()) return 0;
    const fs::path req = cfg_.receipt_folder / "req";
    std::error_code ec;
    if (!fs::exists(req, ec)) return 0;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(req, ec))
        if (e.is_regular_file() && e.path().extension() == ".xml" && e.path().filename().string()[0] != '.')
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    int answered = 0;
    const WallTime now = clock_.wall_now();
    auto persons = db_->list_persons();
    if (!persons) return Error{persons.error()};
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        auto rq = xml::parse_request(bytes);
        if (!rq) {
            fs::create_directories(req / "error", ec);
            fs::rename(f, req / "error" / f.filename(), ec);
            audit_->append("receipt", "system", "request.rejected", f.filename().string(), rq.error(), now);
            continue;
        }
        const InsuredPerson* match = nullptr;
        for (const auto& p : *persons) {
            if (p.insurer_number == rq->insurer_number &&
                p.card_number == rq->insured_identification_number &&
                (rq->insured_card_symbol.empty() || p.card_symbol == rq->insured_card_symbol) &&
                (rq->insured_branch_number.empty() || p.branch_number == rq->insured_branch_number) &&
                compact_date(p.birth_date) == rq->birthdate)
                match = &p;
        }
        const Reason reason = match ? judge_qualification(*match, jst_date_iso(now)) : Reason::PersonUnknown;
        xml::ResultMessage m =
            result_message(match, reason, rq->medical_institution_code, rq->arbitrary_file_identifier, {},
                           false, now, cfg_.consent_validity, cfg_, rq->character_code);
        m.reference_classification = "2";
        if (match && rq->limit_cons_flg != "1") {  // the patient did not agree to share the limit certificate
            m.results[0].limit_cons_flg = "0";
            m.results[0].limit.reset();
        }
        auto out = xml::write_result(m);
        if (!out) return Error{f.string() + ": " + out.error()};
        auto w = xml::write_atomically(cfg_.receipt_folder / "res", f.filename().string(), *out);
        if (!w) return Error{w.error()};
        fs::remove(f, ec);
        ++answered;
    }
    return answered;
}

}  // namespace uk::qualification
