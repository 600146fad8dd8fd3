// The qualification routes over real HTTP on loopback (cpp-httplib), with stand-in authentication: the
// reception service supplies the real kiosk / staff checks through RouteAuth.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "reception/qualification/reception_hook.h"
#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

using nlohmann::json;

class RoutesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        data_ = fs::temp_directory_path() / ("uk-qual-routes-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(data_);
        clock_.set_wall(day(2026, 11, 25) + hours(1));
        const SimulatorConfig cfg = default_simulator_config(ReceptionQualification::folder(data_));
        ASSERT_TRUE(install_trust_anchor(pki_dir(), cfg.ca, cfg.crl));
        {
            auto db = SimDb::open(cfg.database);
            ASSERT_TRUE(seed_from_pki(**db, pki_dir()));
        }
        auto h = ReceptionQualification::open(data_, clock_);
        ASSERT_TRUE(h) << h.error();
        hook_ = std::move(*h);
        RouteAuth auth;
        auth.kiosk = [](const httplib::Request& req, httplib::Response& res) -> std::optional<std::string> {
            std::string k = req.get_header_value("X-Test-Kiosk");
            if (k.empty()) {
                res.status = 401;
                return std::nullopt;
            }
            return k;
        };
        auth.staff = [](const httplib::Request& req, httplib::Response& res,
                        bool) -> std::optional<std::pair<std::string, std::string>> {
            std::string s = req.get_header_value("X-Test-Staff");
            auto colon = s.find(':');
            if (colon == std::string::npos) {
                res.status = 401;
                return std::nullopt;
            }
            return std::pair{s.substr(0, colon), s.substr(colon + 1)};
        };
        hook_->register_routes(server_, auth);
        port_ = server_.bind_to_any_port("127.0.0.1");
        ASSERT_GT(port_, 0);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    void TearDown() override {
        server_.stop();
        if (thread_.joinable()) thread_.join();
        hook_.reset();
        fs::remove_all(data_);
    }
    httplib::Client client() { return httplib::Client("127.0.0.1", port_); }

    fs::path data_;
    ManualClock clock_;
    std::unique_ptr<ReceptionQualification> hook_;
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
};

TEST_F(RoutesTest, PinCheckInThroughTheRoutesAndTheViewer) {
    auto c = client();
    auto r =
        c.Post("/api/v1/qualification/challenges", {{"X-Test-Kiosk", "kiosk-1"}}, "", "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    json t = json::parse(r->body);
    EXPECT_EQ(c.Post("/api/v1/qualification/challenges", "", "application/json")->status, 401);

    CheckinRecord rec;
    rec.record_id = "0b5e7d2a-8c1f-4a3e-9d6b-2f4a6c8e0a1b";
    rec.facility_code = "1310000001";
    rec.kiosk_id = "kiosk-1";
    rec.started_at = rec.completed_at = clock_.wall_now();
    rec.verification.method = VerificationMethod::Pin;
    const std::string to_sign = *base64_decode(t["to_sign"].get<std::string>());
    rec.verification.pin = PinEvidence{t["challenge_id"], base64_encode(sign_as("yamada-taro", to_sign))};
    rec.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed},
                    {ConsentItem::HealthCheckup, ConsentAnswer::Refused}};
    rec.certificate = *certificate_ref(cert_der("yamada-taro"));
    ASSERT_EQ(hook_->fill(rec), "confirmed");

    auto q = c.Get("/api/v1/qualification/entries/" + rec.record_id, {{"X-Test-Staff", "clerk-1:clerk"}});
    ASSERT_EQ(q->status, 200) << q->body;
    json qj = json::parse(q->body);
    EXPECT_EQ(qj["status"], "valid");
    EXPECT_EQ(qj["insured"]["insurer_number"], "01130012");
    EXPECT_EQ(qj["insured"]["name"], "山田 太郎");

    auto refused = c.Get("/api/v1/qualification/entries/" + rec.record_id + "/medication",
                         {{"X-Test-Staff", "clerk-1:clerk"}});
    EXPECT_EQ(refused->status, 403);
    EXPECT_EQ(json::parse(refused->body)["code"], "role");
    auto med = c.Get("/api/v1/qualification/entries/" + rec.record_id + "/medication",
                     {{"X-Test-Staff", "dr-ito:doctor"}});
    ASSERT_EQ(med->status, 200) << med->body;
    EXPECT_EQ(med->get_header_value("Cache-Control"), "no-store");
    EXPECT_EQ(json::parse(med->body)["medications"].size(), 3u);
    auto chk = c.Get("/api/v1/qualification/entries/" + rec.record_id + "/health_checkup",
                     {{"X-Test-Staff", "dr-ito:doctor"}});
    EXPECT_EQ(chk->status, 403);
    EXPECT_EQ(json::parse(chk->body)["code"], "no_consent");
    EXPECT_EQ(c.Get("/api/v1/qualification/entries/" + rec.record_id + "/nonsense",
                    {{"X-Test-Staff", "dr-ito:doctor"}})
                  ->status,
              404);

    auto audit = c.Get("/api/v1/qualification/audit", {{"X-Test-Staff", "boss:admin"}});
    ASSERT_EQ(audit->status, 200);
    json aj = json::parse(audit->body);
    EXPECT_TRUE(aj["ok"].get<bool>());
    int views = 0;
    for (const auto& e : aj["last"])
        if (e["action"].get<std::string>().rfind("view.", 0) == 0) ++views;
    EXPECT_EQ(views, 3);  // the refused, the granted and the refused checkup view
    EXPECT_EQ(c.Get("/api/v1/qualification/audit", {{"X-Test-Staff", "dr-ito:doctor"}})->status, 403);

    // The viewer page is served as shipped in reception/qualification/web/.
    auto page = c.Get("/qualification/viewer");
    ASSERT_EQ(page->status, 200);
    EXPECT_EQ(page->body, slurp(fs::path(UK_SOURCE_DIR) / "reception/qualification/web/viewer.html"));
    auto js = c.Get("/qualification/viewer.js");
    EXPECT_EQ(js->body, slurp(fs::path(UK_SOURCE_DIR) / "reception/qualification/web/viewer.js"));
    EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
}

