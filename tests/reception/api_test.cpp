// The reception API over real HTTPS on loopback (docs/api.md): kiosk pushes, staff log-in and actions, live
// events, and the bad-input matrix (every refusal says why and stores nothing).
#include <sodium.h>

#include "tests/reception/test_support.h"

namespace uk::reception {
namespace {

using uk::testing::EventListener;
using uk::testing::json;
using uk::testing::RawTls;
using uk::testing::Reception;
using uk::testing::sample_record;
using uk::testing::StaffClient;

constexpr const char* kPassword = "correct horse battery";

class ApiTest : public ::testing::Test {
  protected:
    void SetUp() override {
        token_ = r_.add_kiosk("kiosk-1");
        r_.add_user("suzuki", Role::Clerk, kPassword);
        cli_ = r_.client();
    }
    httplib::Result push(const std::string& body, const std::string& token,
                         const std::string& type = "application/json") {
        return cli_->Post("/api/v1/checkins", {{"Authorization", "Bearer " + token}}, body, type);
    }
    httplib::Result push(const CheckinRecord& rec) { return push(to_json_string(rec), token_); }
    std::int64_t stored() { return *r_.store->count_entries(); }
    static std::string error_of(const httplib::Result& res) {
        auto j = json::parse(res->body, nullptr, false);
        return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : "<no error field>";
    }

    Reception r_;
    std::string token_;
    std::unique_ptr<httplib::SSLClient> cli_;
};

// [SECTION] Check-in contract

TEST_F(ApiTest, PushIsCreatedThenDuplicateThenConflict) {
    CheckinRecord rec = sample_record();
    auto a = push(rec);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 201) << a->body;
    auto b = push(rec);
    EXPECT_EQ(b->status, 200) << b->body;
    CheckinRecord changed = rec;
    changed.language = "en";
    auto c = push(changed);
    EXPECT_EQ(c->status, 409) << c->body;
    EXPECT_NE(error_of(c).find(rec.record_id), std::string::npos);
    EXPECT_EQ(stored(), 1);
    EXPECT_EQ(parse_checkin_record((*r_.store->get_entry(rec.record_id))->record_json)->language, "ja");
}

TEST_F(ApiTest, ContentTypeWithCharsetIsAccepted) {
    auto a = push(to_json_string(sample_record()), token_, "application/json; charset=utf-8");
    EXPECT_EQ(a->status, 201) << a->body;
}

struct BadPush {
    const char* name;
    std::function<std::string(const CheckinRecord&)> body;
    int status;
    const char* error_contains;
};

json as_json(const CheckinRecord& r) {
    return to_json(r);
}

TEST_F(ApiTest, BadInputMatrixGetsTheRight4xxAndStoresNothing) {
    const std::vector<BadPush> rows = {
        {"malformed", [](const CheckinRecord&) { return std::string("{\"schema\": 1,,}"); }, 400, ""},
        {"truncated",
         [](const CheckinRecord& r) {
             auto s = to_json_string(r);
             return s.substr(0, s.size() / 2);
         },
         400, ""},
        {"empty body", [](const CheckinRecord&) { return std::string(); }, 400, ""},
        {"not an object", [](const CheckinRecord&) { return std::string("[1,2,3]"); }, 400, ""},
        {"unknown field",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["my_number"] = "123456789012";
             return j.dump();
         },
         400, "my_number"},
        {"wrong type",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["kiosk_ticket"] = "seventeen";
             return j.dump();
         },
         400, "kiosk_ticket"},
        {"missing field",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j.erase("record_id");
             return j.dump();
         },
         400, "record_id"},
        {"bad uuid",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["record_id"] = "1 OR 1=1";
             return j.dump();
         },
         400, "record_id"},
        {"sql injection in kiosk id",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["kiosk_id"] = "k'; DROP TABLE entries;--";
             return j.dump();
         },
         400, "kiosk_id"},
        {"script in facility code",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["facility_code"] = "<script>";
             return j.dump();
         },
         400, "facility_code"},
        {"nested unknown field",
         [](const CheckinRecord& r) {
             auto j = as_json(r);
             j["verification"]["face"]["image"] = "AAAA";
             return j.dump();
         },
         400, "verification.face.image"},
        {"qualification claimed by kiosk",
         [](const CheckinRecord& r) {
             auto c = r;
             c.qualification = {QualificationStatus::Valid, "", "2026-11-25T01:32:00.000Z"};
             return to_json_string(c);
         },
         400, "qualification"},
        {"other kiosk's id",
         [](const CheckinRecord& r) {
             auto c = r;
             c.kiosk_id = "kiosk-2";
             return to_json_string(c);
         },
         403, "kiosk_id"},
        {"deeply nested",
         [](const CheckinRecord&) { return std::string(5000, '[') + std::string(5000, ']'); }, 400, ""},
        {"invalid utf-8",
         [](const CheckinRecord& r) {
             auto s = to_json_string(r);
             auto p = s.find("\"ja\"");
             s.replace(p + 1, 2, "\xff\xfe");
             return s;
         },
         400, ""},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        auto res = push(row.body(sample_record()), token_);
        ASSERT_TRUE(res) << "no answer";
        EXPECT_EQ(res->status, row.status) << res->body;
        std::string err = error_of(res);
        EXPECT_FALSE(err.empty());
        EXPECT_NE(err.find(row.error_contains), std::string::npos) << err;
        EXPECT_NE(res->get_header_value("Content-Type").find("application/json"), std::string::npos);
    }
    EXPECT_EQ(stored(), 0);
}

