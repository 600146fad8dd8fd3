// A burst of pushes from four kiosks while the real `uketsuke-reception serve` process is killed with SIGKILL
// and restarted, again and again: afterwards every record is stored exactly once and no outbox holds
// anything.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <set>

#include "kiosk/queue/outbox.h"
#include "tests/reception/test_support.h"

namespace uk {
namespace {

using uk::testing::free_port;
using uk::testing::TempDir;

std::string run_capture(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    ::pclose(p);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

// The service as a child process, stopped by its PID only.
class ServerProcess {
  public:
    ServerProcess(std::string data, int port) : data_(std::move(data)), port_(port) {}
    ~ServerProcess() { kill(SIGKILL); }

    void start() {
        pid_ = ::fork();
        if (pid_ == 0) {
            int fd = ::open((data_ + "/server.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::string listen = "127.0.0.1:" + std::to_string(port_);
            ::execl(UK_RECEPTION_EXE, UK_RECEPTION_EXE, "serve", "--data", data_.c_str(), "--listen",
                    listen.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    bool wait_healthy(std::chrono::milliseconds timeout) {
        auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            if (std::filesystem::exists(data_ + "/tls/cert.pem")) {
                httplib::SSLClient c("127.0.0.1", port_);
                c.set_ca_cert_path((data_ + "/tls/cert.pem").c_str());
                c.enable_server_certificate_verification(true);
                c.set_connection_timeout(std::chrono::milliseconds(200));
                auto r = c.Get("/healthz");
                if (r && r->status == 200) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    void kill(int sig) {
        if (pid_ <= 0) return;
        ::kill(pid_, sig);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
    }

  private:
    std::string data_;
    int port_;
    pid_t pid_ = -1;
};

TEST(CrashBurst, SigkillDuringABurstLosesAndDuplicatesNothing) {
    TempDir data;
    const std::string exe = UK_RECEPTION_EXE;
    constexpr int kKiosks = 4, kKills = 5, kMinPerKiosk = 40;
    std::vector<std::string> tokens;
    for (int k = 0; k < kKiosks; ++k) {
        tokens.push_back(run_capture(exe + " kiosk add kiosk-" + std::to_string(k) + " --data " +
                                     data.path() + " 2>/dev/null"));
        ASSERT_EQ(tokens.back().rfind("ukk_", 0), 0u) << tokens.back();
    }
    int port = free_port();
    ServerProcess server(data.path(), port);
    server.start();
    ASSERT_TRUE(server.wait_healthy(std::chrono::seconds(10)));

    struct Kiosk {
        TempDir dir;
        std::unique_ptr<Outbox> box;
        std::unique_ptr<HttpsTransport> transport;
        std::unique_ptr<OutboxPusher> pusher;
        std::vector<std::string> ids;
    };
    std::vector<std::unique_ptr<Kiosk>> kiosks;
    for (int k = 0; k < kKiosks; ++k) {
        auto ki = std::make_unique<Kiosk>();
        ki->box = Outbox::open(ki->dir.file("outbox.db"), uk::testing::system_clock()).value();
        HttpsTransportConfig tc;
        tc.port = port;
        tc.pinned_cert_path = data.file("tls/cert.pem");
        tc.token = tokens[static_cast<std::size_t>(k)];
        tc.connect_timeout = std::chrono::milliseconds(300);
        tc.read_timeout = std::chrono::milliseconds(2000);
        ki->transport = std::make_unique<HttpsTransport>(tc);
        ki->pusher = std::make_unique<OutboxPusher>(
            *ki->box, *ki->transport,
            BackoffPolicy{std::chrono::milliseconds(30), std::chrono::milliseconds(300), 0.2},
            std::chrono::milliseconds(100));
        ki->pusher->start();
        kiosks.push_back(std::move(ki));
    }

    std::atomic<bool> producing{true};
    std::vector<std::thread> producers;
    for (int k = 0; k < kKiosks; ++k) {
        producers.emplace_back([&, k] {
            Kiosk& ki = *kiosks[static_cast<std::size_t>(k)];
            for (int i = 0; producing || i < kMinPerKiosk; ++i) {
                CheckinRecord rec = uk::testing::sample_record("kiosk-" + std::to_string(k), i + 1);
                ki.ids.push_back(rec.record_id);
                ASSERT_TRUE(ki.box->submit(rec).ok());
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
    }
    int kills = 0;
    for (; kills < kKills; ++kills) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        server.kill(SIGKILL);
        server.start();
        ASSERT_TRUE(server.wait_healthy(std::chrono::seconds(10)));
    }
    producing = false;
    for (auto& p : producers)
        p.join();
    ASSERT_TRUE(server.wait_healthy(std::chrono::seconds(10)));

    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto pending = [&] {
        std::int64_t n = 0;
        for (auto& k : kiosks)
            n += k->box->pending();
        return n;
    };
    while (pending() > 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (auto& k : kiosks)
        k->pusher->stop();
    ASSERT_EQ(pending(), 0);
    for (auto& k : kiosks)
        EXPECT_EQ(k->box->dead_letter_count(), 0);
    for (auto& k : kiosks)
        k->transport.reset();  // close keep-alive connections so the clean stop is quick
    server.kill(SIGTERM);

    auto store = reception::open_sqlite_store(data.file("reception.db"));
    ASSERT_TRUE(store.ok()) << store.error();
    std::size_t pushed = 0;
    for (auto& k : kiosks)
        pushed += k->ids.size();
    std::printf("crash burst: %zu records from %d kiosks across %d SIGKILLs\n", pushed, kKiosks, kills);
    EXPECT_EQ(*(*store)->count_entries(), static_cast<std::int64_t>(pushed));
    auto entries = (*store)->list_entries(100000);
    std::set<std::string> seen;
    for (const auto& e : *entries) {
        EXPECT_TRUE(seen.insert(e.record_id).second) << "stored twice: " << e.record_id;
        EXPECT_TRUE(parse_checkin_record(e.record_json).ok())
            << "a stored record does not parse: " << e.record_id;
    }
    for (auto& k : kiosks)
        for (const auto& id : k->ids)
            EXPECT_TRUE(seen.contains(id)) << "lost: " << id;
}

}  // namespace
}  // namespace uk