TEST_F(RoutesTest, FaceStatementsAreCheckedAtTheDoor) {
    auto kp = generate_ed25519();
    ASSERT_TRUE(hook_->service().db().put_kiosk_key("kiosk-1", kp->public_pem));
    const auto ref = *certificate_ref(cert_der("tanaka-ichiro"));
    FaceStatement f{"kiosk-1",
                    "0b5e7d2a-8c1f-4a3e-9d6b-2f4a6c8e0a1c",
                    ref.serial_hex,
                    ref.issuer,
                    0.3,
                    0.45,
                    "dlib-resnet-v1",
                    true,
                    true,
                    "blink",
                    format_rfc3339(clock_.wall_now())};
    json st = json::object();
    st["kiosk_id"] = f.kiosk_id;
    st["record_id"] = f.record_id;
    st["cert_serial_hex"] = f.cert_serial_hex;
    st["cert_issuer"] = f.cert_issuer;
    st["distance"] = f.distance;
    st["threshold"] = f.threshold;
    st["model"] = f.model;
    st["matched"] = f.matched;
    st["liveness_passed"] = f.liveness_passed;
    st["liveness_challenge"] = f.liveness_challenge;
    st["made_at"] = f.made_at;
    json body = json::object();
    body["statement"] = st;
    body["signature"] = base64_encode(*sign_ed25519(kp->private_pem, f.canonical()));
    auto c = client();
    EXPECT_EQ(c.Post("/api/v1/qualification/face-statements", {{"X-Test-Kiosk", "kiosk-2"}}, body.dump(),
                     "application/json")
                  ->status,
              403);
    EXPECT_EQ(c.Post("/api/v1/qualification/face-statements", {{"X-Test-Kiosk", "kiosk-1"}}, "{",
                     "application/json")
                  ->status,
              400);
    EXPECT_EQ(c.Post("/api/v1/qualification/face-statements", {{"X-Test-Kiosk", "kiosk-1"}}, body.dump(),
                     "text/plain")
                  ->status,
              415);
    json extra = body;
    extra["statement"]["my_number"] = "123456789012";
    auto e = c.Post("/api/v1/qualification/face-statements", {{"X-Test-Kiosk", "kiosk-1"}}, extra.dump(),
                    "application/json");
    EXPECT_EQ(e->status, 400);
    EXPECT_NE(e->body.find("my_number: unknown field"), std::string::npos);
    auto ok = c.Post("/api/v1/qualification/face-statements", {{"X-Test-Kiosk", "kiosk-1"}}, body.dump(),
                     "application/json");
    ASSERT_EQ(ok->status, 201) << ok->body;

    CheckinRecord rec;
    rec.record_id = f.record_id;
    rec.facility_code = "1310000001";
    rec.kiosk_id = "kiosk-1";
    rec.verification.method = VerificationMethod::Face;
    rec.verification.face = FaceEvidence{0.3, 0.45, "dlib-resnet-v1", true, "blink"};
    rec.certificate = ref;
    EXPECT_EQ(hook_->fill(rec), "confirmed") << rec.qualification.reason;
}

}  // namespace
}  // namespace uk::qualification::test