TEST_F(ApiTest, MissingOrWrongKioskCredentialsAre401) {
    std::string body = to_json_string(sample_record());
    auto none = cli_->Post("/api/v1/checkins", body, "application/json");
    EXPECT_EQ(none->status, 401);
    EXPECT_NE(none->get_header_value("WWW-Authenticate").find("Bearer"), std::string::npos);
    EXPECT_EQ(push(body, "ukk_wrong")->status, 401);
    EXPECT_EQ(push(body, token_ + "x")->status, 401);
    auto basic =
        cli_->Post("/api/v1/checkins", {{"Authorization", "Basic a2lvc2s6cHc="}}, body, "application/json");
    EXPECT_EQ(basic->status, 401);
    EXPECT_EQ(stored(), 0);
}

TEST_F(ApiTest, OtherContentTypesAre415) {
    std::string body = to_json_string(sample_record());
    EXPECT_EQ(push(body, token_, "text/plain")->status, 415);
    EXPECT_EQ(push(body, token_, "application/x-www-form-urlencoded")->status, 415);
    EXPECT_EQ(stored(), 0);
}

TEST_F(ApiTest, OversizedBodiesAre413) {
    // The service answers from the declared length, before the body arrives. A client still writing 70 KB
    // then may see the connection reset before it reads the answer (timing-dependent), so the request is
    // sent by hand: headers only, then the answer is read.
    RawTls raw(r_.port);
    ASSERT_TRUE(raw.connected());
    raw.send("POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
             "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(70 * 1024) +
             "\r\n\r\n");
    std::string answer = raw.read_all(std::chrono::seconds(5), "}");
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
    EXPECT_NE(answer.find("too large"), std::string::npos) << answer;
    // A real oversized body through the ordinary client: refused either way, and nothing is stored.
    auto j = to_json(sample_record());
    j["padding"] = std::string(70 * 1024, 'x');
    auto res = push(j.dump(), token_);
    if (res) {
        EXPECT_EQ(res->status, 413);
    }
    EXPECT_EQ(stored(), 0);
}

TEST_F(ApiTest, HugeHeadersAreRefusedAndTheServiceStaysUp) {
    RawTls raw(r_.port);
    ASSERT_TRUE(raw.connected());
    raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    std::string answer = raw.read_all(std::chrono::seconds(5), "\r\n\r\n");
    EXPECT_NE(answer.find("HTTP/1.1 4"), std::string::npos) << answer.substr(0, 200);
    auto ok = cli_->Get("/healthz");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST_F(ApiTest, LongUrisAre414) {
    auto res = cli_->Get("/api/v1/visual-checks/" + std::string(9000, 'a'));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 414);
}

// [SECTION] Slow clients

