#include "platform/doctor/doctor.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <openssl/evp.h>

#include <httplib.h>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "platform/camera/camera_source.h"
#include "platform/doctor/model_sums.h"
#include "platform/net/https_transport.h"
#include "platform/pcsc/pcsc.h"

namespace uk::doctor {
namespace {

// [SECTION] PC/SC

// card.transport "sim": the built-in demo card, no pcscd, reader or card to check.
bool demo_card(const DoctorOptions& o) {
    return o.config.card.transport == "sim";
}

struct PcscContext {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCARD_E_NO_SERVICE;
    PcscContext() { rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx); }
    ~PcscContext() {
        if (rv == SCARD_S_SUCCESS) SCardReleaseContext(ctx);
    }
    PcscContext(const PcscContext&) = delete;
    PcscContext& operator=(const PcscContext&) = delete;
};

std::string pcsc_text(LONG rv) {
    std::ostringstream s;
    s << pcsc_stringify_error(rv) << " (0x" << std::hex << static_cast<unsigned long>(rv) << ")";
    return s.str();
}

// [SECTION] Files

std::string sha256_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        EVP_DigestUpdate(md, buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(md, out, &n);
    EVP_MD_CTX_free(md);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < n; ++i) {
        hex.push_back(kHex[out[i] >> 4]);
        hex.push_back(kHex[out[i] & 15]);
    }
    return hex;
}

}  // namespace

// [SECTION] Checks

