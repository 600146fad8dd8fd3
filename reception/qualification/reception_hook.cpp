#include "reception/qualification/reception_hook.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "reception/qualification/web_assets.h"
#include "reception/server/http_json.h"

namespace uk::qualification {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using reception::reply;  // reception/server/http_json.h
using reception::reply_error;

std::optional<json> parse_body(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
        reply_error(res, 415, "send application/json");
        return std::nullopt;
    }
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        reply_error(res, 400, "malformed JSON: expected an object");
        return std::nullopt;
    }
    return j;
}

// A face statement from JSON: every field required, no others.
Result<FaceStatement> statement_from_json(const json& j) {
    static const char* kFields[] = {"kiosk_id",        "record_id",          "cert_serial_hex", "cert_issuer",
                                    "distance",        "threshold",          "model",           "matched",
                                    "liveness_passed", "liveness_challenge", "made_at"};
    if (!j.is_object()) return Error{"statement: expected an object"};
    for (const auto& [k, v] : j.items()) {
        bool known = false;
        for (const char* f : kFields)
            known = known || k == f;
        if (!known) return Error{"statement." + k + ": unknown field"};
    }
    FaceStatement f;
    try {
        f.kiosk_id = j.at("kiosk_id").get<std::string>();
        f.record_id = j.at("record_id").get<std::string>();
        f.cert_serial_hex = j.at("cert_serial_hex").get<std::string>();
        f.cert_issuer = j.at("cert_issuer").get<std::string>();
        f.distance = j.at("distance").get<double>();
        f.threshold = j.at("threshold").get<double>();
        f.model = j.at("model").get<std::string>();
        f.matched = j.at("matched").get<bool>();
        f.liveness_passed = j.at("liveness_passed").get<bool>();
        f.liveness_challenge = j.at("liveness_challenge").get<std::string>();
        f.made_at = j.at("made_at").get<std::string>();
    } catch (const json::exception& e) {
        return Error{std::string("statement: ") + e.what()};
    }
    return f;
}

}  // namespace

json insured_person_json(const InsuredPerson& p) {
    json j = {{"insurer_number", p.insurer_number},
              {"insurer_name", p.insurer_name},
              {"card_symbol", p.card_symbol},
              {"card_number", p.card_number},
              {"branch_number", p.branch_number},
              {"personal_family", p.personal_family},
              {"name", p.name},
              {"name_kana", p.name_kana},
              {"sex", p.sex},
              {"birth_date", p.birth_date},
              {"burden_percent", p.burden_percent},
              {"valid_from", p.valid_from},
              {"valid_until", p.valid_until},
              {"lost_on", p.lost_on},
              {"loss_reason", p.loss_reason}};
    if (p.limit)
        j["limit"] = {{"classification", p.limit->classification},
                      {"category", p.limit->category},
                      {"valid_from", p.limit->valid_from},
                      {"valid_until", p.limit->valid_until}};
    return j;
}

fs::path ReceptionQualification::folder(const fs::path& reception_data_dir) {
    return reception_data_dir / "qualification";
}

Result<std::unique_ptr<ReceptionQualification>> ReceptionQualification::open(
    const fs::path& reception_data_dir, const Clock& clock) {
    const fs::path dir = folder(reception_data_dir);
    SimulatorConfig cfg = default_simulator_config(dir);
    std::error_code ec;
    if (!fs::exists(cfg.ca, ec))
        return Error{"qualification simulator not set up in " + dir.string() +
                     " (run `uketsuke-qualification --data " + dir.string() +
                     " seed --pki PKI_DIR`); check-ins stay pending"};
    auto svc = SimulatedQualificationService::open(cfg, clock);
    if (!svc) return Error{svc.error()};
    return std::unique_ptr<ReceptionQualification>(new ReceptionQualification(std::move(*svc)));
}