TEST(ApiSlowClients, SlowClientsAreDroppedWhileOthersAreServed) {
    Reception r(nullptr, [](ServiceConfig& c) {
        c.read_timeout_s = 1;
        c.threads = 16;
        c.max_event_streams = 2;
    });
    std::vector<std::unique_ptr<RawTls>> slow;
    for (int i = 0; i < 10; ++i) {
        slow.push_back(std::make_unique<RawTls>(r.port));
        ASSERT_TRUE(slow.back()->connected());
        slow.back()->send("POST /api/v1/checkins HTTP/1.1\r\nHost: x\r\nContent-Le");  // and then nothing
    }
    auto cli = r.client();
    auto t0 = std::chrono::steady_clock::now();
    auto res = cli->Get("/healthz");
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_LT(took, std::chrono::milliseconds(900)) << "a healthy client waited for the slow ones";
    for (auto& s : slow) {
        std::string answer = s->read_all(std::chrono::seconds(4));
        EXPECT_TRUE(s->closed() || answer.find("HTTP/1.1 4") != std::string::npos)
            << "a client that stalls mid-header must be answered 4xx or dropped";
    }
    EXPECT_EQ(*r.store->count_entries(), 0);
}

// [SECTION] Staff

TEST_F(ApiTest, LoginSetsAStrictSecureCookieAndWrongPasswordsAreRefused) {
    auto bad = cli_->Post("/api/v1/login", json{{"name", "suzuki"}, {"password", "nope-nope"}}.dump(),
                          "application/json");
    EXPECT_EQ(bad->status, 401);
    EXPECT_TRUE(bad->get_header_value("Set-Cookie").empty());
    auto unknown = cli_->Post("/api/v1/login", json{{"name", "nobody"}, {"password", kPassword}}.dump(),
                              "application/json");
    EXPECT_EQ(unknown->status, 401);
    EXPECT_EQ(error_of(bad), error_of(unknown)) << "the answer must not tell which names exist";
    auto ok = cli_->Post("/api/v1/login", json{{"name", "suzuki"}, {"password", kPassword}}.dump(),
                         "application/json");
    ASSERT_EQ(ok->status, 200);
    std::string cookie = ok->get_header_value("Set-Cookie");
    EXPECT_NE(cookie.find("uk_session="), std::string::npos);
    EXPECT_NE(cookie.find("Secure"), std::string::npos);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(json::parse(ok->body)["role"], "clerk");
}

TEST_F(ApiTest, PasswordsAreStoredOnlyAsArgon2idHashes) {
    auto u = r_.store->get_user("suzuki");
    ASSERT_TRUE(u.ok() && u->has_value());
    EXPECT_EQ((*u)->password_hash.rfind("$argon2id$", 0), 0u) << (*u)->password_hash;
    EXPECT_EQ((*u)->password_hash.find(kPassword), std::string::npos);
}

TEST_F(ApiTest, RepeatedWrongPasswordsAreThrottled) {
    int last = 0;
    for (int i = 0; i < 6; ++i)
        last = cli_->Post("/api/v1/login",
                          json{{"name", "suzuki"}, {"password", "wrong-" + std::to_string(i)}}.dump(),
                          "application/json")
                   ->status;
    EXPECT_EQ(last, 429);
    auto right = cli_->Post("/api/v1/login", json{{"name", "suzuki"}, {"password", kPassword}}.dump(),
                            "application/json");
    EXPECT_EQ(right->status, 429) << "even the right password waits out the lock";
}

TEST_F(ApiTest, StaffEndpointsNeedASessionAndStateChangesNeedTheCsrfToken) {
    CheckinRecord rec = sample_record();
    ASSERT_EQ(push(rec)->status, 201);
    EXPECT_EQ(cli_->Get("/api/v1/queue")->status, 401);
    EXPECT_EQ(cli_->Get("/api/v1/queue", {{"Cookie", "uk_session=forged"}})->status, 401);
    EXPECT_EQ(cli_->Get("/api/v1/events")->status, 401);
    StaffClient staff(r_, "suzuki", kPassword);
    auto q = staff.get("/api/v1/queue");
    ASSERT_EQ(q->status, 200);
    auto body = json::parse(q->body);
    ASSERT_EQ(body["entries"].size(), 1u);
    EXPECT_EQ(body["entries"][0]["record_id"], rec.record_id);
    EXPECT_EQ(body["entries"][0]["status"], "waiting");
    EXPECT_EQ(body["entries"][0]["record"]["qualification"]["status"], "pending");

    std::string call = "/api/v1/entries/" + rec.record_id + "/call";
    EXPECT_EQ(staff.post(call, false)->status, 403) << "no CSRF token";
    EXPECT_EQ((*r_.store->get_entry(rec.record_id))->status, EntryStatus::Waiting);
    auto called = staff.post(call);
    ASSERT_EQ(called->status, 200) << called->body;
    EXPECT_EQ(json::parse(called->body)["status"], "called");
    EXPECT_EQ(json::parse(called->body)["updated_by"], "suzuki");
    EXPECT_EQ(staff.post("/api/v1/entries/" + rec.record_id + "/finish")->status, 409);
    EXPECT_EQ(staff.post("/api/v1/entries/00000000-0000-4000-8000-000000000000/call")->status, 404);
    EXPECT_EQ(staff.post("/api/v1/entries/" + rec.record_id + "/start")->status, 200);
    EXPECT_EQ(staff.post("/api/v1/entries/" + rec.record_id + "/finish")->status, 200);
    EXPECT_EQ((*r_.store->get_entry(rec.record_id))->status, EntryStatus::Done);

    EXPECT_EQ(staff.post("/api/v1/logout")->status, 204);
    EXPECT_EQ(staff.get("/api/v1/queue")->status, 401) << "the session ends at log-out";
}

