// uketsuke-qualification, the admin command, run as the real binary.
#include <sys/wait.h>

#include <cstdio>

#include "tests/qualification/fixture.h"

namespace uk::qualification::test {
namespace {

struct CliRun {
    int status = -1;
    std::string out;
};

CliRun run(const std::string& args) {
    const std::string cmd =
        std::string(UK_BINARY_DIR) + "/reception/qualification/uketsuke-qualification " + args + " 2>&1";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

class CliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("uk-qual-cli-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string data() const { return "--data " + dir_.string() + " "; }
    fs::path dir_;
};

TEST_F(CliTest, SeedListSetAndAuditTheChange) {
    CliRun seed = run(data() + "seed --pki " + pki_dir().string());
    ASSERT_EQ(seed.status, 0) << seed.out;
    EXPECT_NE(seed.out.find("\"persons\":8"), std::string::npos) << seed.out;
    EXPECT_TRUE(fs::exists(dir_ / "jpki" / "auth-ca.pem"));
    EXPECT_EQ(fs::status(dir_ / "insured.db").permissions() & fs::perms::others_read, fs::perms::none);

    CliRun list = run(data() + "list");
    ASSERT_EQ(list.status, 0) << list.out;
    EXPECT_NE(list.out.find("山田 太郎"), std::string::npos);

    CliRun set = run(data() + "set 1 lost_on=2026-11-01 loss_reason=03");
    ASSERT_EQ(set.status, 0) << set.out;
    CliRun show = run(data() + "show 1");
    EXPECT_NE(show.out.find("\"lost_on\": \"2026-11-01\""), std::string::npos) << show.out;

    CliRun bad = run(data() + "set 1 insurer_number=123");
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.out.find("insurer_number: expected 8 digits"), std::string::npos) << bad.out;
    CliRun unknown = run(data() + "set 1 my_number=123456789012");
    EXPECT_EQ(unknown.status, 1);
    EXPECT_NE(unknown.out.find("my_number: unknown field"), std::string::npos);
    CliRun missing = run(data() + "show 99");
    EXPECT_EQ(missing.status, 1);

    CliRun audit = run(data() + "audit list");
    EXPECT_NE(audit.out.find("person.update"), std::string::npos) << audit.out;
    EXPECT_NE(audit.out.find("lost_on,loss_reason"), std::string::npos);
    CliRun verify = run(data() + "audit verify");
    EXPECT_EQ(verify.status, 0) << verify.out;
    EXPECT_NE(verify.out.find("intact: 1 entries"), std::string::npos) << verify.out;
}

TEST_F(CliTest, RegistersAKioskStatementKey) {
    ASSERT_EQ(run(data() + "seed --pki " + pki_dir().string()).status, 0);
    auto kp = generate_ed25519();
    const fs::path pub = dir_ / "kiosk-1.pub.pem";
    std::ofstream(pub) << kp->public_pem;
    CliRun r = run(data() + "kiosk-key kiosk-1 " + pub.string());
    ASSERT_EQ(r.status, 0) << r.out;
    auto db = SimDb::open(dir_ / "insured.db");
    ASSERT_TRUE(db);
    auto key = (*db)->kiosk_key("kiosk-1");
    ASSERT_TRUE(key && key->has_value());
    EXPECT_EQ(**key, kp->public_pem);
    const fs::path junk = dir_ / "junk.pem";
    std::ofstream(junk) << "hello";
    EXPECT_EQ(run(data() + "kiosk-key kiosk-2 " + junk.string()).status, 1);
}

TEST_F(CliTest, WithoutSeedItSaysWhatToDo) {
    CliRun r = run(data() + "list");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("seed --pki"), std::string::npos) << r.out;
    EXPECT_EQ(run("frobnicate").status, 2);
}

}  // namespace
}  // namespace uk::qualification::test
