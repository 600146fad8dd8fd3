// The store contract, run against SQLite (reception_store_tests) and PostgreSQL (reception_pg_tests, built
// from this same file with UK_STORE_PG defined and run against the cluster pg_fixture.sh starts).
#include <future>
#include <set>

#include "tests/reception/test_support.h"

namespace uk::reception {
namespace {

using uk::testing::sample_record;
using uk::testing::system_clock;

// [SECTION] Fixture: one fresh store per test (suite name says which backend, so ctest names stay unique)

#ifdef UK_STORE_PG
#define StoreTest PgStoreTest
#else
#define StoreTest SqliteStoreTest
#endif

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override { store_ = open(); }

    std::unique_ptr<Store> open() {
#ifdef UK_STORE_PG
        if (!db_) db_ = std::make_unique<uk::testing::PgScratchDb>();
        auto s = open_pg_store(db_->conninfo());
#else
        auto s = open_sqlite_store(dir_.file("reception.db"));
#endif
        if (!s) throw std::runtime_error(s.error());
        return std::move(*s);
    }

    Result<InsertOutcome> insert(const CheckinRecord& r, const std::string& kiosk = "kiosk-1") {
        return store_->insert_checkin(r, to_json_string(r), kiosk, system_clock().wall_now());
    }

    uk::testing::TempDir dir_;
#ifdef UK_STORE_PG
    std::unique_ptr<uk::testing::PgScratchDb> db_;
#endif
    std::unique_ptr<Store> store_;
};

// Collects changes from the listener (PostgreSQL delivers them from its LISTEN thread, so tests wait).
class ChangeLog {
  public:
    void attach(Store& s) {
        s.set_change_listener([this](const Change& c) {
            std::lock_guard lock(mu_);
            seen_.push_back(c);
            cv_.notify_all();
        });
    }
    bool wait_for(Change::Kind k, const std::string& id,
                  std::chrono::milliseconds t = std::chrono::seconds(5)) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, t, [&] {
            for (const auto& c : seen_)
                if (c.kind == k && c.id == id) return true;
            return false;
        });
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Change> seen_;
};

// [SECTION] Check-ins

TEST_F(StoreTest, NewRecordIsCreatedSameContentIsDuplicateOtherContentIsConflict) {
    CheckinRecord r = sample_record();
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    ASSERT_EQ(*insert(r), InsertOutcome::Duplicate);
    CheckinRecord other = r;
    other.kiosk_ticket = 99;
    ASSERT_EQ(*insert(other), InsertOutcome::Conflict);
    EXPECT_EQ(*store_->count_entries(), 1);
    auto e = store_->get_entry(r.record_id);
    ASSERT_TRUE(e.ok() && e->has_value());
    EXPECT_EQ((*e)->record_json, to_json_string(r))
        << "a conflicting push must not overwrite the stored record";
    EXPECT_EQ((*e)->status, EntryStatus::Waiting);
    EXPECT_EQ((*e)->kiosk_id, "kiosk-1");
}

TEST_F(StoreTest, EntriesComeBackInArrivalOrder) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        CheckinRecord r = sample_record("kiosk-1", i + 1);
        ids.push_back(r.record_id);
        ASSERT_EQ(*insert(r), InsertOutcome::Created);
    }
    auto list = store_->list_entries(100);
    ASSERT_TRUE(list.ok()) << list.error();
    ASSERT_EQ(list->size(), 5u);
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ((*list)[i].record_id, ids[i]);
    for (std::size_t i = 1; i < 5; ++i)
        EXPECT_LT((*list)[i - 1].seq, (*list)[i].seq);
    auto last3 = store_->list_entries(3);
    ASSERT_EQ(last3->size(), 3u);
    EXPECT_EQ((*last3)[0].record_id, ids[2]) << "a limit keeps the newest entries, still oldest first";
}

TEST_F(StoreTest, ConcurrentPushesOfOneRecordStoreItOnce) {
    CheckinRecord r = sample_record();
    std::vector<std::future<Result<InsertOutcome>>> fs;
    for (int i = 0; i < 8; ++i)
        fs.push_back(std::async(std::launch::async, [&] { return insert(r); }));
    int created = 0, dup = 0;
    for (auto& f : fs) {
        auto o = f.get();
        ASSERT_TRUE(o.ok()) << o.error();
        created += *o == InsertOutcome::Created;
        dup += *o == InsertOutcome::Duplicate;
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(dup, 7);
    EXPECT_EQ(*store_->count_entries(), 1);
}

TEST_F(StoreTest, InjectionStringsAreStoredAsPlainData) {
    CheckinRecord r = sample_record();
    r.verification.face->liveness_challenge = "'); DROP TABLE entries; --";
    r.verification.face->model = "<script>alert(1)</script>";
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    auto e = store_->get_entry(r.record_id);
    ASSERT_TRUE(e.ok() && e->has_value());
    auto back = parse_checkin_record((*e)->record_json);
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->verification.face->liveness_challenge, "'); DROP TABLE entries; --");
    EXPECT_EQ(*store_->count_entries(), 1);
}