TEST_F(ApiTest, MonitorPageIsServedWithAStrictContentSecurityPolicy) {
    auto page = cli_->Get("/");
    ASSERT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("受付モニター"), std::string::npos);
    EXPECT_NE(page->get_header_value("Content-Type").find("text/html"), std::string::npos);
    std::string csp = page->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(page->body.find("<script>"), std::string::npos) << "no inline script";
    EXPECT_EQ(page->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(page->get_header_value("X-Frame-Options"), "DENY");
    auto js = cli_->Get("/static/app.js");
    ASSERT_EQ(js->status, 200);
    EXPECT_NE(js->get_header_value("Content-Type").find("javascript"), std::string::npos);
    EXPECT_EQ(cli_->Get("/static/../reception.db")->status, 404);
    EXPECT_EQ(cli_->Get("/static/nothing.js")->status, 404);
    auto health = cli_->Get("/healthz");
    EXPECT_EQ(json::parse(health->body)["store"], "sqlite");
}

// [SECTION] Live events

TEST_F(ApiTest, PushedCheckinsAndActionsArriveAsServerSentEvents) {
    StaffClient staff(r_, "suzuki", kPassword);
    EventListener events(r_, staff.cookie());
    ASSERT_TRUE(events.wait_hello());
    CheckinRecord rec = sample_record();
    ASSERT_EQ(push(rec)->status, 201);
    auto e = events.wait_for("entry", [&](const json& d) { return d["record_id"] == rec.record_id; });
    ASSERT_TRUE(e) << "the check-in did not reach the event stream";
    EXPECT_EQ(e->data["status"], "waiting");
    EXPECT_EQ(e->data["record"]["kiosk_ticket"], rec.kiosk_ticket);
    ASSERT_EQ(staff.post("/api/v1/entries/" + rec.record_id + "/call")->status, 200);
    EXPECT_TRUE(events.wait_for("entry", [&](const json& d) { return d["status"] == "called"; }));
    ASSERT_EQ(push(rec)->status, 200);  // a duplicate is not news
}

TEST(ApiEvents, StreamsBeyondTheLimitGet503) {
    Reception r(nullptr, [](ServiceConfig& c) { c.max_event_streams = 2; });
    r.add_user("suzuki", Role::Clerk, kPassword);
    StaffClient staff(r, "suzuki", kPassword);
    EventListener a(r, staff.cookie()), b(r, staff.cookie());
    ASSERT_TRUE(a.wait_hello());
    ASSERT_TRUE(b.wait_hello());
    EventListener c(r, staff.cookie());
    EXPECT_EQ(c.ended_status(std::chrono::seconds(5)), 503);
    auto health = r.client()->Get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(json::parse(health->body)["event_streams"], 2);
    r.stop();  // ends the open streams
}

// [SECTION] Kiosk health, alerts, visual checks

