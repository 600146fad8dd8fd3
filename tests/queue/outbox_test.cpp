// The kiosk outbox (ctest -L queue): durable submit, at-least-once delivery with back-off, survival across
// restarts, dead letters for permanent refusals; then the same against the real reception over HTTPS,
// including an outage, a wrong pinned certificate, and the visual-check / heartbeat client.
#include <deque>

#include "kiosk/queue/outbox.h"
#include "kiosk/queue/reception_client.h"
#include "tests/reception/test_support.h"

namespace uk {
namespace {

using uk::testing::json;
using uk::testing::sample_record;
using uk::testing::system_clock;
using uk::testing::TempDir;

// Answers from a script; records what it was sent.
class ScriptedTransport final : public ReceptionTransport {
  public:
    std::deque<int> statuses;  // popped per call; empty = 201
    std::vector<std::string> sent;
    HttpReply post_json(std::string_view, const std::string& body) override {
        std::lock_guard lock(mu_);
        sent.push_back(body);
        int s = 201;
        if (!statuses.empty()) {
            s = statuses.front();
            statuses.pop_front();
        }
        HttpReply r;
        r.status = s;
        if (s == 0) r.error = "connection refused";
        if (s >= 400) r.body = json{{"error", "refused for test"}}.dump();
        return r;
    }
    HttpReply get(std::string_view) override { return {}; }

  private:
    std::mutex mu_;
};

std::unique_ptr<Outbox> open_outbox(const TempDir& d) {
    auto o = Outbox::open(d.file("outbox.db"), system_clock());
    if (!o) throw std::runtime_error(o.error());
    return std::move(*o);
}

// [SECTION] Rules

TEST(OutboxRules, RepliesAreClassifiedByWhetherRetryingCanHelp) {
    EXPECT_EQ(classify_reply(201), DeliveryClass::Delivered);
    EXPECT_EQ(classify_reply(200), DeliveryClass::Delivered);
    for (int s : {0, 500, 502, 503, 401, 408, 429})
        EXPECT_EQ(classify_reply(s), DeliveryClass::Transient) << s;
    for (int s : {400, 403, 409, 413, 415})
        EXPECT_EQ(classify_reply(s), DeliveryClass::Permanent) << s;
}

TEST(OutboxStatements, TheStatementGoesFirstAndARefusedOneDoesNotHoldTheRecord) {
    TempDir d;
    auto box = open_outbox(d);
    CheckinRecord face = sample_record("kiosk-1", 1), pin = sample_record("kiosk-1", 2);
    ASSERT_TRUE(box->submit_with_statement(face, R"({"statement":"S1"})"));
    ASSERT_TRUE(box->submit(pin));
    ScriptedTransport t;
    t.statuses = {503};  // the statement: transient, so nothing moves
    auto rep = box->deliver_once(t);
    EXPECT_TRUE(rep.transient_failure);
    ASSERT_EQ(t.sent.size(), 1u);
    EXPECT_EQ(t.sent[0], R"({"statement":"S1"})");
    EXPECT_EQ(box->pending(), 2);
    t.sent.clear();
    t.statuses = {400};  // refused for good: dropped, the record still goes, then the next record
    rep = box->deliver_once(t);
    EXPECT_EQ(rep.delivered, 2);
    ASSERT_EQ(t.sent.size(), 3u);
    EXPECT_EQ(t.sent[0], R"({"statement":"S1"})");
    EXPECT_NE(t.sent[1].find(face.record_id), std::string::npos);
    EXPECT_NE(t.sent[2].find(pin.record_id), std::string::npos);
    EXPECT_EQ(box->pending(), 0);
}

TEST(OutboxRules, BackOffDoublesUpToTheCapWithBoundedJitter) {
    BackoffPolicy p{std::chrono::milliseconds(500), std::chrono::milliseconds(60000), 0.2};
    EXPECT_EQ(backoff_delay(0, p, 0.5).count(), 0);
    EXPECT_EQ(backoff_delay(1, p, 0.5).count(), 500);
    EXPECT_EQ(backoff_delay(2, p, 0.5).count(), 1000);
    EXPECT_EQ(backoff_delay(5, p, 0.5).count(), 8000);
    EXPECT_EQ(backoff_delay(50, p, 0.5).count(), 60000);
    EXPECT_EQ(backoff_delay(1, p, 0.0).count(), 400);
    EXPECT_LE(backoff_delay(1, p, 0.999).count(), 600);
}

// [SECTION] Outbox with a scripted reception

TEST(Outbox, SubmittedRecordsWaitUntilTheReceptionAcknowledges) {
    TempDir d;
    auto box = open_outbox(d);
    ScriptedTransport t;
    CheckinRecord a = sample_record("kiosk-1", 1), b = sample_record("kiosk-1", 2);
    ASSERT_TRUE(box->submit(a).ok());
    ASSERT_TRUE(box->submit(b).ok());
    ASSERT_TRUE(box->submit(a).ok()) << "submitting twice is harmless";
    EXPECT_EQ(box->pending(), 2);
    t.statuses = {0};
    auto rep = box->deliver_once(t);
    EXPECT_TRUE(rep.transient_failure);
    EXPECT_EQ(rep.delivered, 0);
    EXPECT_NE(rep.last_error.find("connection refused"), std::string::npos);
    EXPECT_EQ(box->pending(), 2) << "nothing is lost while the reception is down";
    t.statuses = {201, 200};
    rep = box->deliver_once(t);
    EXPECT_EQ(rep.delivered, 2);
    EXPECT_EQ(box->pending(), 0);
    ASSERT_EQ(t.sent.size(), 3u);
    EXPECT_EQ(parse_checkin_record(t.sent[1])->record_id, a.record_id) << "oldest first";
    EXPECT_EQ(parse_checkin_record(t.sent[2])->record_id, b.record_id);
}

TEST(Outbox, PermanentRefusalsBecomeDeadLettersNotLosses) {
    TempDir d;
    auto box = open_outbox(d);
    ScriptedTransport t;
    CheckinRecord a = sample_record("kiosk-1", 1), b = sample_record("kiosk-1", 2);
    ASSERT_TRUE(box->submit(a).ok());
    ASSERT_TRUE(box->submit(b).ok());
    t.statuses = {409, 201};
    auto rep = box->deliver_once(t);
    EXPECT_EQ(rep.dead, 1);
    EXPECT_EQ(rep.delivered, 1) << "one bad record does not block the others";
    EXPECT_EQ(box->pending(), 0);
    auto dead = box->dead_letters();
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].record_id, a.record_id);
    EXPECT_EQ(dead[0].http_status, 409);
    EXPECT_NE(dead[0].reason.find("refused for test"), std::string::npos) << dead[0].reason;
}

