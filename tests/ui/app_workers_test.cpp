// The app's device side without a window: the card worker on the simulated card (read, wrong and right PIN
// with a signature that verifies against the card's certificate, 照合番号B unlock and chip photo, a card
// pulled out mid-read, stale answers tagged with the old epoch), the outbox/reception worker (with a
// scripted reception), and the sound cues.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "kiosk/app/card_worker.h"
#include "kiosk/app/queue_worker.h"
#include "kiosk/app/sim_reader.h"
#include "kiosk/card/certificate.h"
#include "platform/sdl/audio.h"
#include "tools/cardsim/identity.h"
#include "tools/pki/pki.h"

namespace uk::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace ev = checkin::ev;

class SystemClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

const fs::path& pki_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::path(UK_BINARY_DIR) / "ui-test-pki";
        auto g = pki::ensure_generated(d);
        EXPECT_TRUE(g) << (g ? "" : g.error());
        return d;
    }();
    return dir;
}

Posted wait_event(EventInbox& inbox, std::chrono::milliseconds timeout = 10s) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        auto items = inbox.drain();
        if (!items.empty()) {
            EXPECT_EQ(items.size(), 1u);
            return std::move(items.front());
        }
        std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << "no event within the time-out";
    return {};
}

struct Rig {
    explicit Rig(const std::string& who = "yamada-taro") {
        auto id = cardsim::load_identity(pki_dir(), who);
        EXPECT_TRUE(id) << (id ? "" : id.error());
        cardsim::reset_counters(*id);
        identity = *id;
        card = std::make_unique<cardsim::SimulatedCard>(std::move(*id));
        reader = std::make_unique<SimReader>(*card);
        CardWorkerOptions o;
        o.challenge = [this] { return std::make_pair(std::string("kiosk:test"), challenge); };
        worker = std::make_unique<CardWorker>(*reader, inbox, clock, o);
        CardTask t;
        t.kind = CardTask::Kind::Run;
        t.run = [this] { reader->insert(); };
        worker->submit(std::move(t));
    }
    CardTask task(CardTask::Kind k, std::uint64_t epoch = 1) {
        CardTask t;
        t.kind = k;
        t.epoch = epoch;
        return t;
    }
    cardsim::Identity identity;
    card::Bytes challenge = card::Bytes(32, 0x5A);
    SystemClock clock;
    EventInbox inbox;
    std::unique_ptr<cardsim::SimulatedCard> card;
    std::unique_ptr<SimReader> reader;
    std::unique_ptr<CardWorker> worker;
};

TEST(CardWorker, ReadsTheCertificateAndTriesLeft) {
    Rig r;
    r.worker->submit(r.task(CardTask::Kind::Read, 7));
    Posted p = wait_event(r.inbox);
    EXPECT_EQ(p.epoch, 7u);
    auto* read = std::get_if<ev::CardRead>(&p.event);
    ASSERT_NE(read, nullptr) << "got event index " << p.event.index();
    EXPECT_EQ(read->info.pin_tries_left, 3);
    EXPECT_EQ(read->info.match_code_tries_left, 10);
    EXPECT_EQ(read->info.certificate_state, checkin::CertificateState::Valid);
    EXPECT_FALSE(read->info.certificate.serial_hex.empty());
}

