// The reception's kiosk API (docs/api.md): enrolment, check-ins, heartbeats, alerts and visual-check
// requests.
#include <openssl/pem.h>

#include <chrono>

#include "kiosk/queue/enrolment_proof.h"
#include "reception/server/service_internal.h"

namespace uk::reception {

using nlohmann::json;
using namespace detail;

namespace {

bool is_ed25519_public_pem(const std::string& pem) {
    std::unique_ptr<BIO, int (*)(BIO*)> b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                          &BIO_free);
    if (!b) return false;
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> k(PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr),
                                                     &EVP_PKEY_free);
    return k && EVP_PKEY_is_a(k.get(), "ED25519");
}

bool valid_kiosk_id(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

void reply_refusal(httplib::Response& res, int status, const char* reason, const std::string& message) {
    reply(res, status, json{{"error", message}, {"status", status}, {"reason", reason}});
}

}  // namespace

// [SECTION] Kiosk API

// The kiosk id for a valid bearer token, or nullopt after writing the 401.
std::optional<std::string> ReceptionService::Impl::kiosk_auth(const httplib::Request& req,
                                                              httplib::Response& res) {
    std::string h = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (h.size() <= kBearer.size() || h.compare(0, kBearer.size(), kBearer) != 0) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"uketsuke\"");
        reply_error(res, 401, "missing kiosk credentials: send Authorization: Bearer <kiosk token>");
        return std::nullopt;
    }
    auto kiosk = store.kiosk_for_token_hash(sha256_hex(std::string_view(h).substr(kBearer.size())));
    if (!kiosk) {
        reply_error(res, 503, kiosk.error());
        return std::nullopt;
    }
    if (!kiosk->has_value()) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"uketsuke\", error=\"invalid_token\"");
        reply_error(res, 401,
                    "unknown kiosk token: enrol the kiosk again (`uketsuke-reception kiosk invite "
                    "KIOSK_ID`, then the "
                    "kiosk's set-up screen)");
        return std::nullopt;
    }
    return **kiosk;
}

