// The face path end to end over real HTTPS: the kiosk enrols (its Ed25519 key registered with the
// qualification simulator), signs a statement of its face match (kiosk/queue/face_statement.h) and sends it
// ahead of the check-in record; the simulator confirms that record. Without a statement, with an altered one,
// or with one signed by a key the reception does not know, the same record gets "see_staff".
#include <openssl/evp.h>

#include "kiosk/queue/enrolment_proof.h"
#include "kiosk/queue/face_statement.h"
#include "kiosk/queue/kiosk_key.h"
#include "kiosk/queue/outbox.h"
#include "kiosk/queue/reception_client.h"
#include "platform/net/enrolment.h"
#include "reception/qualification/crypto.h"
#include "reception/qualification/reception_hook.h"
#include "reception/qualification/seed.h"
#include "tests/qualification/fixture.h"
#include "tests/reception/test_support.h"

namespace uk::testing {
namespace {

namespace q = uk::qualification;
namespace en = uk::enrolment;

class FacePath : public ::testing::Test {
  protected:
    void SetUp() override {
        auto tweak = [this](reception::ServiceConfig& c) { c.data_dir = data_.path(); };
        r_ = std::make_unique<Reception>(nullptr, tweak, 0, [this](reception::ReceptionService& s) {
            const std::string data = data_.path();
            const auto cfg = q::default_simulator_config(q::ReceptionQualification::folder(data));
            ASSERT_TRUE(q::install_trust_anchor(q::test::pki_dir(), cfg.ca, cfg.crl));
            {
                auto db = q::SimDb::open(cfg.database);
                ASSERT_TRUE(db);
                ASSERT_TRUE(q::seed_from_pki(**db, q::test::pki_dir()));
            }
            auto h = q::ReceptionQualification::open(data, system_clock());
            ASSERT_TRUE(h) << h.error();
            qual_ = std::move(*h);
            auto* qp = qual_.get();
            s.set_extension({[qp](CheckinRecord& rec) { return qp->fill(rec); },
                             [qp](httplib::Server& srv, reception::ServiceExtension::KioskAuth k,
                                  reception::ServiceExtension::StaffAuth st) {
                                 qp->register_routes(srv, {std::move(k), std::move(st)});
                             },
                             [qp](const std::string& kiosk, const std::string& pem) {
                                 return qp->register_kiosk_key(kiosk, pem, "enrolment",
                                                               system_clock().wall_now());
                             }});
        });
        // Enrol as the set-up wizard does: key on first use, code from the invite, files saved.
        auto key = KioskKey::load_or_create(kiosk_.file("face-key.pem"));
        ASSERT_TRUE(key) << key.error();
        key_ = std::make_unique<KioskKey>(std::move(*key));
        auto k = *en::derive_key(*en::normalise_code("7K3M-Q9TX-2B4H"));
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        ASSERT_TRUE(r_->store->put_enrolment_invite({"kiosk-1", en::key_to_hex(k), now, now + 600000, 0, 0}));
        auto e = enrol_kiosk({"127.0.0.1", r_->port, "kiosk-1", "7K3M-Q9TX-2B4H", key_->public_pem()});
        ASSERT_TRUE(e) << e.error();
        EXPECT_TRUE(e->face_key_registered);
        auto files = save_enrolment(*e, kiosk_.path());
        ASSERT_TRUE(files);
        HttpsTransportConfig hc;
        hc.host = "127.0.0.1";
        hc.port = r_->port;
        hc.pinned_cert_path = files->cert_file.string();
        hc.token = e->token;
        transport_ = std::make_unique<HttpsTransport>(hc);
        client_ = std::make_unique<ReceptionClient>(*transport_);
    }
    void TearDown() override {
        client_.reset();
        transport_.reset();
        r_.reset();
        qual_.reset();
    }

    // A face check-in of the simulator's tanaka-ichiro, as the kiosk's flow finishes it.
    CheckinRecord face_record(int ticket) {
        CheckinRecord rec = sample_record("kiosk-1", ticket);
        auto ref = q::certificate_ref(q::test::cert_der("tanaka-ichiro"));
        EXPECT_TRUE(ref);
        rec.certificate = *ref;
        rec.verification.method = VerificationMethod::Face;
        rec.verification.face = FaceEvidence{0.31, 0.45, "arcface-112", true, "blink"};
        return rec;
    }
    std::string push(const CheckinRecord& rec) {
        HttpReply r = transport_->post_json("/api/v1/checkins", to_json_string(rec));
        EXPECT_EQ(r.status, 201) << r.body << r.error;
        return json::parse(r.body, nullptr, false).value("qualification", std::string("?"));
    }