TEST_F(StoreTest, StaffActionsFollowTheQueueStatusRules) {
    CheckinRecord r = sample_record();
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    auto now = system_clock().wall_now();
    EXPECT_FALSE(store_->act_on_entry(r.record_id, EntryAction::Finish, "suzuki", now).ok())
        << "a waiting patient cannot be finished";
    auto called = store_->act_on_entry(r.record_id, EntryAction::Call, "suzuki", now);
    ASSERT_TRUE(called.ok()) << called.error();
    EXPECT_EQ(called->status, EntryStatus::Called);
    EXPECT_EQ(called->updated_by, "suzuki");
    ASSERT_EQ(store_->act_on_entry(r.record_id, EntryAction::Start, "dr-sato", now)->status,
              EntryStatus::InConsultation);
    ASSERT_EQ(store_->act_on_entry(r.record_id, EntryAction::Finish, "dr-sato", now)->status,
              EntryStatus::Done);
    auto again = store_->act_on_entry(r.record_id, EntryAction::Cancel, "suzuki", now);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().find("done"), std::string::npos) << again.error();
    EXPECT_EQ((*store_->get_entry(r.record_id))->status, EntryStatus::Done);
    EXPECT_EQ((*store_->get_entry(r.record_id))->updated_by, "dr-sato");
    EXPECT_FALSE(
        store_->act_on_entry("00000000-0000-4000-8000-000000000000", EntryAction::Call, "x", now).ok());
}

// [SECTION] Credentials

TEST_F(StoreTest, KioskTokensAreFoundByTheirHashOnly) {
    ASSERT_TRUE(store_->put_kiosk("kiosk-1", sha256_hex("secret-token"), system_clock().wall_now()).ok());
    EXPECT_EQ(store_->kiosk_for_token_hash(sha256_hex("secret-token"))->value_or(""), "kiosk-1");
    EXPECT_FALSE(store_->kiosk_for_token_hash(sha256_hex("other"))->has_value());
    EXPECT_FALSE(store_->kiosk_for_token_hash("secret-token")->has_value());
    // Re-enrolling replaces the token: the old one stops working.
    ASSERT_TRUE(store_->put_kiosk("kiosk-1", sha256_hex("new-token"), system_clock().wall_now()).ok());
    EXPECT_FALSE(store_->kiosk_for_token_hash(sha256_hex("secret-token"))->has_value());
}

TEST_F(StoreTest, EnrolmentInvitesAreUsedOnceCountFailuresAndAreReplaced) {
    const std::int64_t day = std::int64_t{24} * 3600 * 1000;
    ASSERT_TRUE(store_->put_enrolment_invite({"kiosk-1", "aa", 1000, 2000, 0, 0}));
    ASSERT_TRUE(store_->put_enrolment_invite({"kiosk-2", "bb", 1000, 2000, 0, 0}));
    auto all = store_->list_enrolment_invites();
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 2u);
    EXPECT_EQ((*all)[0].kiosk_id, "kiosk-1");
    EXPECT_EQ((*all)[0].key_hex, "aa");
    EXPECT_EQ((*all)[0].expires_ms, 2000);
    EXPECT_EQ(*store_->count_enrolment_failure("kiosk-1"), 1);
    EXPECT_EQ(*store_->count_enrolment_failure("kiosk-1"), 2);
    EXPECT_EQ(*store_->count_enrolment_failure("kiosk-9"), 0);           // no invite: nothing counted
    EXPECT_FALSE(*store_->use_enrolment_invite("kiosk-1", "bb", 1500));  // another key
    EXPECT_TRUE(*store_->use_enrolment_invite("kiosk-1", "aa", 1500));
    EXPECT_FALSE(*store_->use_enrolment_invite("kiosk-1", "aa", 1600));  // once only
    all = store_->list_enrolment_invites();
    EXPECT_EQ((*all)[0].used_ms, 1500);
    EXPECT_EQ((*all)[0].failures, 2);
    // A new invite replaces the last (unused, no failures), and drops invites expired over a week ago.
    ASSERT_TRUE(store_->put_enrolment_invite({"kiosk-1", "cc", 10 * day, 10 * day + 900000, 0, 0}));
    all = store_->list_enrolment_invites();
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].key_hex, "cc");
    EXPECT_EQ((*all)[0].used_ms, 0);
    EXPECT_EQ((*all)[0].failures, 0);
}