TEST_F(ApiTest, HeartbeatsAndAlertsReachTheStaff) {
    auto bearer = httplib::Headers{{"Authorization", "Bearer " + token_}};
    auto hb = cli_->Post(
        "/api/v1/kiosk/heartbeat", bearer,
        json{{"reader", "no_reader"}, {"camera", "ok"}, {"outbox_depth", 4}, {"version", "0.1.0"}}.dump(),
        "application/json");
    EXPECT_EQ(hb->status, 204) << hb->body;
    auto bad =
        cli_->Post("/api/v1/kiosk/heartbeat", bearer,
                   json{{"reader", "ok"}, {"camera", "ok"}, {"outbox_depth", -1}}.dump(), "application/json");
    EXPECT_EQ(bad->status, 400);
    EXPECT_NE(error_of(bad).find("outbox_depth"), std::string::npos);
    auto extra =
        cli_->Post("/api/v1/kiosk/heartbeat", bearer,
                   json{{"reader", "ok"}, {"camera", "ok"}, {"outbox_depth", 0}, {"photo", "x"}}.dump(),
                   "application/json");
    EXPECT_EQ(extra->status, 400);
    EXPECT_NE(error_of(extra).find("photo"), std::string::npos);
    auto alert =
        cli_->Post("/api/v1/kiosk/alerts", bearer,
                   json{{"kind", "card_blocked"}, {"message", "PIN locked"}}.dump(), "application/json");
    ASSERT_EQ(alert->status, 201) << alert->body;
    EXPECT_EQ(
        cli_->Post("/api/v1/kiosk/alerts", bearer, json{{"kind", "fire"}}.dump(), "application/json")->status,
        400);

    StaffClient staff(r_, "suzuki", kPassword);
    auto q = json::parse(staff.get("/api/v1/queue")->body);
    ASSERT_EQ(q["kiosks"].size(), 1u);
    EXPECT_EQ(q["kiosks"][0]["reader"], "no_reader");
    EXPECT_EQ(q["kiosks"][0]["outbox_depth"], 4);
    ASSERT_EQ(q["alerts"].size(), 1u);
    auto id = q["alerts"][0]["id"].get<std::int64_t>();
    EXPECT_EQ(staff.post("/api/v1/alerts/" + std::to_string(id) + "/ack")->status, 200);
    EXPECT_TRUE(json::parse(staff.get("/api/v1/queue")->body)["alerts"].empty());
}

TEST_F(ApiTest, VisualCheckIsAnsweredByStaffAndTheKioskLearnsWho) {
    auto bearer = httplib::Headers{{"Authorization", "Bearer " + token_}};
    std::string id = uk::testing::make_uuid(7);
    auto created = cli_->Post("/api/v1/visual-checks", bearer, json{{"id", id}, {"kiosk_ticket", 12}}.dump(),
                              "application/json");
    ASSERT_EQ(created->status, 201) << created->body;
    EXPECT_EQ(json::parse(created->body)["state"], "pending");
    StaffClient staff(r_, "suzuki", kPassword);
    auto q = json::parse(staff.get("/api/v1/queue")->body);
    ASSERT_EQ(q["visual_checks"].size(), 1u);
    EXPECT_EQ(q["visual_checks"][0]["kiosk_ticket"], 12);
    EXPECT_EQ(staff.post("/api/v1/visual-checks/" + id + "/confirm", false)->status, 403);
    ASSERT_EQ(staff.post("/api/v1/visual-checks/" + id + "/confirm")->status, 200);
    EXPECT_EQ(staff.post("/api/v1/visual-checks/" + id + "/reject")->status, 409) << "answered once only";
    auto polled = cli_->Get("/api/v1/visual-checks/" + id, bearer);
    ASSERT_EQ(polled->status, 200);
    EXPECT_EQ(json::parse(polled->body)["state"], "confirmed");
    EXPECT_EQ(json::parse(polled->body)["staff"], "suzuki");
    // Another kiosk cannot read it.
    std::string other = r_.add_kiosk("kiosk-2");
    EXPECT_EQ(cli_->Get("/api/v1/visual-checks/" + id, {{"Authorization", "Bearer " + other}})->status, 404);
}

}  // namespace
}  // namespace uk::reception