TEST(CardWorker, AWrongPinThenTheRightOneSignsTheChallenge) {
    Rig r;
    auto wrong = r.task(CardTask::Kind::VerifyPin);
    for (char c : std::string("9999"))
        wrong.pin.push(c);
    r.worker->submit(std::move(wrong));
    Posted p = wait_event(r.inbox);
    auto* w = std::get_if<ev::PinWrong>(&p.event);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->tries_left, 2);

    auto right = r.task(CardTask::Kind::VerifyPin);
    for (char c : r.identity.pin)
        right.pin.push(c);
    r.worker->submit(std::move(right));
    p = wait_event(r.inbox);
    auto* v = std::get_if<ev::PinVerified>(&p.event);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->evidence.challenge_id, "kiosk:test");
    // The signature is the card's, over the challenge: it verifies against the user-auth certificate.
    card::Bytes sig(v->evidence.signature.size());
    int n = EVP_DecodeBlock(sig.data(), reinterpret_cast<const unsigned char*>(v->evidence.signature.data()),
                            static_cast<int>(v->evidence.signature.size()));
    ASSERT_GT(n, 0);
    std::size_t pad = static_cast<std::size_t>(
        std::count(v->evidence.signature.end() - 2, v->evidence.signature.end(), '='));
    sig.resize(static_cast<std::size_t>(n) - pad);  // EVP_DecodeBlock counts the '=' padding as bytes
    auto cert = card::parse_certificate(r.identity.auth_cert);
    ASSERT_TRUE(cert) << cert.error();
    EXPECT_TRUE(card::verify_signature(*cert, r.challenge, sig));
    EXPECT_FALSE(card::verify_signature(*cert, card::Bytes(32, 0x00), sig));
}

TEST(CardWorker, TheLastTryBlocksThePin) {
    Rig r;
    for (int i = 0; i < 3; ++i) {
        auto t = r.task(CardTask::Kind::VerifyPin);
        for (char c : std::string("0000"))
            t.pin.push(c);
        r.worker->submit(std::move(t));
        Posted p = wait_event(r.inbox);
        if (i < 2)
            EXPECT_TRUE(std::holds_alternative<ev::PinWrong>(p.event)) << i;
        else
            EXPECT_TRUE(std::holds_alternative<ev::PinBlocked>(p.event) ||
                        (std::holds_alternative<ev::PinWrong>(p.event) &&
                         std::get<ev::PinWrong>(p.event).tries_left == 0));
    }
}

TEST(CardWorker, UnlocksTheChipPhotoWithMatchCodeB) {
    Rig r;
    std::optional<std::string> code;
    for (const auto& spec : pki::default_identities())
        if (spec.name == "yamada-taro") code = pki::match_code_b(spec);
    ASSERT_TRUE(code);
    auto t = r.task(CardTask::Kind::UnlockPhoto);
    for (char c : *code)
        t.match_code.push(c);
    r.worker->submit(std::move(t));
    Posted p = wait_event(r.inbox);
    if (r.identity.face_jp2) {
        EXPECT_TRUE(std::holds_alternative<ev::PhotoUnlocked>(p.event));
        auto photo = r.worker->take_photo();
        ASSERT_TRUE(photo);
        EXPECT_FALSE(photo->jpeg2000.empty());
        EXPECT_FALSE(r.worker->take_photo()) << "the photo is handed over once";
    } else {
        // No photo on this test card: the VERIFY succeeded, the read says so.
        auto* f = std::get_if<ev::PhotoUnlockFailed>(&p.event);
        ASSERT_NE(f, nullptr);
        EXPECT_EQ(f->fault, CardFault::NotFound);
        EXPECT_EQ(f->tries_left, 10);  // the right code reset the counter; the flow must not see -1
    }
}

TEST(CardWorker, ACardPulledOutMidReadIsReportedAsRemoved) {
    Rig r;
    r.card->faults().delay = 30ms;  // slow card: the removal lands between APDUs
    r.worker->submit(r.task(CardTask::Kind::Read, 3));
    std::this_thread::sleep_for(50ms);
    r.reader->remove();
    Posted p = wait_event(r.inbox);
    auto* f = std::get_if<ev::CardReadFailed>(&p.event);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->fault, CardFault::Removed);
    EXPECT_EQ(p.epoch, 3u);
}

class ScriptedReception final : public ReceptionTransport {
  public:
    explicit ScriptedReception(int status) : status_(status) {}
    HttpReply post_json(std::string_view path, const std::string& body) override {
        std::lock_guard lock(mu_);
        paths.emplace_back(path);
        bodies.push_back(body);
        HttpReply r;
        r.status = status_;
        if (status_ == 0) r.error = "connection refused";
        return r;
    }
    HttpReply get(std::string_view) override { return {}; }
    std::mutex mu_;
    std::vector<std::string> paths, bodies;

