// End to end, with the real binaries: uketsuke-qualification seeds the simulator, uketsuke-reception serves
// over HTTPS; the kiosk side is the real check-in flow (kiosk/checkin) driving the card simulator
// (tools/cardsim, in-process transport, real APDUs through kiosk/card). A PIN check-in ends with the
// qualification result on the queue the monitor reads, the consented medication for the doctor (refused for
// the clerk, both audited), and the レセコン XML file in the folder.
#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "kiosk/card/mynumber_card.h"
#include "kiosk/checkin/flow.h"
#include "tests/qualification/fixture.h"
#include "tools/cardsim/identity.h"
#include "tools/cardsim/in_process_transport.h"
#include "tools/cardsim/sim_card.h"

namespace uk::qualification::test {
namespace {

using nlohmann::json;

class RealClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

std::string capture(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[1024];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

// A port nobody listens on (the socket is closed again before the service binds it).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        return 0;
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

class ReceptionProcess {
  public:
    ReceptionProcess(fs::path data, int port) : data_(std::move(data)), port_(port) {}
    ~ReceptionProcess() { stop(); }
    void start() {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open((data_ / "server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            const std::string listen = "127.0.0.1:" + std::to_string(port_);
            ::execl(UK_RECEPTION_EXE, UK_RECEPTION_EXE, "serve", "--data", data_.c_str(), "--listen",
                    listen.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    std::unique_ptr<httplib::SSLClient> client() const {
        auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
        c->set_ca_cert_path((data_ / "tls" / "cert.pem").c_str());
        c->enable_server_certificate_verification(true);
        c->set_read_timeout(std::chrono::seconds(10));
        return c;
    }
    bool wait_healthy() {
        for (int i = 0; i < 500; ++i) {
            if (fs::exists(data_ / "tls" / "cert.pem")) {
                auto c = client();
                c->set_connection_timeout(std::chrono::milliseconds(200));
                auto r = c->Get("/healthz");
                if (r && r->status == 200) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }
    const fs::path& data() const { return data_; }

  private:
    fs::path data_;
    int port_;
    pid_t pid_ = -1;
};

class Staff {
  public:
    Staff(const ReceptionProcess& r, const std::string& name, const std::string& password) : c_(r.client()) {
        json body = json::object();
        body["name"] = name;
        body["password"] = password;
        auto res = c_->Post("/api/v1/login", body.dump(), "application/json");
        ok_ = res && res->status == 200;
        if (!ok_) return;
        const std::string set_cookie = res->get_header_value("Set-Cookie");
        cookie_ = set_cookie.substr(0, set_cookie.find(';'));
    }
    bool ok() const { return ok_; }
    httplib::Result get(const std::string& path) { return c_->Get(path, {{"Cookie", cookie_}}); }

  private:
    std::unique_ptr<httplib::SSLClient> c_;
    std::string cookie_;
    bool ok_ = false;
};

TEST(QualificationEndToEnd, PinCheckInShowsTheResultOnTheQueueAndWritesTheReceiptFile) {
    const fs::path data = fs::temp_directory_path() / ("uk-qual-e2e-" + std::to_string(::getpid()));
    fs::remove_all(data);
    fs::create_directories(data);
    const std::string q = UK_QUALIFICATION_EXE, r = UK_RECEPTION_EXE;

    // Set-up, as the administrator does it.
    ASSERT_EQ(std::system((q + " --data " + (data / "qualification").string() + " seed --pki " +
                           pki_dir().string() + " > /dev/null")
                              .c_str()),
              0);
    const std::string token = capture(r + " kiosk add kiosk-1 --data " + data.string() + " 2>/dev/null");
    ASSERT_FALSE(token.empty());
    ASSERT_EQ(std::system(("printf 'dr-pass-1234\\n' | " + r + " user add dr-ito --role doctor --data " +
                           data.string() + " > /dev/null 2>&1")
                              .c_str()),
              0);
    ASSERT_EQ(std::system(("printf 'clerk-pass-1234\\n' | " + r + " user add clerk-1 --role clerk --data " +
                           data.string() + " > /dev/null 2>&1")
                              .c_str()),
              0);
    ReceptionProcess reception(data, free_port());
    reception.start();
    ASSERT_TRUE(reception.wait_healthy()) << capture("cat " + (data / "server.log").string());
    auto kiosk_http = reception.client();
    const httplib::Headers kiosk_auth{{"Authorization", "Bearer " + token}};

    // The kiosk: the card simulator behind the real card code, and the real check-in flow.
    auto identity = cardsim::load_identity(pki_dir(), "yamada-taro");
    ASSERT_TRUE(identity) << identity.error();
    identity->dir.clear();  // counters in memory only
    cardsim::SimulatedCard sim(std::move(*identity));
    cardsim::InProcessTransport transport(sim);
    card::MyNumberCard card(transport);
    RealClock clock;
    checkin::FlowConfig fc;
    fc.facility.code = "1310000001";
    fc.facility.type = FacilityType::Clinic;
    fc.kiosk_id = "kiosk-1";
    checkin::Flow flow(fc, clock);

    const std::string record_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    auto effects = flow.dispatch(checkin::ev::CardInserted{record_id, clock.wall_now()});
    auto cert = card.read_auth_certificate();
    ASSERT_TRUE(cert);
    auto tries = card.auth_pin_tries_left();
    ASSERT_TRUE(tries);
    checkin::CardInfo info;
    info.certificate = CertificateRef{cert->serial_hex, cert->issuer, format_rfc3339(cert->not_after)};
    info.pin_tries_left = *tries;
    flow.dispatch(checkin::ev::CardRead{info});
    flow.dispatch(checkin::ev::MethodChosen{VerificationMethod::Pin});
    effects = flow.dispatch(checkin::ev::PinEntered{});
    ASSERT_TRUE(std::any_of(effects.begin(), effects.end(), [](const checkin::Effect& e) {
        return std::holds_alternative<checkin::fx::VerifyPin>(e);
    }));
    // VerifyPin: the reception's challenge, VERIFY, the card's signature.
    auto ch = kiosk_http->Post("/api/v1/qualification/challenges", kiosk_auth, "", "application/json");
    ASSERT_TRUE(ch);
    ASSERT_EQ(ch->status, 201) << ch->body;
    const json challenge = json::parse(ch->body);
    Pin pin;
    for (char c : std::string("1234"))
        pin.push(c);
    ASSERT_TRUE(card.verify_auth_pin(pin));
    const std::string to_sign = *base64_decode(challenge["to_sign"].get<std::string>());
    auto sig = card.sign_challenge(
        card::ByteView(reinterpret_cast<const std::uint8_t*>(to_sign.data()), to_sign.size()));
    ASSERT_TRUE(sig);
    flow.dispatch(checkin::ev::PinVerified{PinEvidence{
        challenge["challenge_id"].get<std::string>(), base64_encode(std::string(sig->begin(), sig->end()))}});
    flow.dispatch(checkin::ev::ConsentAgreeAll{});
    effects = flow.dispatch(checkin::ev::Confirmed{});
    const checkin::fx::SubmitRecord* submit = nullptr;
    for (const auto& e : effects)
        if (auto* s = std::get_if<checkin::fx::SubmitRecord>(&e)) submit = s;
    ASSERT_NE(submit, nullptr) << "phase " << checkin::to_string(flow.state().phase);
    EXPECT_EQ(submit->record.qualification.status, QualificationStatus::Pending);

    auto posted =
        kiosk_http->Post("/api/v1/checkins", kiosk_auth, to_json_string(submit->record), "application/json");
    ASSERT_TRUE(posted);
    ASSERT_EQ(posted->status, 201) << posted->body;
    const json answer = json::parse(posted->body);
    ASSERT_TRUE(answer.contains("qualification")) << posted->body;
    EXPECT_EQ(answer["qualification"], "confirmed");  // the patient learns nothing more
    EXPECT_EQ(posted->body.find("01130012"), std::string::npos);
    // The outbox resends: same answer, nothing stored twice.
    auto again =
        kiosk_http->Post("/api/v1/checkins", kiosk_auth, to_json_string(submit->record), "application/json");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;
    QualificationResult for_kiosk;
    for_kiosk.status = QualificationStatus::Valid;
    flow.dispatch(checkin::ev::SubmitAccepted{1, for_kiosk});
    EXPECT_EQ(flow.state().phase, checkin::Phase::Done);

    // The monitor's queue shows the result.
    Staff clerk(reception, "clerk-1", "clerk-pass-1234");
    ASSERT_TRUE(clerk.ok());
    auto queue = clerk.get("/api/v1/queue");
    ASSERT_TRUE(queue);
    ASSERT_EQ(queue->status, 200);
    const json qj = json::parse(queue->body);
    ASSERT_EQ(qj["entries"].size(), 1u);
    const json& rec = qj["entries"][0]["record"];
    EXPECT_EQ(rec["record_id"], record_id);
    EXPECT_EQ(rec["qualification"]["status"], "valid");
    EXPECT_FALSE(rec["qualification"]["checked_at"].get<std::string>().empty());
    auto details = clerk.get("/api/v1/qualification/entries/" + record_id);
    ASSERT_EQ(details->status, 200) << details->body;
    EXPECT_EQ(json::parse(details->body)["insured"]["insurer_number"], "01130012");

    // Consented information: the doctor sees it, the clerk does not; both attempts are audited.
    EXPECT_EQ(clerk.get("/api/v1/qualification/entries/" + record_id + "/medication")->status, 403);
    Staff doctor(reception, "dr-ito", "dr-pass-1234");
    ASSERT_TRUE(doctor.ok());
    auto med = doctor.get("/api/v1/qualification/entries/" + record_id + "/medication");
    ASSERT_EQ(med->status, 200) << med->body;
    EXPECT_EQ(json::parse(med->body)["medications"].size(), 3u);

    // The レセコン file.
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(data / "qualification" / "receipt" / "face"))
        files.push_back(e.path());
    ASSERT_EQ(files.size(), 1u);
    auto m = xml::parse_result(slurp(files[0]));
    ASSERT_TRUE(m) << m.error();
    EXPECT_EQ(m->character_code, xml::CharacterCode::ShiftJis);
    EXPECT_EQ(m->qualification_validity, "1");
    EXPECT_EQ(m->arbitrary_file_identifier, record_id);
    ASSERT_EQ(m->results.size(), 1u);
    EXPECT_EQ(m->results[0].name, "山田 太郎");
    EXPECT_EQ(m->results[0].consents.at(ConsentItem::Medication).flg, "1");

    reception.stop();
    const std::string log =
        capture(q + " --data " + (data / "qualification").string() + " audit list " + record_id + " 2>&1");
    EXPECT_NE(log.find("qualification.confirm"), std::string::npos) << log;
    EXPECT_NE(log.find("\"actor\":\"clerk-1\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"actor\":\"dr-ito\""), std::string::npos) << log;
    EXPECT_EQ(std::system(
                  (q + " --data " + (data / "qualification").string() + " audit verify > /dev/null").c_str()),
              0);
    fs::remove_all(data);
}

}  // namespace
}  // namespace uk::qualification::test
