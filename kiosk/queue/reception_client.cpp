#include "kiosk/queue/reception_client.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

namespace uk {
namespace {

using nlohmann::json;

Error failure(const char* what, const HttpReply& r) {
    if (r.status == 0) return Error{std::string(what) + ": reception not reachable: " + r.error};
    auto j = json::parse(r.body, nullptr, false);
    std::string msg = j.is_object() && j.contains("error") && j["error"].is_string()
                          ? j["error"].get<std::string>()
                          : r.body.substr(0, 200);
    return Error{std::string(what) + ": HTTP " + std::to_string(r.status) + ": " + msg};
}

Result<VisualCheckStatus> read_status(const HttpReply& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("state") || !j["state"].is_string())
        return Error{"visual check: the reception's answer has no state"};
    std::string st = j["state"].get<std::string>();
    VisualCheckStatus s;
    if (st == "pending")
        s.answer = VisualCheckAnswer::Pending;
    else if (st == "confirmed")
        s.answer = VisualCheckAnswer::Confirmed;
    else if (st == "rejected")
        s.answer = VisualCheckAnswer::Rejected;
    else
        return Error{"visual check: unknown state \"" + st + "\""};
    if (j.contains("staff") && j["staff"].is_string()) s.staff_id = j["staff"].get<std::string>();
    return s;
}

}  // namespace

Result<bool> ReceptionClient::send_heartbeat(const KioskHealth& h) {
    json body{
        {"reader", h.reader}, {"camera", h.camera}, {"outbox_depth", h.outbox_depth}, {"version", h.version}};
    HttpReply r = t_.post_json("/api/v1/kiosk/heartbeat", body.dump());
    if (r.status != 204) return failure("heartbeat", r);
    return true;
}

Result<bool> ReceptionClient::raise_alert(const std::string& kind, const std::string& message) {
    HttpReply r = t_.post_json("/api/v1/kiosk/alerts", json{{"kind", kind}, {"message", message}}.dump());
    if (r.status != 201) return failure("alert", r);
    return true;
}

Result<VisualCheckStatus> ReceptionClient::request_visual_check(const std::string& id, int ticket) {
    HttpReply r = t_.post_json("/api/v1/visual-checks", json{{"id", id}, {"kiosk_ticket", ticket}}.dump());
    if (r.status != 201 && r.status != 200) return failure("visual check", r);
    return read_status(r);
}

Result<VisualCheckStatus> ReceptionClient::poll_visual_check(const std::string& id) {
    HttpReply r = t_.get("/api/v1/visual-checks/" + id);
    if (r.status != 200) return failure("visual check", r);
    return read_status(r);
}

Result<IssuedChallenge> ReceptionClient::request_challenge() {
    HttpReply r = t_.post_json("/api/v1/qualification/challenges", "{}");
    if (r.status != 201 && r.status != 200) return failure("challenge", r);
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("challenge_id") || !j["challenge_id"].is_string() ||
        !j.contains("to_sign") || !j["to_sign"].is_string())
        return Error{"challenge: the reception's answer has no challenge_id / to_sign"};
    std::string b64 = j["to_sign"].get<std::string>();
    if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 4096)
        return Error{"challenge: to_sign is not base64"};
    std::vector<std::uint8_t> out(b64.size() / 4 * 3);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                            static_cast<int>(b64.size()));
    if (n < 0) return Error{"challenge: to_sign is not base64"};
    std::size_t pad = (b64.end()[-1] == '=') + (b64.end()[-2] == '=');  // EVP_DecodeBlock keeps padding zeros
    out.resize(static_cast<std::size_t>(n) - pad);
    return IssuedChallenge{j["challenge_id"].get<std::string>(), std::move(out)};
}

Result<std::string> signed_face_statement_body(const FaceStatement& f, const KioskKey& key) {
    auto sig = key.sign(f.canonical());
    if (!sig) return Error{"face statement: " + sig.error()};
    std::string b64(4 * ((sig->size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sig->data(),
                            static_cast<int>(sig->size()));
    b64.resize(static_cast<std::size_t>(n));
    return json{{"statement", to_json(f)}, {"signature", b64}}.dump();
}

Result<bool> ReceptionClient::post_face_statement(const FaceStatement& f, const KioskKey& key) {
    auto body = signed_face_statement_body(f, key);
    if (!body) return Error{body.error()};
    HttpReply r = t_.post_json("/api/v1/qualification/face-statements", *body);
    if (r.status != 201) return failure("face statement", r);
    return true;
}

}  // namespace uk