  private:
    int status_;
};

CheckinRecord sample_record(const std::string& id) {
    CheckinRecord rec;
    rec.record_id = id;
    rec.facility_code = "1310000001";
    rec.kiosk_id = "kiosk-1";
    rec.started_at = rec.completed_at = std::chrono::system_clock::now();
    rec.verification.method = VerificationMethod::StaffVisual;
    rec.verification.staff = StaffEvidence{"staff-1"};
    return rec;
}

fs::path fresh_dir(const std::string& name) {
    fs::path dir = fs::path(UK_BINARY_DIR) / ("ui-test-" + name);
    fs::remove_all(dir);
    return dir;
}

TEST(QueueWorker, WithoutAReceptionRecordsWaitInTheOutboxWithTheirNumbers) {
    fs::path dir = fresh_dir("queue-offline");
    SystemClock clock;
    EventInbox inbox;
    {
        QueueWorker q(dir, nullptr, inbox, clock, {});
        ASSERT_TRUE(q.ok());
        q.submit(sample_record("0f8fad5b-d9cb-469f-a165-70867728950e"));
        EXPECT_EQ(std::get<ev::SubmitQueued>(wait_event(inbox).event).ticket, 1);
        q.submit(sample_record("0f8fad5b-d9cb-469f-a165-70867728950e"));  // "try again": same number
        EXPECT_EQ(std::get<ev::SubmitQueued>(wait_event(inbox).event).ticket, 1);
        q.submit(sample_record("1f8fad5b-d9cb-469f-a165-70867728950e"));
        EXPECT_EQ(std::get<ev::SubmitQueued>(wait_event(inbox).event).ticket, 2);
        EXPECT_EQ(q.pending(), 2);  // stored once per record id
    }
    // A restart keeps both the records and the day's numbering.
    QueueWorker again(dir, nullptr, inbox, clock, {});
    EXPECT_EQ(again.pending(), 2);
    again.submit(sample_record("2f8fad5b-d9cb-469f-a165-70867728950e"));
    EXPECT_EQ(std::get<ev::SubmitQueued>(wait_event(inbox).event).ticket, 3);
}

TEST(QueueWorker, AReachableReceptionAcceptsTheRecordWithItsNumber) {
    fs::path dir = fresh_dir("queue-online");
    SystemClock clock;
    EventInbox inbox;
    auto reception = std::make_unique<ScriptedReception>(201);
    ScriptedReception* seen = reception.get();
    QueueWorker q(dir, std::move(reception), inbox, clock, {}, 5s);
    q.submit(sample_record("0f8fad5b-d9cb-469f-a165-70867728950e"));
    Posted p = wait_event(inbox);
    auto* a = std::get_if<ev::SubmitAccepted>(&p.event);
    ASSERT_NE(a, nullptr) << "event index " << p.event.index();
    EXPECT_EQ(a->ticket, 1);
    EXPECT_EQ(q.pending(), 0);
    std::lock_guard lock(seen->mu_);
    ASSERT_EQ(seen->bodies.size(), 1u);
    EXPECT_EQ(seen->paths[0], "/api/v1/checkins");
    auto sent = parse_checkin_record(seen->bodies[0]);
    ASSERT_TRUE(sent) << sent.error();
    EXPECT_EQ(sent->kiosk_ticket, 1);  // the number on the screen is the number staff see
}

TEST(QueueWorker, AnUnreachableReceptionLeavesTheRecordQueued) {
    fs::path dir = fresh_dir("queue-down");
    SystemClock clock;
    EventInbox inbox;
    QueueWorker q(dir, std::make_unique<ScriptedReception>(0), inbox, clock, {}, 300ms);
    q.submit(sample_record("0f8fad5b-d9cb-469f-a165-70867728950e"));
    EXPECT_TRUE(std::holds_alternative<ev::SubmitQueued>(wait_event(inbox).event));
    EXPECT_EQ(q.pending(), 1);
}