// POST /api/v1/kiosks/enrol (docs/api.md, docs/reception.md "Enrolling a kiosk from the kiosk").
void ReceptionService::Impl::enrol(const httplib::Request& req, httplib::Response& res) {
    namespace en = uk::enrolment;
    std::int64_t now = unix_ms(clock.wall_now());
    if (!enrol_guard.admit(req.remote_addr, now)) {
        res.set_header("Retry-After", "600");
        return reply_refusal(res, 429, "rate_limited",
                             "too many enrolment attempts from this address: wait 10 minutes");
    }
    if (!require_json(req, res)) return;
    auto j = BodyReader::parse(req.body);
    if (!j) return reply_refusal(res, 400, "bad_request", j.error());
    if (auto ok = BodyReader::only(*j, {"kiosk_id", "code_proof", "channel_proof", "face_public_key"}); !ok)
        return reply_refusal(res, 400, "bad_request", ok.error());
    auto kiosk_id = BodyReader::string(*j, "kiosk_id", 64);
    if (!kiosk_id) return reply_refusal(res, 400, "bad_request", kiosk_id.error());
    if (!valid_kiosk_id(*kiosk_id))
        return reply_refusal(res, 400, "bad_request", "kiosk_id: use 1..64 letters, digits, '-', '_' or '.'");
    auto code_proof = BodyReader::string(*j, "code_proof", 64);
    if (!code_proof) return reply_refusal(res, 400, "bad_request", code_proof.error());
    auto channel_proof = BodyReader::string(*j, "channel_proof", 64);
    if (!channel_proof) return reply_refusal(res, 400, "bad_request", channel_proof.error());
    auto face_key = BodyReader::string(*j, "face_public_key", 2048);
    if (!face_key) return reply_refusal(res, 400, "bad_request", face_key.error());
    if (!is_ed25519_public_pem(*face_key))
        return reply_refusal(res, 400, "bad_request",
                             "face_public_key: expected an Ed25519 public key (PEM)");
    if (cert_der.empty())
        return reply_refusal(res, 500, "server_error", "the reception cannot read its own certificate");

    auto invites = store.list_enrolment_invites();
    if (!invites) return reply_refusal(res, 503, "server_error", invites.error());
    const EnrolmentInvite* match = nullptr;
    std::optional<en::Key> key;
    bool has_invite = false;
    for (const auto& inv : *invites) {
        has_invite = has_invite || inv.kiosk_id == *kiosk_id;
        auto k = en::key_from_hex(inv.key_hex);
        if (k && en::proof_equal(en::code_proof(*k, *kiosk_id), *code_proof)) {
            match = &inv;
            key = *k;
            break;
        }
    }
    if (!match) {
        if (!has_invite)
            return reply_refusal(res, 403, "no_invite",
                                 "no enrolment code was made for kiosk \"" + *kiosk_id +
                                     "\": run `uketsuke-reception kiosk invite " + *kiosk_id + "`");
        auto n = store.count_enrolment_failure(*kiosk_id);
        return reply_refusal(res, 403, "wrong_code",
                             "wrong enrolment code for kiosk \"" + *kiosk_id + "\" (" +
                                 std::to_string(n ? *n : 0) + " of 5 tries; then make a new code)");
    }
    if (match->kiosk_id != *kiosk_id)
        return reply_refusal(res, 403, "kiosk_id_mismatch",
                             "this code was made for kiosk \"" + match->kiosk_id + "\", not \"" + *kiosk_id +
                                 "\": type the kiosk id the code was made for");
    if (match->used_ms != 0)
        return reply_refusal(res, 410, "used_code",
                             "this enrolment code was already used: make a new one with `uketsuke-reception "
                             "kiosk invite " +
                                 *kiosk_id + "`");
    if (match->failures >= 5)
        return reply_refusal(res, 410, "too_many_tries",
                             "this code is void after 5 wrong tries: make a new one with `uketsuke-reception "
                             "kiosk invite " +
                                 *kiosk_id + "`");
    if (match->expires_ms <= now)
        return reply_refusal(res, 410, "expired_code",
                             "this enrolment code has expired: make a new one with `uketsuke-reception kiosk "
                             "invite " +
                                 *kiosk_id + "`");
    std::string key_hex = match->key_hex;
    if (!en::proof_equal(en::channel_proof(*key, *kiosk_id, cert_der, *face_key), *channel_proof)) {
        // The kiosk saw another certificate than ours: someone sits between them. The code is spent.
        (void)store.use_enrolment_invite(*kiosk_id, key_hex, now);
        return reply_refusal(res, 403, "certificate_mismatch",
                             "the kiosk saw a different TLS certificate than the reception's (fingerprint " +
                                 en::fingerprint_of_der(cert_der) +
                                 "): possible interception; the code is void, check the network and make a "
                                 "new code");
    }
    auto used = store.use_enrolment_invite(*kiosk_id, key_hex, now);
    if (!used) return reply_refusal(res, 503, "server_error", used.error());
    if (!*used)
        return reply_refusal(res, 410, "used_code", "this enrolment code was already used: make a new one");
    std::string face_status = "not_registered";
    if (extension.register_kiosk_key) {
        auto r = extension.register_kiosk_key(*kiosk_id, *face_key);
        if (!r)
            return reply_refusal(res, 500, "server_error",
                                 "cannot register the kiosk's face-statement key (" + r.error() +
                                     "); the code is used up: make a new one");
        face_status = "registered";
    }
    std::string token = "ukk_" + random_token(32);
    auto put = store.put_kiosk(*kiosk_id, sha256_hex(token), clock.wall_now());
    if (!put) return reply_refusal(res, 503, "server_error", put.error() + "; make a new code");
    reply(res, 201,
          {{"kiosk_id", *kiosk_id},
           {"token", token},
           {"answer_proof", en::answer_proof(*key, cert_der, *kiosk_id, token)},
           {"face_key", face_status},
           {"certificate_fingerprint", en::fingerprint_of_der(cert_der)}});
    wipe(token);
}