TEST_F(StoreTest, UsersAndSessionsRoundTripAndSessionsExpire) {
    ASSERT_TRUE(store_->put_user({"suzuki", Role::Pharmacist, "$argon2id$x"}).ok());
    auto u = store_->get_user("suzuki");
    ASSERT_TRUE(u.ok() && u->has_value());
    EXPECT_EQ((*u)->role, Role::Pharmacist);
    EXPECT_EQ(*store_->count_users(), 1);
    EXPECT_FALSE(store_->get_user("sato")->has_value());
    ASSERT_TRUE(store_->put_session({"h1", "suzuki", Role::Pharmacist, "csrf1", 1000}).ok());
    EXPECT_TRUE(store_->get_session("h1", 999)->has_value());
    EXPECT_FALSE(store_->get_session("h1", 1000)->has_value()) << "expired";
    ASSERT_TRUE(store_->delete_session("h1").ok());
    EXPECT_FALSE(store_->get_session("h1", 0)->has_value());
    ASSERT_TRUE(store_->put_session({"old", "suzuki", Role::Pharmacist, "c", 500}).ok());
    ASSERT_TRUE(store_->put_session({"new", "suzuki", Role::Pharmacist, "c", 5000}).ok());
    EXPECT_EQ(*store_->purge_sessions(1000), 1) << "only the expired session goes";
    EXPECT_TRUE(store_->get_session("new", 1000)->has_value());
}

// [SECTION] Kiosk health, visual checks, alerts

TEST_F(StoreTest, HeartbeatKeepsTheLatestPerKiosk) {
    ASSERT_TRUE(store_->put_heartbeat({"kiosk-1", "2026-11-25T01:00:00.000Z", "ok", "ok", 0, "0.1"}).ok());
    ASSERT_TRUE(
        store_->put_heartbeat({"kiosk-1", "2026-11-25T01:00:30.000Z", "no_reader", "ok", 3, "0.1"}).ok());
    ASSERT_TRUE(store_->put_heartbeat({"kiosk-2", "2026-11-25T01:00:10.000Z", "ok", "none", 0, "0.1"}).ok());
    auto hs = store_->list_heartbeats();
    ASSERT_EQ(hs->size(), 2u);
    EXPECT_EQ((*hs)[0].reader, "no_reader");
    EXPECT_EQ((*hs)[0].outbox_depth, 3);
    EXPECT_EQ((*hs)[1].camera, "none");
}

TEST_F(StoreTest, VisualCheckIsCreatedOnceAndResolvedOnce) {
    VisualCheck v{"0f8fad5b-d9cb-469f-a165-70867728950e",
                  "kiosk-1",
                  12,
                  "2026-11-25T01:00:00.000Z",
                  VisualCheckState::Pending,
                  "",
                  ""};
    ASSERT_TRUE(store_->create_visual_check(v).ok());
    auto again = store_->create_visual_check(v);
    ASSERT_TRUE(again.ok()) << "creating the same request again is harmless";
    VisualCheck stolen = v;
    stolen.kiosk_id = "kiosk-2";
    EXPECT_FALSE(store_->create_visual_check(stolen).ok()) << "another kiosk cannot take over the id";
    EXPECT_EQ(store_->list_visual_checks(true)->size(), 1u);
    auto done = store_->resolve_visual_check(v.id, true, "suzuki", system_clock().wall_now());
    ASSERT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done->state, VisualCheckState::Confirmed);
    EXPECT_FALSE(store_->resolve_visual_check(v.id, false, "sato", system_clock().wall_now()).ok())
        << "a second answer must not overwrite the first";
    EXPECT_EQ((*store_->get_visual_check(v.id))->staff, "suzuki");
    EXPECT_TRUE(store_->list_visual_checks(true)->empty());
    EXPECT_EQ(store_->list_visual_checks(false)->size(), 1u);
}