namespace uk::reception {
namespace {

// [SECTION] Extension hook (how issue 8's qualification plugs in)

TEST(ApiExtension, FillRunsBeforeStoringAndExtraRoutesUseTheServiceCredentials) {
    std::atomic<int> fills{0};
    Reception r(nullptr, nullptr, 0, [&](ReceptionService& s) {
        s.set_extension(
            {[&](CheckinRecord& rec) {
                 ++fills;
                 rec.qualification = {QualificationStatus::Invalid, "資格喪失", "2026-11-25T01:32:00.000Z"};
                 return std::string("see_staff");
             },
             [](httplib::Server& srv, ServiceExtension::KioskAuth kiosk, ServiceExtension::StaffAuth staff) {
                 srv.Get("/api/v1/test/kiosk", [kiosk](const httplib::Request& req, httplib::Response& res) {
                     if (auto k = kiosk(req, res)) res.set_content(*k, "text/plain");
                 });
                 srv.Post("/api/v1/test/staff", [staff](const httplib::Request& req, httplib::Response& res) {
                     if (auto who = staff(req, res, true))
                         res.set_content(who->first + "/" + who->second, "text/plain");
                 });
             },
             nullptr});
    });
    std::string token = r.add_kiosk("kiosk-1");
    r.add_user("dr-ito", Role::Doctor, kPassword);
    auto cli = r.client();
    CheckinRecord rec = sample_record();
    httplib::Headers bearer{{"Authorization", "Bearer " + token}};
    auto a = cli->Post("/api/v1/checkins", bearer, to_json_string(rec), "application/json");
    ASSERT_EQ(a->status, 201) << a->body;
    EXPECT_EQ(json::parse(a->body)["qualification"], "see_staff");
    auto stored = parse_checkin_record((*r.store->get_entry(rec.record_id))->record_json);
    EXPECT_EQ(stored->qualification.status, QualificationStatus::Invalid);
    EXPECT_EQ(stored->qualification.reason, "資格喪失");
    auto b = cli->Post("/api/v1/checkins", bearer, to_json_string(rec), "application/json");
    EXPECT_EQ(b->status, 200) << "the resend fills the same result, so it compares equal";
    EXPECT_EQ(fills.load(), 2);

    EXPECT_EQ(cli->Get("/api/v1/test/kiosk")->status, 401);
    EXPECT_EQ(cli->Get("/api/v1/test/kiosk", bearer)->body, "kiosk-1");
    StaffClient doctor(r, "dr-ito", kPassword);
    EXPECT_EQ(doctor.post("/api/v1/test/staff", false)->status, 403) << "CSRF checked for the extension too";
    auto ok = doctor.post("/api/v1/test/staff");
    ASSERT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "dr-ito/doctor");
}

}  // namespace
}  // namespace uk::reception

namespace uk::reception {
namespace {

// [SECTION] Metrics (issue 9): Prometheus text at /metrics, aggregates only.

TEST_F(ApiTest, MetricsCountCheckinsByMethodRefusalsAndKioskOutboxDepth) {
    CheckinRecord face = sample_record();
    ASSERT_EQ(push(face)->status, 201);
    ASSERT_EQ(push(face)->status, 200);  // a resend is not a second check-in
    EXPECT_EQ(push("{", token_)->status, 400);
    EXPECT_EQ(push(to_json_string(face), "wrong-token")->status, 401);
    auto hb = cli_->Post(
        "/api/v1/kiosk/heartbeat", {{"Authorization", "Bearer " + token_}},
        json{{"reader", "no_reader"}, {"camera", "ok"}, {"outbox_depth", 7}, {"version", "0.1.0"}}.dump(),
        "application/json");
    ASSERT_EQ(hb->status, 204);

    auto m = cli_->Get("/metrics");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->status, 200);
    EXPECT_EQ(m->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
    const std::string& t = m->body;
    std::string method = std::string(to_string(face.verification.method));
    EXPECT_NE(t.find("uketsuke_checkins_total{method=\"" + method + "\"} 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_checkins_refused_total{status=\"400\"} 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_checkins_refused_total{status=\"401\"} 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_checkin_ingest_seconds_count 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_checkin_ingest_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_kiosk_outbox_depth{kiosk=\"kiosk-1\"} 7\n"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_kiosk_heartbeat_age_seconds{kiosk=\"kiosk-1\"}"), std::string::npos) << t;
    EXPECT_NE(t.find("uketsuke_kiosk_device_up{kiosk=\"kiosk-1\",device=\"reader\"} 0\n"), std::string::npos)
        << t;
    EXPECT_NE(t.find("uketsuke_kiosk_device_up{kiosk=\"kiosk-1\",device=\"camera\"} 1\n"), std::string::npos)
        << t;
    // Nothing personal: no record id, no certificate serial.
    EXPECT_EQ(t.find(face.record_id), std::string::npos);
    if (face.certificate) {
        EXPECT_EQ(t.find(face.certificate->serial_hex), std::string::npos);
    }
}

}  // namespace
}  // namespace uk::reception
