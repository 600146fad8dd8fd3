// uketsuke-face as facilities and scripts use it: one JSON line per verification with distance and match,
// pairs in order with the models loaded once, an "error" field (never a crash) for unreadable images and
// photos without a face, and the liveness command failing a clip of one still photo.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "kiosk/face/detector.h"
#include "kiosk/face/verifier.h"
#include "tests/face/test_util.h"

namespace uk::face {
namespace {

using testing::kFaces;

struct Run {
    int status = -1;
    std::vector<nlohmann::json> lines;
};

Run run_tool(const std::string& args) {
    const std::string cmd =
        std::string(UK_FACE_TOOL) + " --models " + testing::kModels + " " + args + " 2>/dev/null";
    Run r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    std::string out;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, p))
        out += buf;
    r.status = ::pclose(p);
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) r.lines.push_back(nlohmann::json::parse(line));
    }
    return r;
}

TEST(Tool, VerifyPrintsOneJsonLineWithDistanceAndMatch) {
    auto r = run_tool("verify " + kFaces + "/obama/1.jpg " + kFaces + "/obama/2.jpg");
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.lines[0].at("match").get<bool>());
    EXPECT_LT(r.lines[0].at("distance").get<double>(), r.lines[0].at("threshold").get<double>());
}

TEST(Tool, VerifyPairsAnswersEveryLineInOrderWithErrorsInline) {
    testing::TempDir dir;
    const std::string pairs = dir.file("pairs.tsv");
    {
        std::ofstream f(pairs);
        f << kFaces << "/obama/1.jpg\t" << kFaces << "/biden/2.jpg\n";
        f << kFaces << "/obama/1.jpg\t/nonexistent.jpg\n";
        f << "no tab here\n";
        f << kFaces << "/japanese_actors/HiranoShow.png\t" << kFaces << "/japanese_actors/SanoHayato.png\n";
        f << kFaces << "/obama/1.jpg\t" << testing::kData << "/faceapi_reference/images/white.png\n";
        f << kFaces << "/rose_leslie/1.jpg\t" << kFaces << "/rose_leslie/2.jpg\n";
    }
    auto r = run_tool("verify-pairs " + pairs);
    EXPECT_EQ(r.status, 0);
    ASSERT_EQ(r.lines.size(), 6u);
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(r.lines[static_cast<std::size_t>(i)].at("line").get<int>(), i + 1);
    EXPECT_FALSE(r.lines[0].at("match").get<bool>());
    EXPECT_TRUE(r.lines[1].contains("error"));
    EXPECT_TRUE(r.lines[2].contains("error"));
    EXPECT_FALSE(r.lines[3].at("match").get<bool>());  // two different Japanese actors
    EXPECT_NE(r.lines[4].at("error").get<std::string>().find("no face"), std::string::npos);
    EXPECT_TRUE(r.lines[5].at("match").get<bool>());
}

TEST(Tool, AnUnreadableImageIsAnErrorLineNotACrash) {
    auto r = run_tool("verify /etc/hostname " + kFaces + "/obama/2.jpg");
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_TRUE(r.lines[0].contains("error"));
    EXPECT_EQ(WEXITSTATUS(r.status), 1);
}

TEST(Tool, LivenessFailsAClipOfOneStillPhoto) {
    testing::TempDir dir;
    auto photo = FaceVerifier::read_image(kFaces + "/obama/1.jpg");
    ASSERT_TRUE(photo.ok());
    auto finder = make_dlib_finder({});
    auto faces = (*finder)->detect(*photo);
    ASSERT_FALSE(faces.empty());
    const std::string clip = dir.file("still.avi");
    ASSERT_TRUE(testing::write_clip(
        clip, std::vector<cv::Mat>(45, testing::compose_frame(*photo, faces[0], 170)), 15));
    auto r = run_tool("--steps blink,turn_left liveness " + clip);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_FALSE(r.lines[0].at("live").get<bool>());
    EXPECT_NE(r.lines[0].at("challenge").get<std::string>(), "passed");
    EXPECT_EQ(r.lines[0].at("frames_with_face").get<int>(), 45);
}

}  // namespace
}  // namespace uk::face