TEST(Outbox, UndeliveredRecordsSurviveARestart) {
    TempDir d;
    CheckinRecord a = sample_record("kiosk-1", 1);
    {
        auto box = open_outbox(d);
        ASSERT_TRUE(box->submit(a).ok());
    }  // the kiosk reboots
    auto box = open_outbox(d);
    EXPECT_EQ(box->pending(), 1);
    ScriptedTransport t;
    EXPECT_EQ(box->deliver_once(t).delivered, 1);
    EXPECT_EQ(parse_checkin_record(t.sent.at(0))->record_id, a.record_id);
}

TEST(Outbox, AnUnwritableOutboxIsReportedNotIgnored) {
    auto o = Outbox::open("/proc/no-such-dir/outbox.db", system_clock());
    ASSERT_FALSE(o.ok());
    EXPECT_NE(o.error().find("outbox"), std::string::npos);
}

TEST(OutboxPusher, RetriesWithBackOffAndDeliversWhenTheReceptionAnswers) {
    TempDir d;
    auto box = open_outbox(d);
    ScriptedTransport t;
    t.statuses = {0, 503, 0};
    OutboxPusher p(*box, t, BackoffPolicy{std::chrono::milliseconds(20), std::chrono::milliseconds(100), 0.1},
                   std::chrono::milliseconds(50));
    p.start();
    ASSERT_TRUE(box->submit(sample_record()).ok());
    for (int i = 0; i < 200 && box->pending() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    p.stop();
    EXPECT_EQ(box->pending(), 0);
    EXPECT_GE(t.sent.size(), 4u) << "three failures, then the delivery";
    EXPECT_EQ(p.consecutive_failures(), 0);
}

// [SECTION] Against the real reception over HTTPS

TEST(OutboxHttps, DeliversAfterAnOutageExactlyOnce) {
    TempDir kiosk_dir;
    auto box = open_outbox(kiosk_dir);
    uk::testing::Reception r;
    std::string token = r.add_kiosk("kiosk-1");
    int port = r.port;
    r.stop();  // the reception goes down
    HttpsTransportConfig tc = r.transport_config(token);
    tc.connect_timeout = std::chrono::milliseconds(300);
    HttpsTransport transport(tc);
    OutboxPusher pusher(*box, transport,
                        BackoffPolicy{std::chrono::milliseconds(50), std::chrono::milliseconds(300), 0.1});
    pusher.start();
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        CheckinRecord rec = sample_record("kiosk-1", i + 1);
        ids.push_back(rec.record_id);
        ASSERT_TRUE(box->submit(rec).ok()) << "the patient is told done even while the reception is down";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(box->pending(), 20);
    EXPECT_GT(pusher.consecutive_failures(), 0);
    EXPECT_FALSE(pusher.last_error().empty());

    r.cfg.port = port;
    r.start();  // back up on the same address
    for (int i = 0; i < 100 && box->pending() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pusher.stop();
    EXPECT_EQ(box->pending(), 0);
    EXPECT_EQ(*r.store->count_entries(), 20);
    for (const auto& id : ids)
        EXPECT_TRUE(r.store->get_entry(id)->has_value()) << id;
}

TEST(OutboxHttps, ARecordWhoseAnswerWasLostIsNotStoredTwice) {
    uk::testing::Reception r;
    std::string token = r.add_kiosk("kiosk-1");
    HttpsTransport t(r.transport_config(token));
    CheckinRecord rec = sample_record();
    // The first push lands but the kiosk never hears the answer (power cut): the outbox still holds it.
    EXPECT_EQ(t.post_json("/api/v1/checkins", to_json_string(rec)).status, 201);
    TempDir d;
    auto box = open_outbox(d);
    ASSERT_TRUE(box->submit(rec).ok());
    EXPECT_EQ(box->deliver_once(t).delivered, 1) << "the reception answers 200 to the repeat";
    EXPECT_EQ(*r.store->count_entries(), 1);
}

TEST(OutboxHttps, AReceptionWithAnotherCertificateIsNotTrusted) {
    uk::testing::Reception real;
    std::string token = real.add_kiosk("kiosk-1");
    uk::testing::Reception impostor;  // its own self-signed certificate
    HttpsTransportConfig tc = impostor.transport_config(token);
    tc.pinned_cert_path = real.tls.cert_path;  // the kiosk pinned the real one
    HttpsTransport t(tc);
    HttpReply reply = t.post_json("/api/v1/checkins", to_json_string(sample_record()));
    EXPECT_EQ(reply.status, 0);
    EXPECT_NE(reply.error.find("certificate"), std::string::npos) << reply.error;
    EXPECT_EQ(*impostor.store->count_entries(), 0);
}

TEST(OutboxHttps, AWrongTokenKeepsRecordsQueued) {
    uk::testing::Reception r;
    r.add_kiosk("kiosk-1");
    HttpsTransport t(r.transport_config("ukk_not-the-token"));
    TempDir d;
    auto box = open_outbox(d);
    ASSERT_TRUE(box->submit(sample_record()).ok());
    auto rep = box->deliver_once(t);
    EXPECT_TRUE(rep.transient_failure)
        << "a credentials problem is fixed by staff; the record must wait, not die";
    EXPECT_NE(rep.last_error.find("401"), std::string::npos) << rep.last_error;
    EXPECT_EQ(box->pending(), 1);
    EXPECT_EQ(box->dead_letter_count(), 0);
}

TEST(ReceptionClientHttps, VisualCheckRoundTripTellsTheKioskWhoConfirmed) {
    uk::testing::Reception r;
    std::string token = r.add_kiosk("kiosk-1");
    r.add_user("suzuki", reception::Role::Clerk, "correct horse battery");
    HttpsTransport t(r.transport_config(token));
    ReceptionClient client(t);
    std::string id = uk::testing::make_uuid(3);
    auto asked = client.request_visual_check(id, 21);
    ASSERT_TRUE(asked.ok()) << asked.error();
    EXPECT_EQ(asked->answer, VisualCheckAnswer::Pending);
    EXPECT_EQ(client.poll_visual_check(id)->answer, VisualCheckAnswer::Pending);
    uk::testing::StaffClient staff(r, "suzuki", "correct horse battery");
    ASSERT_EQ(staff.post("/api/v1/visual-checks/" + id + "/confirm")->status, 200);
    auto answered = client.poll_visual_check(id);
    ASSERT_TRUE(answered.ok()) << answered.error();
    EXPECT_EQ(answered->answer, VisualCheckAnswer::Confirmed);
    EXPECT_EQ(answered->staff_id, "suzuki");
    EXPECT_FALSE(client.poll_visual_check(uk::testing::make_uuid(4)).ok());
}

TEST(ReceptionClientHttps, HeartbeatAndAlertReachTheMonitorData) {
    uk::testing::Reception r;
    std::string token = r.add_kiosk("kiosk-7");
    HttpsTransport t(r.transport_config(token));
    ReceptionClient client(t);
    ASSERT_TRUE(client.send_heartbeat({"ok", "error", 3, "0.1.0"}).ok());
    auto bad = client.send_heartbeat({"maybe", "ok", 0, ""});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("reader"), std::string::npos) << bad.error();
    ASSERT_TRUE(client.raise_alert("staff_help", "").ok());
    auto hs = r.store->list_heartbeats();
    ASSERT_EQ(hs->size(), 1u);
    EXPECT_EQ((*hs)[0].kiosk_id, "kiosk-7");
    EXPECT_EQ((*hs)[0].camera, "error");
    EXPECT_EQ((*hs)[0].outbox_depth, 3);
    EXPECT_EQ(r.store->list_alerts(true)->size(), 1u);
}

}  // namespace
}  // namespace uk

