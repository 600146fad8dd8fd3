// platform/system/log.h: personal data redacted from every line, size-based rotation with a bounded number of
// files, whole lines from concurrent writers, and invalid UTF-8 / control characters kept to one valid line.
#include "platform/system/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kiosk/core/record.h"

namespace uk::log {
namespace {

namespace fs = std::filesystem;

class TempDir {
  public:
    TempDir() {
        std::string t = (fs::temp_directory_path() / "uk-log.XXXXXX").string();
        path_ = ::mkdtemp(t.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    fs::path operator/(const std::string& n) const { return path_ / n; }

  private:
    fs::path path_;
};

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// [SECTION] Redaction

struct Case {
    const char* input;
    const char* must_not_contain;
};

TEST(LogRedaction, PersonalNumbersSecretsAndBirthDatesAreMasked) {
    const Case cases[] = {
        {"card read for 123456789012 done", "123456789012"},           // My Number shape
        {"number 1234 5678 9012 typed", "5678"},                       // My Number as printed
        {"number 1234-5678-9012 typed", "5678"},                       //
        {"照合番号B read: 80010125391234", "80010125391234"},          // 14 digits (and key)
        {"insurer 06130012 symbol 12-34", "06130012"},                 // 保険者番号 (8 digits)
        {"kokuho insurer 138057", "138057"},                           // 国保 6 digits
        {"verify pin=1234 ok", "1234"},                                //
        {"PIN: 0000 entered", "0000"},                                 //
        {"暗証番号=9876", "9876"},                                     //
        {"Authorization: Bearer ukk_SECRETTOKEN", "ukk_SECRETTOKEN"},  //
        {"GET / Cookie: uk_session=abcdefSESSION", "abcdefSESSION"},   //
        {"enrol code=7K3M-Q9TX-2B4H", "7K3M"},                         //
        {"token=ukk_abc", "ukk_abc"},                                  //
        {"person birth_date=1980-01-02 found", "1980-01-02"},          //
        {"生年月日: 昭和55年1月2日 です", "55年"},                     //
        {"dob 1975/03/04", "1975/03/04"},                              //
        {"born S50.01.02 in Osaka", "S50.01.02"},                      //
        {"生まれ 平成元年4月1日", "元年"},                             //
        {"number １２３４５６７８９０１２ (full width)", "１２３４５６７８９０１２"},
    };
    for (const auto& c : cases) {
        std::string out = redact(c.input);
        EXPECT_EQ(out.find(c.must_not_contain), std::string::npos) << c.input << " -> " << out;
        EXPECT_NE(out.find("[redacted]"), std::string::npos) << c.input << " -> " << out;
    }
}

TEST(LogRedaction, OrdinaryOperationalTextIsKept) {
    const char* kept[] = {
        "listening on https://0.0.0.0:8443/",
        "check-in 6a1c0f3e-2b4d-4c5e-8f7a-1b2c3d4e5f60 stored (201) in 12 ms",
        "valid until 2026-11-25 10:00",
        "HTTP 404 GET /api/v1/nothing",
        "kiosk kiosk-1 enrolled, face key registered",
        "certificate fingerprint SHA256:AB:CD:EF",
    };
    for (const char* k : kept)
        EXPECT_EQ(redact(k), k);
}

TEST(LogRedaction, PersonalFieldsAreAlwaysMaskedAndOtherFieldsKept) {
    TempDir d;
    auto log = Logger::open({"test", Level::Info, false, (d / "a.log").string()});
    ASSERT_TRUE(log);
    (*log)->info("patient checked in", {personal("name", "山田 太郎"), personal("kana", "ヤマダ タロウ"),
                                        field("ticket", 12), field("method", "face")});
    std::string s = slurp(d / "a.log");
    EXPECT_EQ(s.find("山田"), std::string::npos) << s;
    EXPECT_EQ(s.find("ヤマダ"), std::string::npos) << s;
    EXPECT_NE(s.find("name=[personal]"), std::string::npos) << s;
    EXPECT_NE(s.find("ticket=12 method=face"), std::string::npos) << s;
}

TEST(LogRedaction, InvalidUtf8AndControlCharactersGiveOneValidLine) {
    std::string bad = "reader said \xff\xfe ok \xe3\x81 then \xed\xa0\x80 日本\nINFO forged line\r\x01";
    std::string out = redact(bad);
    EXPECT_EQ(first_invalid_utf8(out), std::string_view::npos) << out;
    EXPECT_EQ(out.find('\n'), std::string::npos);
    EXPECT_EQ(out.find('\r'), std::string::npos);
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_NE(out.find("日本\\nINFO forged line\\r\\x01"), std::string::npos) << out;

    TempDir d;
    auto log = Logger::open({"test", Level::Info, false, (d / "u.log").string()});
    ASSERT_TRUE(log);
    (*log)->warn(bad);
    std::string s = slurp(d / "u.log");
    EXPECT_EQ(lines_of(s).size(), 1u) << s;
    EXPECT_EQ(first_invalid_utf8(s), std::string_view::npos);
}

TEST(LogRedaction, VeryLongLinesAreCut) {
    std::string out = redact(std::string(100000, 'a'));
    EXPECT_LT(out.size(), 9000u);
    EXPECT_NE(out.find("[truncated]"), std::string::npos);
}

// [SECTION] Lines, levels, stderr

TEST(LogLines, UnderJournaldEachLineCarriesItsPriorityInsteadOfATimestamp) {
    TempDir d;
    int fd = ::open((d / "journal").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    struct stat st {};
    ASSERT_EQ(::fstat(fd, &st), 0);
    std::string js = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    ::setenv("JOURNAL_STREAM", js.c_str(), 1);
    LogConfig cfg{"k", Level::Debug, true, ""};
    cfg.stderr_fd = fd;
    auto log = Logger::open(cfg);
    ::unsetenv("JOURNAL_STREAM");
    ASSERT_TRUE(log);
    (*log)->error("e");
    (*log)->warn("w");
    (*log)->info("i");
    (*log)->debug("d");
    ::close(fd);
    EXPECT_EQ(slurp(d / "journal"), "<3>ERROR k: e\n<4>WARN k: w\n<6>INFO k: i\n<7>DEBUG k: d\n");
}

TEST(LogLines, LevelsFilterAndStderrGetsTheSameRedactedLine) {
    TempDir d;
    int fd = ::open((d / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    LogConfig cfg{"uketsuke-test", Level::Info, true, (d / "f.log").string()};
    cfg.stderr_fd = fd;
    auto log = Logger::open(cfg);
    ASSERT_TRUE(log);
    (*log)->debug("not shown");
    (*log)->info("shown pin=1234");
    (*log)->error("failed", {field("why", "disk full")});
    ::close(fd);
    auto err = lines_of(slurp(d / "stderr"));
    ASSERT_EQ(err.size(), 2u);
    std::regex shape(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|ERROR) uketsuke-test: .*)");
    for (const auto& l : err)
        EXPECT_TRUE(std::regex_match(l, shape)) << l;
    EXPECT_NE(err[0].find("shown pin=[redacted]"), std::string::npos) << err[0];
    EXPECT_NE(err[1].find("failed why=\"disk full\""), std::string::npos) << err[1];
    EXPECT_EQ(lines_of(slurp(d / "f.log")).size(), 2u);
    struct stat st {};
    ASSERT_EQ(::stat((d / "f.log").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
}

// [SECTION] Rotation

TEST(LogRotation, BySizeWithTheNumberOfFilesBounded) {
    TempDir d;
    LogConfig cfg{"t", Level::Info, false, (d / "r.log").string()};
    cfg.max_file_bytes = 4000;
    cfg.max_files = 3;
    auto log = Logger::open(cfg);
    ASSERT_TRUE(log);
    for (int i = 0; i < 1000; ++i)
        (*log)->info("line " + std::to_string(i) + " " + std::string(60, 'x'));
    std::size_t total_bytes = 0;
    int files = 0;
    for (const auto& e : fs::directory_iterator(d / "")) {
        ++files;
        total_bytes += fs::file_size(e.path());
        EXPECT_LE(fs::file_size(e.path()), 4000u) << e.path();
        struct stat st {};
        ::stat(e.path().c_str(), &st);
        EXPECT_EQ(st.st_mode & 0777, 0640u) << e.path();
    }
    EXPECT_EQ(files, 3);
    EXPECT_FALSE(fs::exists(d / "r.log.3"));
    EXPECT_LE(total_bytes, 12000u);
    auto newest = lines_of(slurp(d / "r.log"));
    ASSERT_FALSE(newest.empty());
    EXPECT_NE(newest.back().find("line 999 "), std::string::npos);
    // The rotated files hold the lines just before, in order.
    auto older = lines_of(slurp(d / "r.log.1"));
    ASSERT_FALSE(older.empty());
    std::smatch a, b;
    ASSERT_TRUE(std::regex_search(older.back(), a, std::regex("line (\\d+) ")));
    ASSERT_TRUE(std::regex_search(newest.front(), b, std::regex("line (\\d+) ")));
    EXPECT_EQ(std::stoi(a[1]) + 1, std::stoi(b[1]));
}

TEST(LogRotation, ReopenAfterAnOutsideRenameStartsANewFile) {
    TempDir d;
    auto log = Logger::open({"t", Level::Info, false, (d / "o.log").string()});
    ASSERT_TRUE(log);
    (*log)->info("before");
    fs::rename(d / "o.log", d / "o.log.old");
    ASSERT_TRUE((*log)->reopen());
    (*log)->info("after");
    EXPECT_NE(slurp(d / "o.log").find("after"), std::string::npos);
    EXPECT_EQ(slurp(d / "o.log").find("before"), std::string::npos);
}

TEST(LogRotation, AnUnwritableFileIsAnErrorNamingIt) {
    auto log = Logger::open({"t", Level::Info, false, "/proc/uk-no-such-dir/x.log"});
    ASSERT_FALSE(log);
    EXPECT_NE(log.error().find("/proc/uk-no-such-dir/x.log"), std::string::npos);
}

// [SECTION] Concurrency

TEST(LogConcurrency, ManyWritersGiveWholeLinesEachInItsOrder) {
    TempDir d;
    LogConfig cfg{"t", Level::Info, false, (d / "c.log").string()};
    cfg.max_file_bytes = 1 << 20;
    cfg.max_files = 2;
    auto log = Logger::open(cfg);
    ASSERT_TRUE(log);
    constexpr int kThreads = 8, kLines = 400;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < kLines; ++i)
                (*log)->info("writer", {field("t", t), field("i", i), field("pad", std::string(40, 'p'))});
        });
    for (auto& t : ts)
        t.join();
    auto lines = lines_of(slurp(d / "c.log"));
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
    std::regex shape(R"(\S+ INFO t: writer t=\d i=\d+ pad=p{40})");
    std::vector<int> next(kThreads, 0);
    for (const auto& l : lines) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(l, shape)) << l;
        ASSERT_TRUE(std::regex_search(l, m, std::regex(" t=(\\d) i=(\\d+)")));
        int t = std::stoi(m[1]), i = std::stoi(m[2]);
        EXPECT_EQ(i, next[t]) << "each writer's lines in its order";
        next[t] = i + 1;
    }
}

TEST(LogConcurrency, RotationUnderManyWritersKeepsLinesWholeAndFilesBounded) {
    TempDir d;
    LogConfig cfg{"t", Level::Info, false, (d / "w.log").string()};
    cfg.max_file_bytes = 3000;
    cfg.max_files = 4;
    auto log = Logger::open(cfg);
    ASSERT_TRUE(log);
    std::vector<std::thread> ts;
    for (int t = 0; t < 6; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < 300; ++i)
                (*log)->info("writer", {field("t", t), field("i", i)});
        });
    for (auto& t : ts)
        t.join();
    int files = 0;
    std::regex shape(R"(\S+ INFO t: writer t=\d i=\d+)");
    for (const auto& e : fs::directory_iterator(d / "")) {
        ++files;
        EXPECT_LE(fs::file_size(e.path()), 3000u);
        for (const auto& l : lines_of(slurp(e.path())))
            EXPECT_TRUE(std::regex_match(l, shape)) << e.path() << ": " << l;
    }
    EXPECT_EQ(files, 4);
}

TEST(LogGlobal, ConfigureRedirectsTheProcessLogger) {
    TempDir d;
    ASSERT_TRUE(configure({"g", Level::Warn, false, (d / "g.log").string()}));
    info("quiet");
    warn("loud token=abc");
    as_callback(Level::Error)("from a kiosk module: card 123456789012");
    auto lines = lines_of(slurp(d / "g.log"));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("WARN g: loud token=[redacted]"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("ERROR g: from a kiosk module: card [redacted]"), std::string::npos) << lines[1];
    ASSERT_TRUE(configure({}));
}

}  // namespace
}  // namespace uk::log