void ReceptionService::Impl::kiosk_routes() {
    auto& s = *server;
    s.Post("/api/v1/kiosks/enrol",
           [this](const httplib::Request& req, httplib::Response& res) { enrol(req, res); });
    s.Post("/api/v1/checkins", [this](const httplib::Request& req, httplib::Response& res) {
        auto started = std::chrono::steady_clock::now();
        auto kiosk = kiosk_auth(req, res);
        if (!kiosk) return;
        if (!require_json(req, res)) return;
        if (auto bad = first_invalid_utf8(req.body); bad != std::string_view::npos)
            return reply_error(res, 400, "body is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        auto rec = parse_checkin_record(req.body);
        if (!rec) return reply_error(res, 400, rec.error());
        if (rec->kiosk_id != *kiosk)
            return reply_error(
                res, 403,
                "kiosk_id: \"" + rec->kiosk_id + "\" does not match the kiosk these credentials belong to");
        if (rec->qualification.status != QualificationStatus::Pending)
            return reply_error(res, 400, "qualification.status: must be \"pending\"; the reception fills it");
        json answer{{"record_id", rec->record_id}};
        if (extension.fill_record) {
            std::lock_guard lock(fill_mu);
            answer["qualification"] = extension.fill_record(*rec);
        }
        std::string canonical = to_json_string(*rec);
        auto out = store.insert_checkin(*rec, canonical, *kiosk, clock.wall_now());
        if (!out) return reply_error(res, 503, out.error());
        switch (*out) {
            case InsertOutcome::Created:
                metrics.checkin_stored(*rec, std::chrono::duration_cast<std::chrono::microseconds>(
                                                 std::chrono::steady_clock::now() - started));
                answer["result"] = "created";
                return reply(res, 201, answer);
            case InsertOutcome::Duplicate:
                answer["result"] = "duplicate";
                return reply(res, 200, answer);
            case InsertOutcome::Conflict:
                return reply_error(
                    res, 409, "record_id: " + rec->record_id + " was already received with other content");
        }
    });

    s.Post("/api/v1/kiosk/heartbeat", [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_auth(req, res);
        if (!kiosk) return;
        if (!require_json(req, res)) return;
        auto j = BodyReader::parse(req.body);
        if (!j) return reply_error(res, 400, j.error());
        if (auto ok = BodyReader::only(*j, {"reader", "camera", "outbox_depth", "version"}); !ok)
            return reply_error(res, 400, ok.error());
        auto reader = BodyReader::string(*j, "reader", 16);
        if (!reader) return reply_error(res, 400, reader.error());
        if (!one_of(*reader, {"ok", "no_reader", "no_card_service", "error"}))
            return reply_error(res, 400, "reader: expected ok, no_reader, no_card_service or error");
        auto camera = BodyReader::string(*j, "camera", 16);
        if (!camera) return reply_error(res, 400, camera.error());
        if (!one_of(*camera, {"ok", "none", "error"}))
            return reply_error(res, 400, "camera: expected ok, none or error");
        auto depth = BodyReader::integer(*j, "outbox_depth", 0, 1000000000);
        if (!depth) return reply_error(res, 400, depth.error());
        auto version = BodyReader::string(*j, "version", 40, false);
        if (!version) return reply_error(res, 400, version.error());
        Heartbeat h{*kiosk, format_rfc3339(clock.wall_now()), *reader, *camera, *depth, *version};
        auto ok = store.put_heartbeat(h);
        if (!ok) return reply_error(res, 503, ok.error());
        metrics.heartbeat(*kiosk, *depth, *reader, *camera, clock.wall_now());
        res.status = 204;
    });

    s.Post("/api/v1/kiosk/alerts", [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_auth(req, res);
        if (!kiosk) return;
        if (!require_json(req, res)) return;
        auto j = BodyReader::parse(req.body);
        if (!j) return reply_error(res, 400, j.error());
        if (auto ok = BodyReader::only(*j, {"kind", "message"}); !ok)
            return reply_error(res, 400, ok.error());
        auto kind = BodyReader::string(*j, "kind", 32);
        if (!kind) return reply_error(res, 400, kind.error());
        if (!is_alert_kind(*kind))
            return reply_error(
                res, 400,
                "kind: expected staff_help, card_blocked, card_error, camera_lost, reader_lost or "
                "other");
        auto message = BodyReader::string(*j, "message", 500, false);
        if (!message) return reply_error(res, 400, message.error());
        auto a =
            store.add_alert(Alert{0, *kiosk, *kind, *message, format_rfc3339(clock.wall_now()), false, ""});
        if (!a) return reply_error(res, 503, a.error());
        reply(res, 201, alert_to_json(*a));
    });

    s.Post("/api/v1/visual-checks", [this](const httplib::Request& req, httplib::Response& res) {
        auto kiosk = kiosk_auth(req, res);
        if (!kiosk) return;
        if (!require_json(req, res)) return;
        auto j = BodyReader::parse(req.body);
        if (!j) return reply_error(res, 400, j.error());
        if (auto ok = BodyReader::only(*j, {"id", "kiosk_ticket"}); !ok)
            return reply_error(res, 400, ok.error());
        auto id = BodyReader::string(*j, "id", 36);
        if (!id) return reply_error(res, 400, id.error());
        if (!is_uuid(*id)) return reply_error(res, 400, "id: expected a lowercase UUID");
        auto ticket = BodyReader::integer(*j, "kiosk_ticket", 0, 9999);
        if (!ticket) return reply_error(res, 400, ticket.error());
        VisualCheck v{*id,
                      *kiosk,
                      static_cast<int>(*ticket),
                      format_rfc3339(clock.wall_now()),
                      VisualCheckState::Pending,
                      "",
                      ""};
        auto out = store.create_visual_check(v);
        if (!out) return reply_error(res, 409, out.error());
        reply(res, out->created_at == v.created_at ? 201 : 200, visual_check_to_json(*out));
    });

    s.Get(R"(/api/v1/visual-checks/([0-9a-f-]{36}))",
          [this](const httplib::Request& req, httplib::Response& res) {
              auto kiosk = kiosk_auth(req, res);
              if (!kiosk) return;
              auto v = store.get_visual_check(req.matches[1]);
              if (!v) return reply_error(res, 503, v.error());
              if (!v->has_value() || (*v)->kiosk_id != *kiosk)
                  return reply_error(res, 404,
                                     "no visual check " + std::string(req.matches[1]) + " for this kiosk");
              reply(res, 200, visual_check_to_json(**v));
          });
}

}  // namespace uk::reception