    TempDir data_;  // the reception's data folder, with the simulator in data_/qualification
    std::unique_ptr<Reception> r_;
    std::unique_ptr<q::ReceptionQualification> qual_;
    TempDir kiosk_;
    std::unique_ptr<KioskKey> key_;
    std::unique_ptr<HttpsTransport> transport_;
    std::unique_ptr<ReceptionClient> client_;
};

TEST_F(FacePath, ASignedStatementSentAheadConfirmsTheFaceCheckin) {
    CheckinRecord rec = face_record(1);
    auto st = face_statement_for(rec, std::chrono::system_clock::now());
    ASSERT_TRUE(st) << st.error();
    auto sent = client_->post_face_statement(*st, *key_);
    ASSERT_TRUE(sent) << sent.error();
    EXPECT_EQ(push(rec), "confirmed");
    auto entry = r_->store->get_entry(rec.record_id);
    ASSERT_TRUE(entry && entry->has_value());
    auto stored = parse_checkin_record((*entry)->record_json);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->qualification.status, QualificationStatus::Valid);
}

TEST_F(FacePath, WithoutAStatementTheFaceCheckinGoesToStaff) {
    EXPECT_EQ(push(face_record(2)), "see_staff");
}

TEST_F(FacePath, AnAlteredStatementIsNotBelieved) {
    CheckinRecord rec = face_record(3);
    auto st = face_statement_for(rec, std::chrono::system_clock::now());
    ASSERT_TRUE(st);
    // The kiosk saw distance 0.62 (no match); someone rewrites it to 0.31 after signing.
    FaceStatement honest = *st;
    honest.distance = 0.62;
    honest.matched = false;
    auto sig = key_->sign(honest.canonical());
    ASSERT_TRUE(sig);
    std::string b64(4 * ((sig->size() + 2) / 3) + 1, '\0');
    b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                        sig->data(), static_cast<int>(sig->size()))));
    json statement{{"kiosk_id", st->kiosk_id},
                   {"record_id", st->record_id},
                   {"cert_serial_hex", st->cert_serial_hex},
                   {"cert_issuer", st->cert_issuer},
                   {"distance", st->distance},
                   {"threshold", st->threshold},
                   {"model", st->model},
                   {"matched", st->matched},
                   {"liveness_passed", st->liveness_passed},
                   {"liveness_challenge", st->liveness_challenge},
                   {"made_at", st->made_at}};
    HttpReply r = transport_->post_json("/api/v1/qualification/face-statements",
                                        json{{"statement", statement}, {"signature", b64}}.dump());
    ASSERT_EQ(r.status, 201) << r.body;  // stored; judged when the record arrives
    EXPECT_EQ(push(rec), "see_staff");
}

TEST_F(FacePath, AStatementSignedByAnUnenrolledKeyIsNotBelieved) {
    CheckinRecord rec = face_record(4);
    auto st = face_statement_for(rec, std::chrono::system_clock::now());
    ASSERT_TRUE(st);
    auto stranger = KioskKey::generate();
    ASSERT_TRUE(stranger);
    ASSERT_TRUE(client_->post_face_statement(*st, *stranger));
    EXPECT_EQ(push(rec), "see_staff");
}

TEST_F(FacePath, AStatementForAnotherRecordDoesNotConfirmThisOne) {
    CheckinRecord rec = face_record(5);
    CheckinRecord other = face_record(6);
    auto st = face_statement_for(other, std::chrono::system_clock::now());
    ASSERT_TRUE(client_->post_face_statement(*st, *key_));
    EXPECT_EQ(push(rec), "see_staff");
}

// Through the kiosk's outbox: the statement is stored with its record and delivered right before it, also
// after an outage.
TEST_F(FacePath, TheOutboxDeliversTheStatementBeforeItsRecordAfterAnOutage) {
    auto box = Outbox::open(kiosk_.file("outbox.db"), system_clock());
    ASSERT_TRUE(box) << box.error();
    CheckinRecord rec = face_record(8);
    auto st = face_statement_for(rec, std::chrono::system_clock::now());
    ASSERT_TRUE(st);
    auto body = signed_face_statement_body(*st, *key_);
    ASSERT_TRUE(body) << body.error();
    ASSERT_TRUE((*box)->submit_with_statement(rec, *body));
    EXPECT_EQ((*box)->pending(), 1);

    HttpsTransportConfig down;
    down.host = "127.0.0.1";
    down.port = free_port();
    down.pinned_cert_path = r_->tls.cert_path;
    down.connect_timeout = std::chrono::milliseconds(300);
    HttpsTransport unreachable(down);
    auto first = (*box)->deliver_once(unreachable);
    EXPECT_TRUE(first.transient_failure);
    EXPECT_NE(first.last_error.find("face statement"), std::string::npos) << first.last_error;
    EXPECT_EQ((*box)->pending(), 1);

    auto second = (*box)->deliver_once(*transport_);
    EXPECT_EQ(second.delivered, 1) << second.last_error;
    EXPECT_EQ((*box)->pending(), 0);
    auto entry = r_->store->get_entry(rec.record_id);
    ASSERT_TRUE(entry && entry->has_value());
    auto stored = parse_checkin_record((*entry)->record_json);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->qualification.status, QualificationStatus::Valid);
}

TEST(FaceStatementText, CanonicalTextIsTheSignedFormat) {
    CheckinRecord rec = sample_record("kiosk-1", 7);
    auto st = face_statement_for(rec, *parse_rfc3339("2026-11-25T01:31:12.345Z"));
    ASSERT_TRUE(st);
    EXPECT_EQ(
        st->canonical(),
        "uketsuke-face-statement/1\nkiosk_id=kiosk-1\nrecord_id=" + rec.record_id +
            "\ncert_serial_hex=1a2b3c\ncert_issuer=CN=Test JPKI User Auth CA,O=Uketsuke Test,C=JP\n"
            "distance=0.310000\nthreshold=0.450000\nmodel=arcface-112\nmatched=true\nliveness_passed=true\n"
            "liveness_challenge=blink\nmade_at=2026-11-25T01:31:12.345Z\n");
    rec.verification.face.reset();
    EXPECT_FALSE(face_statement_for(rec, std::chrono::system_clock::now()));
}

}  // namespace
}  // namespace uk::testing
