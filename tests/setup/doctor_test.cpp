// `uketsuke-kiosk --doctor` reports a missing camera, a missing reader, an unreachable reception and missing
// or corrupt model files correctly, each with its own bit in the exit code; the demo card needs no pcscd.
// pcscd is started and stopped by PID here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "platform/doctor/doctor.h"

extern char** environ;

namespace uk::doctor {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

DoctorOptions options() {
    DoctorOptions o;
    o.data_dir = fs::temp_directory_path();
    o.models_dir = fs::temp_directory_path() / "uk-doctor-no-models";
    return o;
}

fs::path temp_dir(const std::string& name) {
    fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}

TEST(Doctor, MissingCameraFails) {
    auto o = options();
    o.config.camera.device = "/dev/video99";
    auto r = check_camera(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_EQ(r.detail, "cannot open camera \"/dev/video99\"");
    EXPECT_NE(r.fix.find("plug the USB camera in"), std::string::npos);
}

TEST(Doctor, AutoCameraWithoutVideoDevicesSaysNoCameraFound) {
    auto o = options();
    o.config.camera.device = "auto";
    o.video4linux_dir = temp_dir("uk-doctor-v4l-empty");
    auto r = check_camera(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_EQ(r.detail, "no camera found (auto): no video capture device in " + o.video4linux_dir.string());
    EXPECT_NE(r.fix.find("plug a USB camera in"), std::string::npos) << r.fix;
    EXPECT_NE(r.fix.find("camera.enabled = false for PIN-only"), std::string::npos) << r.fix;
}

TEST(Doctor, AutoCameraIsTheFirstCaptureDeviceAsTheKioskPicksIt) {
    // A camera's metadata node (index 1) is not a camera; the first capture node is, whatever its number.
    auto o = options();
    o.config.camera.device = "auto";
    o.video4linux_dir = temp_dir("uk-doctor-v4l");
    for (auto [node, index] : {std::pair{"video7", "1"}, std::pair{"video9", "0"}}) {
        fs::create_directories(o.video4linux_dir / node);
        std::ofstream(o.video4linux_dir / node / "index") << index << "\n";
        std::ofstream(o.video4linux_dir / node / "name") << "Fake cam\n";
    }
    auto r = check_camera(o);
    EXPECT_EQ(r.status, Status::Fail);  // there is no /dev/video9 here
    EXPECT_EQ(r.detail, "cannot open camera \"/dev/video9\" (auto: Fake cam)");
}

TEST(Doctor, CameraNoneIsAChoiceNotAFault) {
    // A kiosk set up without a camera (PIN and staff check only): nothing to fix.
    auto o = options();
    o.config.camera.device = "none";
    auto r = check_camera(o);
    EXPECT_EQ(r.status, Status::Ok);
    EXPECT_EQ(r.detail, "no camera chosen (device \"none\"): PIN and staff check only");
}

TEST(Doctor, DisabledCameraIsOk) {
    auto o = options();
    o.config.camera.enabled = false;
    EXPECT_EQ(check_camera(o).status, Status::Ok);
}

TEST(Doctor, DemoCardNeedsNoPcscdReaderOrCard) {
    auto o = options();
    o.config.card.transport = "sim";
    auto d = check_pcscd(o);
    auto r = check_reader(o);
    auto c = check_card(o);
    EXPECT_EQ(d.status, Status::Ok);
    EXPECT_EQ(d.detail, "demo card (simulated): pcscd not used");
    EXPECT_EQ(r.status, Status::Ok);
    EXPECT_EQ(r.detail, "demo card (simulated): no card reader used");
    EXPECT_EQ(c.status, Status::Ok);
    EXPECT_EQ(c.detail, "demo card (simulated): no card on a reader to check");
    std::ostringstream out;
    EXPECT_EQ(report({d, r, c}, out), 0) << out.str();
}

TEST(Doctor, UnreachableReceptionFails) {
    auto o = options();
    o.config.reception.url = "https://127.0.0.1:1";
    auto r = check_reception(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_EQ(r.detail.rfind("https://127.0.0.1:1 is unreachable", 0), 0u) << r.detail;
}

TEST(Doctor, MissingModelFilesAreNamed) {
    auto o = options();
    o.models_dir = temp_dir("uk-doctor-models-missing");
    auto r = check_models(o);
    EXPECT_EQ(r.status, Status::Fail);
    for (const auto& [file, _] : expected_model_sums())
        EXPECT_NE(r.detail.find("missing " + file), std::string::npos);
    EXPECT_NE(r.fix.find("10-models.sh"), std::string::npos);
}

TEST(Doctor, CorruptModelFileIsNamed) {
    auto o = options();
    o.models_dir = temp_dir("uk-doctor-models-corrupt");
    auto sums = expected_model_sums();
    ASSERT_FALSE(sums.empty());
    for (const auto& [file, _] : sums) {
        fs::create_directories((o.models_dir / file).parent_path());
        std::ofstream(o.models_dir / file) << "not the model";
    }
    auto r = check_models(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_NE(r.detail.find("checksum mismatch " + sums.front().first), std::string::npos) << r.detail;
}

TEST(Doctor, FetchedModelsPassWhenPresent) {
    auto o = options();
    o.models_dir = fs::path(UK_SOURCE_DIR) / "models";
    // Both README commands fetch them (scripts/setup.d/10-models.sh) before the build.
    EXPECT_EQ(check_models(o).status, Status::Ok) << check_models(o).detail;
}

TEST(Doctor, ReportOrsTheBitsOfFailedChecksOnly) {
    std::vector<CheckResult> rs = {{"camera", kBitCamera, Status::Fail, "x", "y"},
                                   {"card", kBitCard, Status::Warn, "no card", "place one"},
                                   {"models", kBitModels, Status::Fail, "x", "y"},
                                   {"clock", kBitClock, Status::Ok, "ok", ""}};
    std::ostringstream out;
    EXPECT_EQ(report(rs, out), static_cast<int>(kBitCamera | kBitModels));
    EXPECT_NE(out.str().find("[FAIL] camera: x"), std::string::npos);
    EXPECT_NE(out.str().find("[warn] card: no card"), std::string::npos);
    EXPECT_NE(out.str().find("exit code 17"), std::string::npos);
}

// [SECTION] PC/SC: a real pcscd with no reader configured, started and stopped by PID.

class DoctorPcsc : public ::testing::Test {
  protected:
    // The machine-wide pcscd lock of tests/card/pcscd_fixture.h: another build tree's tests may run a pcscd.
    void SetUp() override {
        lock_fd_ = ::open("/tmp/uketsuke-pcscd.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        ASSERT_GE(lock_fd_, 0);
        ASSERT_EQ(::flock(lock_fd_, LOCK_EX), 0);
    }
    static bool daemon_socket_exists() { return fs::exists("/run/pcscd/pcscd.comm"); }

    void start_pcscd_without_readers() {
        conf_ = temp_dir("uk-doctor-readerconf");
        fs::remove("/run/pcscd/pcscd.comm");
        fs::remove("/run/pcscd/pcscd.pid");
        std::string confdir = conf_.string();
        const char* argv[] = {"pcscd", "-f", "-c", confdir.c_str(), nullptr};
        ASSERT_EQ(posix_spawnp(&pid_, "pcscd", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
        for (int i = 0; i < 100 && !daemon_socket_exists(); ++i)
            std::this_thread::sleep_for(50ms);
        ASSERT_TRUE(daemon_socket_exists()) << "pcscd did not start";
    }
    void TearDown() override {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int st = 0;
            ::waitpid(pid_, &st, 0);
        }
        if (lock_fd_ >= 0) ::close(lock_fd_);
    }
    pid_t pid_ = -1;
    int lock_fd_ = -1;
    fs::path conf_;
};

TEST_F(DoctorPcsc, NoPcscdFailsPcscdAndReader) {
    if (daemon_socket_exists()) GTEST_SKIP() << "a pcscd runs on this machine already";
    auto o = options();
    o.config.card.transport = "pcsc";
    auto d = check_pcscd(o);
    EXPECT_EQ(d.status, Status::Fail);
    EXPECT_EQ(d.detail, "the PC/SC daemon is not running");
    auto r = check_reader(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_EQ(r.detail, "cannot list readers: pcscd is not available");
}

TEST_F(DoctorPcsc, MissingReaderIsReported) {
    if (daemon_socket_exists()) GTEST_SKIP() << "a pcscd runs on this machine already";
    start_pcscd_without_readers();
    auto o = options();
    o.config.card.transport = "pcsc";
    EXPECT_EQ(check_pcscd(o).status, Status::Ok);
    auto r = check_reader(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_EQ(r.detail, "no card reader is connected");
    EXPECT_EQ(check_card(o).status, Status::Fail);
}

}  // namespace
}  // namespace uk::doctor

namespace uk::doctor {
namespace {

TEST(DoctorFonts, TheInstalledUniversalDesignFontIsFound) {
    auto r = check_fonts(options());
    EXPECT_EQ(r.status, Status::Ok) << r.detail;
}

TEST(DoctorFonts, AMissingFontFailsWithTheFix) {
    auto o = options();
    o.font_candidates = {"/nonexistent/BIZUDPGothic-Regular.ttf"};
    auto r = check_fonts(o);
    EXPECT_EQ(r.status, Status::Fail);
    EXPECT_NE(r.fix.find("fonts-morisawa-bizud-gothic"), std::string::npos);
}

}  // namespace
}  // namespace uk::doctor