std::string ReceptionQualification::fill(CheckinRecord& rec) {
    SimDb& db = svc_->db();
    // Idempotent per record: the first confirmation stands.
    if (auto prior = db.get_confirmation(rec.record_id);
        prior && prior->has_value() && (*prior)->kiosk_id == rec.kiosk_id) {
        const StoredConfirmation& p = **prior;
        rec.qualification.status = p.status;
        rec.qualification.checked_at = format_rfc3339(WallTime(std::chrono::milliseconds(p.confirmed_ms)));
        rec.qualification.reason = p.status == QualificationStatus::Valid
                                       ? (p.sharing_allowed ? "" : grace_warning())
                                       : reason_line(p.reason);
        return p.status == QualificationStatus::Valid ? "confirmed" : "see_staff";
    }
    ConfirmationRequest q;
    q.record_id = rec.record_id;
    q.kiosk_id = rec.kiosk_id;
    q.facility.code = rec.facility_code;
    q.facility.type = rec.facility_type;
    q.method = rec.verification.method;
    q.consents = rec.consents;
    if (rec.certificate) {
        if (auto der = db.certificate_der(rec.certificate->issuer, rec.certificate->serial_hex);
            der && der->has_value())
            q.certificate_der = **der;
    }
    if (const auto& pin = rec.verification.pin) {
        q.challenge_id = pin->challenge_id;
        q.card_signature = base64_decode(pin->signature).value_or("");
    }
    if (rec.verification.face) {
        if (auto st = db.face_statement(rec.record_id, rec.kiosk_id); st && st->has_value()) {
            json j = json::parse((*st)->first, nullptr, false);
            if (auto f = statement_from_json(j); f) {
                q.face = *f;
                q.face_signature = (*st)->second;
            }
        }
    }
    if (const auto& staff = rec.verification.staff) q.staff_id = staff->staff_id;
    Confirmation c = svc_->confirm(q);
    rec.qualification = c.result;
    return std::string(c.kiosk_message());
}