TEST_F(StoreTest, AlertsAreListedUntilAcknowledged) {
    auto a = store_->add_alert(
        {0, "kiosk-1", "card_blocked", "PIN locked", "2026-11-25T01:00:00.000Z", false, ""});
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_GT(a->id, 0);
    EXPECT_EQ(store_->list_alerts(true)->size(), 1u);
    auto acked = store_->ack_alert(a->id, "suzuki");
    ASSERT_TRUE(acked.ok());
    EXPECT_TRUE(acked->acknowledged);
    EXPECT_EQ(acked->acknowledged_by, "suzuki");
    EXPECT_TRUE(store_->list_alerts(true)->empty());
    EXPECT_EQ(store_->list_alerts(false)->size(), 1u);
    EXPECT_FALSE(store_->ack_alert(9999, "suzuki").ok());
}

// [SECTION] Change feed

TEST_F(StoreTest, EveryCommittedChangeReachesTheListener) {
    ChangeLog log;
    log.attach(*store_);
    CheckinRecord r = sample_record();
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    EXPECT_TRUE(log.wait_for(Change::Kind::Entry, r.record_id));
    ASSERT_TRUE(store_->act_on_entry(r.record_id, EntryAction::Call, "s", system_clock().wall_now()).ok());
    ASSERT_TRUE(store_->put_heartbeat({"kiosk-9", "2026-11-25T01:00:00.000Z", "ok", "ok", 0, ""}).ok());
    EXPECT_TRUE(log.wait_for(Change::Kind::Heartbeat, "kiosk-9"));
    auto a = store_->add_alert({0, "kiosk-9", "staff_help", "", "2026-11-25T01:00:00.000Z", false, ""});
    EXPECT_TRUE(log.wait_for(Change::Kind::Alert, std::to_string(a->id)));
    store_->set_change_listener(nullptr);
}

TEST_F(StoreTest, DataSurvivesReopening) {
    CheckinRecord r = sample_record();
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    store_.reset();
    store_ = open();
    EXPECT_EQ(*store_->count_entries(), 1);
    EXPECT_EQ(*insert(r), InsertOutcome::Duplicate);
}

#ifdef UK_STORE_PG
// Two reception instances on one database: a change made through one reaches the other's listener.
TEST_F(StoreTest, ChangesFanOutToEveryInstanceThroughNotify) {
    auto other = open();
    ChangeLog on_other, on_self;
    on_other.attach(*other);
    on_self.attach(*store_);
    CheckinRecord r = sample_record();
    ASSERT_EQ(*insert(r), InsertOutcome::Created);
    EXPECT_TRUE(on_other.wait_for(Change::Kind::Entry, r.record_id))
        << "instance B did not hear of A's check-in";
    EXPECT_TRUE(on_self.wait_for(Change::Kind::Entry, r.record_id));
    auto e = other->get_entry(r.record_id);
    ASSERT_TRUE(e.ok() && e->has_value());
    other->set_change_listener(nullptr);
    store_->set_change_listener(nullptr);
}
#endif

// [SECTION] Pure rules (SQLite executable only, no database involved)

#ifndef UK_STORE_PG
TEST(EntryRules, EveryActionAndStatusPairIsDecided) {
    EXPECT_EQ(apply_action(EntryStatus::Waiting, EntryAction::Call), EntryStatus::Called);
    EXPECT_EQ(apply_action(EntryStatus::Called, EntryAction::Call), EntryStatus::Called) << "re-call";
    EXPECT_EQ(apply_action(EntryStatus::Waiting, EntryAction::Start), EntryStatus::InConsultation);
    EXPECT_EQ(apply_action(EntryStatus::InConsultation, EntryAction::Finish), EntryStatus::Done);
    EXPECT_EQ(apply_action(EntryStatus::InConsultation, EntryAction::Cancel), EntryStatus::Cancelled);
    EXPECT_FALSE(apply_action(EntryStatus::Done, EntryAction::Call));
    EXPECT_FALSE(apply_action(EntryStatus::Cancelled, EntryAction::Start));
    EXPECT_FALSE(apply_action(EntryStatus::Waiting, EntryAction::Finish));
    EXPECT_FALSE(apply_action(EntryStatus::InConsultation, EntryAction::Call));
    for (auto s : {"waiting", "called", "in_consultation", "done", "cancelled"})
        EXPECT_EQ(to_string(*parse_entry_status(s)), s);
    EXPECT_FALSE(parse_role("root"));
}
#endif

}  // namespace
}  // namespace uk::reception