TEST(QueueWorker, AFaceCheckInTravelsWithTheKiosksSignedStatementFirst) {
    fs::path dir = fresh_dir("queue-face");
    SystemClock clock;
    EventInbox inbox;
    auto key = KioskKey::generate();
    ASSERT_TRUE(key) << key.error();
    auto reception = std::make_unique<ScriptedReception>(201);
    ScriptedReception* seen = reception.get();
    QueueWorker q(dir, std::move(reception), inbox, clock, {}, 5s);
    q.set_face_signer(std::make_shared<const KioskKey>(std::move(*key)));
    CheckinRecord face = sample_record("3f8fad5b-d9cb-469f-a165-70867728950e");
    face.certificate = CertificateRef{"0a1b2c", "CN=Test CA", "2030-03-31T14:59:59.000Z"};
    face.verification = Verification{};
    face.verification.method = VerificationMethod::Face;
    face.verification.face = FaceEvidence{0.31, 0.45, "fr_feature", true, "random"};
    q.submit(face);
    ASSERT_TRUE(std::holds_alternative<ev::SubmitAccepted>(wait_event(inbox).event));
    q.submit(sample_record("4f8fad5b-d9cb-469f-a165-70867728950e"));  // a staff check: no statement
    ASSERT_TRUE(std::holds_alternative<ev::SubmitAccepted>(wait_event(inbox).event));
    std::lock_guard lock(seen->mu_);
    ASSERT_EQ(seen->paths.size(), 3u);
    EXPECT_EQ(seen->paths[0], "/api/v1/qualification/face-statements");
    EXPECT_EQ(seen->paths[1], "/api/v1/checkins");
    EXPECT_EQ(seen->paths[2], "/api/v1/checkins");
    auto body = nlohmann::json::parse(seen->bodies[0]);
    EXPECT_EQ(body["statement"]["record_id"], face.record_id);
    EXPECT_EQ(body["statement"]["cert_serial_hex"], "0a1b2c");
    EXPECT_TRUE(body["statement"]["matched"].get<bool>());
    EXPECT_FALSE(body["signature"].get<std::string>().empty());
}

TEST(QueueWorker, AnOutboxThatCannotBeOpenedGivesSubmitFailed) {
    SystemClock clock;
    EventInbox inbox;
    QueueWorker q("/proc/uketsuke-cannot-write", nullptr, inbox, clock, {});
    EXPECT_FALSE(q.ok());
    q.submit(sample_record("0f8fad5b-d9cb-469f-a165-70867728950e"));
    EXPECT_TRUE(std::holds_alternative<ev::SubmitFailed>(wait_event(inbox).event));
}

TEST(SoundCues, AreShortDistinctAndNotClipped) {
    auto a = sdl::synthesize_cue(checkin::Sound::CardRead);
    auto b = sdl::synthesize_cue(checkin::Sound::Success);
    auto c = sdl::synthesize_cue(checkin::Sound::Attention);
    for (const auto* s : {&a, &b, &c}) {
        ASSERT_FALSE(s->empty());
        EXPECT_LT(s->size(), static_cast<std::size_t>(sdl::kAudioRate * 2));  // under two seconds
        int peak = 0;
        for (auto v : *s)
            peak = std::max(peak, std::abs(static_cast<int>(v)));
        EXPECT_GT(peak, 8000);                                   // audible
        EXPECT_LT(peak, 32000);                                  // no clipping
        EXPECT_LT(std::abs(static_cast<int>(s->front())), 200);  // fades in: no click
        EXPECT_LT(std::abs(static_cast<int>(s->back())), 200);
    }
    EXPECT_NE(a, b);
    EXPECT_NE(b, c);
    EXPECT_GT(c.size(), a.size());  // attention is the longest
}

}  // namespace
}  // namespace uk::app
