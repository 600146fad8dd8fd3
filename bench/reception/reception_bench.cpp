// Reception benchmark: prints one JSON object.
//   ingest:           N kiosk clients (keep-alive HTTPS, real TLS) push check-ins as fast as they can;
//                     throughput and per-request latency p50 / p99 (goal: 500/s on 2 cores, p99 < 50 ms)
//   push_to_monitor:  one check-in at a time; time from the kiosk's POST to the staff event stream delivering
//   it
//                     (goal: < 200 ms)
// The service runs in this process on loopback, so clients and server share the machine's cores.
//
//   reception_bench [--store sqlite|postgres] [--pg CONNINFO] [--clients 4] [--records 3000] [--samples 200]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "kiosk/core/record.h"
#include "platform/net/https_transport.h"
#include "reception/server/auth.h"
#include "reception/server/service.h"
#include "reception/server/tls.h"
#include "reception/store/store.h"

namespace uk::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class SystemClock final : public uk::Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

std::string uuid(std::mt19937_64& rng) {
    unsigned char b[16];
    std::uint64_t a = rng(), c = rng();
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(a >> (8 * i));
        b[8 + i] = static_cast<unsigned char>(c >> (8 * i));
    }
    return uuid_v4_from_bytes(b);
}

std::string record_json(const std::string& kiosk, int ticket, std::mt19937_64& rng) {
    CheckinRecord r;
    r.record_id = uuid(rng);
    r.facility_code = "1312345678";
    r.kiosk_id = kiosk;
    r.started_at = *parse_rfc3339("2026-11-25T01:30:00.000Z");
    r.completed_at = *parse_rfc3339("2026-11-25T01:31:12.345Z");
    r.kiosk_ticket = ticket % 10000;
    r.verification.method = VerificationMethod::Face;
    r.verification.face = FaceEvidence{0.31, 0.45, "arcface-112", true, "blink"};
    r.consents = {{ConsentItem::Medication, ConsentAnswer::Agreed},
                  {ConsentItem::HealthCheckup, ConsentAnswer::Refused}};
    r.certificate = CertificateRef{"1a2b3c", "CN=Test JPKI User Auth CA,O=Uketsuke Test,C=JP",
                                   "2030-03-31T14:59:59.000Z"};
    return to_json_string(r);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double round2(double x) {
    return static_cast<double>(static_cast<long long>(x * 100 + 0.5)) / 100;
}

int run(int argc, char** argv) {
    std::map<std::string, std::string> opt{
        {"--store", "sqlite"}, {"--clients", "4"}, {"--records", "3000"}, {"--samples", "200"}, {"--pg", ""}};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!opt.contains(argv[i])) {
            std::cerr << "unknown option " << argv[i] << "\n";
            return 2;
        }
        opt[argv[i]] = argv[i + 1];
    }
    const int clients = std::stoi(opt["--clients"]);
    const int records = std::stoi(opt["--records"]);
    const int samples = std::stoi(opt["--samples"]);
    reception::init_crypto();

    std::string tmpl = (std::filesystem::temp_directory_path() / "uk-bench.XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) return 1;
    const std::string dir = tmpl;
    auto store = opt["--store"] == "postgres" ? reception::open_pg_store(opt["--pg"])
                                              : reception::open_sqlite_store(dir + "/reception.db");
    if (!store) {
        std::cerr << "reception_bench: " << store.error() << "\n";
        return 1;
    }
    auto tls = reception::ensure_self_signed(dir + "/tls", "127.0.0.1");
    reception::ServiceConfig cfg;
    cfg.port = 0;
    cfg.data_dir = dir;
    SystemClock clock;
    reception::ReceptionService service(cfg, **store, clock, *tls);
    auto port = service.start();
    if (!port) {
        std::cerr << "reception_bench: " << port.error() << "\n";
        return 1;
    }

    std::vector<std::string> tokens;
    for (int c = 0; c < clients; ++c) {
        std::string token = "ukk_" + reception::random_token(32);
        (void)(*store)->put_kiosk("bench-" + std::to_string(c), reception::sha256_hex(token),
                                  clock.wall_now());
        tokens.push_back(token);
    }
    auto make_transport = [&](int c) {
        HttpsTransportConfig tc;
        tc.port = *port;
        tc.pinned_cert_path = tls->cert_path;
        tc.token = tokens[static_cast<std::size_t>(c)];
        return std::make_unique<HttpsTransport>(tc);
    };

    // [SECTION] Ingest
    std::vector<std::vector<std::string>> bodies(static_cast<std::size_t>(clients));
    std::mt19937_64 rng{42};
    for (int i = 0; i < records; ++i)
        bodies[static_cast<std::size_t>(i % clients)].push_back(
            record_json("bench-" + std::to_string(i % clients), i, rng));
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(clients));
    std::atomic<int> errors{0};
    std::vector<std::unique_ptr<HttpsTransport>> transports;
    for (int c = 0; c < clients; ++c) {
        transports.push_back(make_transport(c));
        transports.back()->get(
            "/healthz");  // TLS handshake before the clock starts (kiosks keep connections)
    }
    auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto& t = *transports[static_cast<std::size_t>(c)];
            for (const auto& b : bodies[static_cast<std::size_t>(c)]) {
                auto s = Clock::now();
                HttpReply r = t.post_json("/api/v1/checkins", b);
                lat[static_cast<std::size_t>(c)].push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - s).count());
                if (r.status != 201) ++errors;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    double wall_s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (auto& l : lat)
        all.insert(all.end(), l.begin(), l.end());

    // [SECTION] Push to monitor
    auto hash = reception::hash_password("bench password 1");
    (void)(*store)->put_user({"bench", reception::Role::Clerk, *hash});
    httplib::SSLClient staff("127.0.0.1", *port);
    staff.set_ca_cert_path(tls->cert_path.c_str());
    staff.enable_server_certificate_verification(true);
    staff.set_tcp_nodelay(true);
    auto login = staff.Post("/api/v1/login", json{{"name", "bench"}, {"password", "bench password 1"}}.dump(),
                            "application/json");
    if (!login || login->status != 200) {
        std::cerr << "reception_bench: staff log-in failed\n";
        return 1;
    }
    std::string cookie = login->get_header_value("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    std::mutex mu;
    std::condition_variable cv;
    std::map<std::string, Clock::time_point> arrived;
    bool hello = false;
    std::atomic<bool> stop{false};
    httplib::SSLClient sse("127.0.0.1", *port);
    sse.set_ca_cert_path(tls->cert_path.c_str());
    sse.enable_server_certificate_verification(true);
    sse.set_tcp_nodelay(true);
    sse.set_read_timeout(std::chrono::seconds(60));
    std::thread listener([&] {
        std::string buf;
        sse.Get("/api/v1/events", {{"Cookie", cookie}}, [&](const char* d, std::size_t n) {
            auto now = Clock::now();
            buf.append(d, n);
            std::size_t end;
            std::lock_guard lock(mu);
            while ((end = buf.find("\n\n")) != std::string::npos) {
                std::string frame = buf.substr(0, end);
                buf.erase(0, end + 2);
                if (frame.find("event: hello") != std::string::npos) hello = true;
                auto p = frame.find("data: ");
                if (frame.find("event: entry") != std::string::npos && p != std::string::npos) {
                    auto j = json::parse(frame.substr(p + 6), nullptr, false);
                    if (j.is_object()) arrived.emplace(j["record_id"].get<std::string>(), now);
                }
            }
            cv.notify_all();
            return !stop.load();
        });
    });
    {
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::seconds(5), [&] { return hello; });
    }
    std::vector<double> push_lat;
    int lost = 0;
    auto& t = *transports[0];
    for (int i = 0; i < samples; ++i) {
        std::string body = record_json("bench-0", i, rng);
        std::string id = json::parse(body)["record_id"];
        auto s = Clock::now();
        t.post_json("/api/v1/checkins", body);
        std::unique_lock lock(mu);
        if (cv.wait_for(lock, std::chrono::seconds(2), [&] { return arrived.contains(id); }))
            push_lat.push_back(std::chrono::duration<double, std::milli>(arrived[id] - s).count());
        else
            ++lost;
    }
    stop = true;
    service.stop();  // ends the stream
    listener.join();

    json out{{"bench", "reception"},
             {"store", (*store)->backend()},
             {"cores", std::thread::hardware_concurrency()},
             {"clients", clients},
             {"ingest",
              {{"records", records},
               {"errors", errors.load()},
               {"seconds", round2(wall_s)},
               {"throughput_per_s", round2(records / wall_s)},
               {"p50_ms", round2(percentile(all, 0.50))},
               {"p99_ms", round2(percentile(all, 0.99))},
               {"max_ms", round2(percentile(all, 1.0))}}},
             {"push_to_monitor",
              {{"samples", samples},
               {"lost", lost},
               {"p50_ms", round2(percentile(push_lat, 0.50))},
               {"p99_ms", round2(percentile(push_lat, 0.99))},
               {"max_ms", round2(percentile(push_lat, 1.0))}}},
             {"goals", {{"ingest_per_s", 500}, {"ingest_p99_ms", 50}, {"push_to_monitor_ms", 200}}}};
    std::cout << out.dump() << std::endl;
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return errors.load() == 0 && lost == 0 ? 0 : 1;
}

}  // namespace
}  // namespace uk::bench

int main(int argc, char** argv) {
    return uk::bench::run(argc, argv);
}