void ReceptionQualification::register_routes(httplib::Server& s, RouteAuth auth) {
    // The viewer page: static, no data in it (the data come from the staff-authenticated routes below).
    s.Get("/qualification/viewer", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kViewerHtml, "text/html; charset=utf-8");
    });
    s.Get("/qualification/viewer.js", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kViewerJs, "text/javascript; charset=utf-8");
    });
    s.Get("/qualification/viewer.css", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kViewerCss, "text/css; charset=utf-8");
    });

    s.Post("/api/v1/qualification/challenges", [this, auth](const httplib::Request& req,
                                                            httplib::Response& res) {
        auto kiosk = auth.kiosk(req, res);
        if (!kiosk) return;
        auto t = svc_->issue_challenge(*kiosk);
        if (!t) return reply_error(res, 503, t.error());
        reply(
            res, 201,
            {{"challenge_id", t->challenge_id}, {"to_sign", t->to_sign_b64}, {"expires_at", t->expires_at}});
    });

    s.Post("/api/v1/qualification/face-statements", [this, auth](const httplib::Request& req,
                                                                 httplib::Response& res) {
        auto kiosk = auth.kiosk(req, res);
        if (!kiosk) return;
        auto body = parse_body(req, res);
        if (!body) return;
        if (!body->contains("statement") || !body->contains("signature") || !(*body)["signature"].is_string())
            return reply_error(res, 400, "statement and signature (base64) are required");
        auto f = statement_from_json((*body)["statement"]);
        if (!f) return reply_error(res, 400, f.error());
        if (f->kiosk_id != *kiosk)
            return reply_error(res, 403,
                               "statement.kiosk_id does not match the kiosk these credentials belong to");
        auto sig = base64_decode((*body)["signature"].get<std::string>());
        if (!sig) return reply_error(res, 400, "signature: not base64");
        auto w = svc_->db().put_face_statement(f->record_id, *kiosk, to_json(*f).dump(), *sig);
        if (!w) return reply_error(res, 503, w.error());
        reply(res, 201, {{"record_id", f->record_id}, {"result", "stored"}});
    });

    s.Get(R"(/api/v1/qualification/entries/([0-9a-f-]{36}))", [this, auth](const httplib::Request& req,
                                                                           httplib::Response& res) {
        auto who = auth.staff(req, res, false);
        if (!who) return;
        auto c = svc_->db().get_confirmation(req.matches[1]);
        if (!c) return reply_error(res, 503, c.error());
        if (!c->has_value()) return reply_error(res, 404, "no qualification confirmation for this check-in");
        const StoredConfirmation& sc = **c;
        json out = {
            {"record_id", sc.record_id},
            {"status", to_string(sc.status)},
            {"reason_code", to_string(sc.reason)},
            {"reason", sc.status == QualificationStatus::Valid ? (sc.sharing_allowed ? "" : grace_warning())
                                                               : reason_line(sc.reason)},
            {"sharing_allowed", sc.sharing_allowed},
            {"checked_at", format_rfc3339(WallTime(std::chrono::milliseconds(sc.confirmed_ms)))}};
        if (sc.person_id != 0) {
            if (auto p = svc_->db().get_person(sc.person_id); p && p->has_value())
                out["insured"] = insured_person_json(**p);
        }
        reply(res, 200, out);
    });

    s.Get(R"(/api/v1/qualification/entries/([0-9a-f-]{36})/([a-z_]+))",
          [this, auth](const httplib::Request& req, httplib::Response& res) {
              auto who = auth.staff(req, res, false);
              if (!who) return;
              auto item = parse_consent_item(req.matches[2].str());
              if (!item) return reply_error(res, 404, "unknown information item " + req.matches[2].str());
              auto role = parse_staff_role(who->second).value_or(StaffRole::Clerk);
              auto v = svc_->view({req.matches[1], who->first, role, *item});
              if (!v) return reply_error(res, 503, v.error());
              if (!v->granted)
                  return reply(res, 403, {{"error", v->refusal}, {"code", v->refusal_code}, {"status", 403}});
              json out = {{"item", to_string(*item)},
                          {"person", v->person_name},
                          {"medications", json::array()},
                          {"checkups", json::array()}};
              for (const auto& m : v->medications)
                  out["medications"].push_back({{"dispensed_on", m.dispensed_on},
                                                {"drug", m.drug},
                                                {"dose", m.dose},
                                                {"days", m.days},
                                                {"pharmacy", m.pharmacy}});
              for (const auto& k : v->checkups)
                  out["checkups"].push_back(
                      {{"checked_on", k.checked_on}, {"item", k.item}, {"value", k.value}, {"unit", k.unit}});
              res.set_header("Cache-Control", "no-store");
              reply(res, 200, out);
          });

    s.Get("/api/v1/qualification/audit", [this, auth](const httplib::Request& req, httplib::Response& res) {
        auto who = auth.staff(req, res, false);
        if (!who) return;
        if (who->second != "admin") return reply_error(res, 403, "administrators only");
        auto v = svc_->audit().verify();
        auto es = svc_->audit().entries({}, 100);
        if (!v || !es) return reply_error(res, 503, !v ? v.error() : es.error());
        json out = {{"ok", v->ok},
                    {"entries", v->entries},
                    {"head", v->head},
                    {"message", v->message},
                    {"last", json::array()}};
        for (const auto& e : *es)
            out["last"].push_back({{"seq", e.seq},
                                   {"at", e.at},
                                   {"actor", e.actor},
                                   {"role", e.role},
                                   {"action", e.action},
                                   {"subject", e.subject},
                                   {"detail", e.detail}});
        reply(res, 200, out);
    });
}

Result<bool> ReceptionQualification::register_kiosk_key(const std::string& kiosk_id,
                                                        const std::string& public_pem,
                                                        const std::string& actor, WallTime now) {
    if (public_pem.find("BEGIN PUBLIC KEY") == std::string::npos)
        return Error{"not an Ed25519 public key (PEM)"};
    if (auto r = svc_->db().put_kiosk_key(kiosk_id, public_pem); !r) return r;
    auto a = svc_->audit().append(actor, "kiosk", "kiosk.key", "kiosk:" + kiosk_id,
                                  "statement key registered", now);
    if (!a) return Error{a.error()};
    return true;
}

}  // namespace uk::qualification
