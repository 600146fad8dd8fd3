// bench/card: time and APDU count from card insertion to the user-authentication certificate + the chip photo
// read, through the real pcscd + vpcd with uketsuke-cardsim (goal: under 300 ms with the fewest APDUs), and
// the same read in-process for reference. Prints one JSON object.
//   card_read_bench [--iterations N]
// "insertion" is when SCardGetStatusChange reports the card present (what the kiosk can see);
// spawn_to_read_ms also counts starting the simulator process and pcscd's polling of the vpcd slot.
#include <PCSC/winscard.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/card/mynumber_card.h"
#include "platform/pcsc/pcsc.h"
#include "tests/card/pcscd_fixture.h"
#include "tools/cardsim/in_process_transport.h"
#include "tools/cardsim/photo.h"
#include "tools/pki/pki.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

nlohmann::json stats(std::vector<double> v) {
    if (v.empty()) return nullptr;
    std::sort(v.begin(), v.end());
    auto at = [&](double q) {
        return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
    };
    double sum = 0;
    for (double x : v)
        sum += x;
    return {{"median", at(0.5)},
            {"p90", at(0.9)},
            {"max", v.back()},
            {"mean", sum / static_cast<double>(v.size())}};
}

struct ReadResult {
    bool ok = false;
    std::size_t apdus = 0;
    std::size_t cert_bytes = 0, photo_bytes = 0;
    std::string error;
};

ReadResult read_cert_and_photo(uk::card::CardTransport& t) {
    uk::card::MyNumberCard s(t);
    ReadResult r;
    auto cert = s.read_auth_certificate();
    uk::MatchCodeB code;
    for (char c : std::string_view("60041220344821"))
        code.push(c);
    auto v = cert ? s.verify_match_code_b(code) : uk::card::CardResult<uk::card::Done>(cert.error());
    auto photo = v ? s.read_face_photo() : uk::card::CardResult<uk::card::FacePhoto>(v.error());
    r.apdus = s.apdu_count();
    if (!photo) {
        r.error = photo.error().message;
        return r;
    }
    r.ok = true;
    r.cert_bytes = cert->der.size();
    r.photo_bytes = photo->jpeg2000.size();
    return r;
}

// Waits for the reader to report a card; returns false on time-out.
bool wait_present(SCARDCONTEXT ctx, std::chrono::milliseconds timeout) {
    SCARD_READERSTATE s{};
    s.szReader = uk::cardtest::Pcscd::kReaderName;
    s.dwCurrentState = SCARD_STATE_EMPTY;
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        const LONG rv = SCardGetStatusChange(ctx, 100, &s, 1);
        if (rv == SCARD_S_SUCCESS) {
            if (s.dwEventState & SCARD_STATE_PRESENT) return true;
            s.dwCurrentState = s.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    int iterations = 20;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: card_read_bench [--iterations N]\n");
            return 2;
        }
    }
    const fs::path data = fs::temp_directory_path() / ("uk-card-bench-" + std::to_string(::getpid()));
    if (auto g = uk::pki::generate(data); !g) {
        std::fprintf(stderr, "card_read_bench: %s\n", g.error().c_str());
        return 1;
    }
    // A chip-sized photo: a face from ../shared when present, else a synthetic one of the same size.
    const fs::path face = fs::path(UK_SHARED_DIR) / "data/faces/japanese_actors/HiranoShow.png";
    uk::Result<uk::card::Bytes> jp2 = fs::exists(face) ? uk::cardsim::card_photo_from_image(face)
                                                       : uk::Result<uk::card::Bytes>(uk::Error{"no face"});
    if (!jp2) {
        cv::Mat synthetic(320, 240, CV_8UC1);
        cv::randu(synthetic, 0, 255);
        std::vector<std::uint8_t> out;
        cv::imencode(".jp2", synthetic, out, {cv::IMWRITE_JPEG2000_COMPRESSION_X1000, 150});
        jp2 = uk::card::Bytes(out.begin(), out.end());
    }
    {
        std::ofstream f(data / "identities/yamada-taro/face.jp2", std::ios::binary);
        f.write(reinterpret_cast<const char*>(jp2->data()), static_cast<std::streamsize>(jp2->size()));
    }

    // In-process reference.
    std::vector<double> in_process;
    ReadResult last;
    for (int i = 0; i < iterations; ++i) {
        auto id = uk::cardsim::load_identity(data, "yamada-taro");
        id->dir.clear();
        uk::cardsim::SimulatedCard card(std::move(*id));
        uk::cardsim::InProcessTransport t(card);
        const auto t0 = Clock::now();
        last = read_cert_and_photo(t);
        in_process.push_back(ms_since(t0));
        if (!last.ok) {
            std::fprintf(stderr, "card_read_bench: in-process read failed: %s\n", last.error.c_str());
            return 1;
        }
    }

    auto pcscd = uk::cardtest::Pcscd::start();
    if (!pcscd) {
        std::fprintf(stderr, "card_read_bench: %s\n", pcscd.error().c_str());
        return 1;
    }
    SCARDCONTEXT ctx = 0;
    SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    std::vector<double> event_to_read, spawn_to_read, spawn_to_event;
    ReadResult through;
    for (int i = 0; i < iterations; ++i) {
        const auto spawned = Clock::now();
        uk::cardtest::SimCard card(data, "yamada-taro", (*pcscd)->port());
        if (!wait_present(ctx, 10s)) {
            std::fprintf(stderr, "card_read_bench: the card did not appear: %s\n", card.log().c_str());
            return 1;
        }
        const auto inserted = Clock::now();
        uk::pcsc::PcscTransport t(uk::cardtest::Pcscd::kReaderName);
        through = read_cert_and_photo(t);
        if (!through.ok) {
            std::fprintf(stderr, "card_read_bench: read through pcscd failed: %s\n", through.error.c_str());
            return 1;
        }
        event_to_read.push_back(ms_since(inserted));
        spawn_to_read.push_back(ms_since(spawned));
        spawn_to_event.push_back(std::chrono::duration<double, std::milli>(inserted - spawned).count());
        t.disconnect();
        card.remove();
        uk::cardtest::wait_card_state(false, 5s);
    }
    SCardReleaseContext(ctx);
    pcscd->reset();
    fs::remove_all(data);

    const nlohmann::json out = {
        {"benchmark", "card_insertion_to_certificate_and_photo"},
        {"iterations", iterations},
        {"apdus", through.apdus},
        {"apdus_in_process", last.apdus},
        {"cert_bytes", through.cert_bytes},
        {"photo_bytes", through.photo_bytes},
        {"through", "pcscd+vpcd+uketsuke-cardsim"},
        {"event_to_read_ms", stats(event_to_read)},
        {"spawn_to_event_ms", stats(spawn_to_event)},
        {"spawn_to_read_ms", stats(spawn_to_read)},
        {"in_process_ms", stats(in_process)},
        {"goal_ms", 300},
        {"goal_met", stats(event_to_read)["p90"].get<double>() < 300.0},
    };
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
}