CheckResult check_camera(const DoctorOptions& o) {
    const auto& cam = o.config.camera;
    if (!cam.enabled) return ok("camera", kBitCamera, "turned off in the configuration (face path disabled)");
    const std::string no_camera_fix =
        "plug a USB camera in (`ls /dev/video*` lists it), or set camera.enabled = false for PIN-only "
        "check-in";
    std::string dev = cam.device;
    if (dev == "none")  // chosen: a kiosk without a camera (its set-up pages or kiosk.toml say so)
        return ok("camera", kBitCamera, "no camera chosen (device \"none\"): PIN and staff check only");
    std::string how;
    if (dev == "auto") {  // the first video capture device, as the kiosk picks it
        auto devices = camera::list_camera_devices(o.video4linux_dir);
        if (devices.empty())
            return fail("camera", kBitCamera,
                        "no camera found (auto): no video capture device in " + o.video4linux_dir.string(),
                        no_camera_fix);
        dev = devices.front().path;
        how = " (auto: " + devices.front().name + ")";
    }
    cv::VideoCapture cap;
    bool is_index =
        !dev.empty() && std::all_of(dev.begin(), dev.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::vector<int> params = {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, o.camera_timeout_ms};
    bool opened =
        is_index ? cap.open(std::stoi(dev), cv::CAP_ANY, params) : cap.open(dev, cv::CAP_ANY, params);
    if (!opened)
        return fail(
            "camera", kBitCamera, "cannot open camera \"" + dev + "\"" + how,
            "plug the USB camera in, check `ls /dev/video*` and [camera] device in the configuration; the "
            "kiosk offers PIN and staff check until it is back");
    cv::Mat frame;
    if (!cap.read(frame) || frame.empty())
        return fail("camera", kBitCamera, "camera \"" + dev + "\" opened but gave no frame",
                    "check the cable and that no other program holds the camera");
    return ok("camera", kBitCamera,
              "camera \"" + dev + "\"" + how + " gives " + std::to_string(frame.cols) + "x" +
                  std::to_string(frame.rows) + " frames");
}

CheckResult check_pcscd(const DoctorOptions& o) {
    if (demo_card(o)) return ok("pcscd", kBitPcscd, "demo card (simulated): pcscd not used");
    PcscContext pc;
    if (pc.rv == SCARD_E_NO_SERVICE)
        return fail("pcscd", kBitPcscd, "the PC/SC daemon is not running",
                    "start it: `systemctl enable --now pcscd.socket` (package pcscd)");
    if (pc.rv != SCARD_S_SUCCESS)
        return fail("pcscd", kBitPcscd, "cannot talk to pcscd: " + pcsc_text(pc.rv), "restart pcscd");
    return ok("pcscd", kBitPcscd, "pcscd answers");
}

// The readers as the kiosk sees them (platform/pcsc), and the one it would use: the first matching
// card.reader (a name, a part of one, or a glob), as pcsc::reader_matches decides for the kiosk itself.
struct Readers {
    std::vector<pcsc::ReaderStatus> all;
    const pcsc::ReaderStatus* chosen = nullptr;
    std::string names;  // "A, B"
};

Readers readers_for(const std::vector<pcsc::ReaderStatus>& all, const std::string& pattern) {
    Readers r{all, nullptr, ""};
    for (const auto& x : r.all) {
        r.names += (r.names.empty() ? "" : ", ") + x.name;
        if (!r.chosen && pcsc::reader_matches(x.name, pattern)) r.chosen = &x;
    }
    return r;
}

CheckResult check_reader(const DoctorOptions& o) {
    if (demo_card(o)) return ok("reader", kBitReader, "demo card (simulated): no card reader used");
    auto st = pcsc::reader_statuses();
    if (!st)
        return fail("reader", kBitReader, "cannot list readers: pcscd is not available", "fix pcscd first");
    if (st->empty())
        return fail("reader", kBitReader, "no card reader is connected",
                    "plug the card reader in; `pcsc_scan` lists what pcscd sees");
    Readers r = readers_for(*st, o.config.card.reader);
    if (!r.chosen)
        return fail("reader", kBitReader,
                    "no reader matches \"" + o.config.card.reader + "\" (found: " + r.names + ")",
                    "set [card] reader to one of the names found, or a pattern like \"SONY*\"");
    return ok("reader", kBitReader,
              "using \"" + r.chosen->name + "\"" + (r.all.size() > 1 ? " (found: " + r.names + ")" : ""));
}

CheckResult check_card(const DoctorOptions& o) {
    if (demo_card(o)) return ok("card", kBitCard, "demo card (simulated): no card on a reader to check");
    auto st = pcsc::reader_statuses();
    if (!st) return fail("card", kBitCard, "cannot check: pcscd is not available", "");
    Readers r = readers_for(*st, o.config.card.reader);
    if (!r.chosen) return fail("card", kBitCard, "cannot check: no reader", "fix the reader first");
    if (!r.chosen->card_present)
        return warn(
            "card", kBitCard, "no card on the reader",
            "place a test card and run again (the set-up pages read it: admin menu -> 設定 Set-up), or run "
            "`uketsuke-card` for its certificate and PIN tries");
    if (r.chosen->card_mute)
        return fail("card", kBitCard, "the card on the reader does not answer (mute)",
                    "turn the card over or try another card");
    return ok("card", kBitCard, "a card is present (details: `uketsuke-card`)");
}

CheckResult check_models(const DoctorOptions& o) {
    std::vector<std::string> missing, corrupt;
    auto sums = expected_model_sums();
    for (const auto& [file, sum] : sums) {
        auto p = o.models_dir / file;
        if (!std::filesystem::exists(p))
            missing.push_back(file);
        else if (sha256_file(p) != sum)
            corrupt.push_back(file);
    }
    if (!missing.empty() || !corrupt.empty()) {
        std::string d;
        for (const auto& m : missing)
            d += (d.empty() ? "" : "; ") + ("missing " + m);
        for (const auto& c : corrupt)
            d += (d.empty() ? "" : "; ") + ("checksum mismatch " + c);
        return fail("models", kBitModels, d + " in " + o.models_dir.string(),
                    "run scripts/setup.d/10-models.sh (fetches them from npm and checks the sums)");
    }
    std::string lm = o.config.face.landmark_model;
    if (!lm.empty() && !std::filesystem::exists(lm))
        return fail("models", kBitModels, "landmark model " + lm + " is missing",
                    "install libdlib-data or set [face] landmark_model");
    return ok("models", kBitModels, std::to_string(sums.size()) + " model files match their sha256");
}

CheckResult check_fonts(const DoctorOptions& o) {
    for (const auto& f : o.font_candidates) {
        std::ifstream in(f, std::ios::binary);
        char magic[4] = {};
        if (in.read(magic, 4) &&
            (std::string(magic, 4) == std::string("\0\1\0\0", 4) || std::string(magic, 4) == "OTTO"))
            return ok("fonts", kBitFonts, "BIZ UD Gothic at " + f.string());
    }
    return fail("fonts", kBitFonts, "BIZ UD Gothic is missing",
                "apt-get install fonts-morisawa-bizud-gothic (screens fall back to boxes without it)");
}

CheckResult check_reception(const DoctorOptions& o) {
    const auto& rc = o.config.reception;
    auto url = parse_https_url(rc.url);
    if (!url)
        return fail("reception", kBitReception, "\"" + rc.url + "\" is not an https:// URL",
                    "fix [reception] url");
    httplib::SSLClient cli(url->host, url->port);
    cli.set_connection_timeout(3, 0);
    cli.set_read_timeout(3, 0);
    bool pinned = !rc.ca_file.empty();
    if (pinned) {
        if (!std::filesystem::exists(rc.ca_file))
            return fail("reception", kBitReception, "the pinned certificate " + rc.ca_file + " is missing",
                        "copy the reception's certificate there (enrolment does it)");
        cli.set_ca_cert_path(rc.ca_file.c_str());
        cli.enable_server_certificate_verification(true);
    } else {
        cli.enable_server_certificate_verification(false);
    }
    auto res = cli.Get("/healthz");
    if (!res) {
        auto e = res.error();
        if (e == httplib::Error::SSLServerVerification)
            return fail("reception", kBitReception,
                        rc.url + " answers but its certificate is not the trusted one",
                        "re-enrol the kiosk, or check that nobody intercepts the connection");
        return fail(
            "reception", kBitReception, rc.url + " is unreachable (" + httplib::to_string(e) + ")",
            "check the network and that uketsuke-reception runs; check-ins wait in the outbox meanwhile");
    }
    if (res->status != 200)
        return fail("reception", kBitReception, rc.url + "/healthz answered " + std::to_string(res->status),
                    "see the reception's log (`journalctl -u uketsuke-reception`)");
    if (!pinned)
        return warn("reception", kBitReception, rc.url + " reachable, but its certificate is not pinned",
                    "set [reception] ca_file to the reception's certificate");
    return ok("reception", kBitReception, rc.url + " reachable and trusted");
}

CheckResult check_clock(const DoctorOptions&) {
    return doctor::check_clock(kBitClock);
}

CheckResult check_disk(const DoctorOptions& o) {
    return doctor::check_disk(o.data_dir, kBitDisk);
}

std::vector<CheckResult> run_all(const DoctorOptions& o) {
    return {check_camera(o), check_pcscd(o),     check_reader(o), check_card(o), check_models(o),
            check_fonts(o),  check_reception(o), check_clock(o),  check_disk(o)};
}

std::vector<std::pair<std::string, std::string>> expected_model_sums() {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream in{std::string(kModelSums)};
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string sum, file;
        ls >> sum >> file;
        if (sum.size() == 64 && !file.empty() && file.rfind("npm/", 0) != 0) out.emplace_back(file, sum);
    }
    return out;
}

}  // namespace uk::doctor