namespace uk {
namespace {

// [SECTION] PIN-path challenge from the reception (issue 8)

class OneReply final : public ReceptionTransport {
  public:
    explicit OneReply(HttpReply r) : reply_(std::move(r)) {}
    std::string path;
    HttpReply post_json(std::string_view p, const std::string&) override {
        path = std::string(p);
        return reply_;
    }
    HttpReply get(std::string_view) override { return {}; }

  private:
    HttpReply reply_;
};

TEST(ReceptionChallenge, IssuedChallengeIsDecodedExactly) {
    // "uketsuke-challenge/1\n" base64-encoded: 21 bytes, no padding.
    OneReply t(
        {201, R"({"challenge_id":"c-1","to_sign":"dWtldHN1a2UtY2hhbGxlbmdlLzEK","expires_at":"x"})", ""});
    auto c = ReceptionClient(t).request_challenge();
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(t.path, "/api/v1/qualification/challenges");
    EXPECT_EQ(c->id, "c-1");
    EXPECT_EQ(std::string(c->to_sign.begin(), c->to_sign.end()), "uketsuke-challenge/1\n");
    OneReply padded({201, R"({"challenge_id":"c-2","to_sign":"YWI="})", ""});  // "ab": padding is not data
    auto p = ReceptionClient(padded).request_challenge();
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_EQ(std::string(p->to_sign.begin(), p->to_sign.end()), "ab");
}

TEST(ReceptionChallenge, RefusalsAndBrokenAnswersAreErrorsNotChallenges) {
    OneReply down({0, "", "connection refused"});
    EXPECT_EQ(ReceptionClient(down).request_challenge().error(),
              "challenge: reception not reachable: connection refused");
    OneReply no_field({201, R"({"challenge_id":"c-1"})", ""});
    EXPECT_FALSE(ReceptionClient(no_field).request_challenge().ok());
    OneReply junk({201, R"({"challenge_id":"c-1","to_sign":"!!!!"})", ""});
    EXPECT_EQ(ReceptionClient(junk).request_challenge().error(), "challenge: to_sign is not base64");
    OneReply refused({401, R"({"error":"unknown kiosk token"})", ""});
    EXPECT_EQ(ReceptionClient(refused).request_challenge().error(),
              "challenge: HTTP 401: unknown kiosk token");
}

}  // namespace
}  // namespace uk
