// `uketsuke-reception --doctor`: a broken configuration, a key others can read and a port held by another
// program are each reported with their own bit; a healthy set-up passes.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "reception/server/doctor.h"
#include "reception/server/tls.h"
#include "tests/reception/test_support.h"

namespace uk::reception {
namespace {

namespace fs = std::filesystem;

const doctor::CheckResult& find(const std::vector<doctor::CheckResult>& rs, const std::string& name) {
    for (const auto& r : rs)
        if (r.name == name) return r;
    throw std::runtime_error("no check " + name);
}

class ReceptionDoctor : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("uk-rdoctor-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace);
        cfg_.data_dir = dir_.string();
        cfg_.port = uk::testing::free_port();
        ASSERT_TRUE(ensure_self_signed(dir_.string() + "/tls", "127.0.0.1"));
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
    ServiceConfig cfg_;
};

TEST_F(ReceptionDoctor, HealthySetupPasses) {
    auto rs = reception_doctor(cfg_);
    std::ostringstream out;
    EXPECT_EQ(doctor::report(rs, out), 0) << out.str();
    EXPECT_EQ(find(rs, "tls").status, doctor::Status::Ok) << find(rs, "tls").detail;
}

TEST_F(ReceptionDoctor, BrokenConfigurationIsBitOne) {
    auto rs =
        reception_doctor(Result<ServiceConfig>(Error{"reception.toml: server.port: 70000 is out of range"}));
    std::ostringstream out;
    EXPECT_EQ(doctor::report(rs, out), static_cast<int>(kDoctorConfig));
    EXPECT_NE(out.str().find("[FAIL] config: reception.toml: server.port: 70000 is out of range"),
              std::string::npos);
}

TEST_F(ReceptionDoctor, KeyReadableByOthersFailsTls) {
    ::chmod((dir_ / "tls" / "key.pem").c_str(), 0644);
    auto r = find(reception_doctor(cfg_), "tls");
    EXPECT_EQ(r.status, doctor::Status::Fail);
    EXPECT_NE(r.detail.find("readable by other users"), std::string::npos) << r.detail;
}

TEST_F(ReceptionDoctor, PortHeldByAnotherProgramFailsListen) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(cfg_.port));
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    auto r = find(reception_doctor(cfg_), "listen");
    ::close(fd);
    EXPECT_EQ(r.status, doctor::Status::Fail);
    EXPECT_EQ(r.detail, "127.0.0.1:" + std::to_string(cfg_.port) + " is taken by another program");
}

}  // namespace
}  // namespace uk::reception
