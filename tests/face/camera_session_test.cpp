// The camera source (files, image sequences, a device that is missing or disappears) and the face session
// that runs off the UI thread: still-photo clips fail liveness, the holder matches and a stranger does not
// when the challenge is off, guidance reaches the state, and a camera that disappears mid-capture ends in a
// clean state.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "kiosk/face/session.h"
#include "platform/camera/camera_source.h"
#include "tests/face/face_sets.h"
#include "tests/face/test_util.h"

namespace uk::face {
namespace {

using namespace std::chrono_literals;
using camera::CameraOptions;
using camera::CameraSource;
using testing::kFaces;
using testing::kModels;

cv::Mat numbered_frame(int i) {
    cv::Mat m(240, 320, CV_8UC3, cv::Scalar(40, 40, 40));
    cv::putText(m, std::to_string(i), {100, 140}, cv::FONT_HERSHEY_SIMPLEX, 2.0, cv::Scalar(255, 255, 255),
                3);
    return m;
}

std::vector<std::uint8_t> file_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// [SECTION] Camera source
TEST(CameraSource_, AVideoFileDeliversFramesThenEnds) {
    testing::TempDir dir;
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 10; ++i)
        frames.push_back(numbered_frame(i));
    ASSERT_TRUE(testing::write_clip(dir.file("c.avi"), frames, 30));
    CameraOptions o;
    o.source = dir.file("c.avi");
    CameraSource cam(o);
    std::uint64_t seq = 0;
    int got = 0;
    while (auto f = cam.wait_newer(seq, 1000ms)) {
        EXPECT_GT(f->seq, seq);
        EXPECT_EQ(f->bgr.type(), CV_8UC3);
        EXPECT_EQ(f->bgr.size(), cv::Size(320, 240));
        seq = f->seq;
        ++got;
    }
    EXPECT_GE(got, 5);  // latest-frame semantics may skip some, never repeat
    EXPECT_EQ(cam.state(), SourceState::Ended);
}

TEST(CameraSource_, AnImageSequenceIsASource) {
    testing::TempDir dir;
    for (int i = 0; i < 5; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "f_%03d.png", i);
        ASSERT_TRUE(cv::imwrite(dir.file(name), numbered_frame(i)));
    }
    CameraOptions o;
    o.source = dir.file("f_%03d.png");
    o.realtime = false;
    CameraSource cam(o);
    auto f = cam.wait_newer(0, 2000ms);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->bgr.size(), cv::Size(320, 240));
}

TEST(CameraSource_, ASlowConsumerGetsTheNewestFrameNotABacklog) {
    testing::TempDir dir;
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 60; ++i)
        frames.push_back(numbered_frame(i));
    ASSERT_TRUE(testing::write_clip(dir.file("c.avi"), frames, 30));
    CameraOptions o;
    o.source = dir.file("c.avi");
    CameraSource cam(o);
    auto first = cam.wait_newer(0, 1000ms);
    ASSERT_TRUE(first);
    std::this_thread::sleep_for(500ms);  // ~15 frames arrive meanwhile
    auto next = cam.wait_newer(first->seq, 1000ms);
    ASSERT_TRUE(next);
    EXPECT_GE(next->seq, first->seq + 4);  // not first + 1: frames that came meanwhile were skipped
}

TEST(CameraSource_, AMissingDeviceEndsGoneWithAReason) {
    CameraOptions o;
    o.source = "/dev/video97";
    o.reconnect_interval = 50ms;
    o.reconnect_attempts = 2;
    CameraSource cam(o);
    EXPECT_FALSE(cam.wait_newer(0, 3000ms).has_value());
    EXPECT_EQ(cam.state(), SourceState::Gone);
    EXPECT_NE(cam.problem().find("/dev/video97"), std::string::npos) << cam.problem();
}

TEST(CameraSource_, ACameraThatDisappearsMidCaptureTriesToReconnectThenIsGone) {
    testing::TempDir dir;
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 15; ++i)
        frames.push_back(numbered_frame(i));
    const std::string clip = dir.file("cam.avi");
    ASSERT_TRUE(testing::write_clip(clip, frames, 30));
    CameraOptions o;
    o.source = clip;
    o.end_is_unplug = true;  // the end of the clip is the cable being pulled
    o.reconnect_interval = 50ms;
    o.reconnect_attempts = 3;
    CameraSource cam(o);
    auto f = cam.wait_newer(0, 1000ms);
    ASSERT_TRUE(f);
    std::filesystem::remove(clip);  // the device node is gone: reopening fails
    bool saw_reconnecting = false;
    for (int i = 0; i < 100 && cam.state() != SourceState::Gone; ++i) {
        saw_reconnecting |= cam.state() == SourceState::Reconnecting;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(saw_reconnecting);
    EXPECT_EQ(cam.state(), SourceState::Gone);
    EXPECT_NE(cam.problem().find("could not be reopened"), std::string::npos) << cam.problem();
}

// [SECTION] Session
class Session : public ::testing::Test {
  protected:
    static std::unique_ptr<FaceVerifier> verifier() {
        FaceConfig c;
        c.models_dir = kModels;
        auto v = FaceVerifier::create(c);
        EXPECT_TRUE(v.ok()) << (v ? "" : v.error());
        return v ? std::move(*v) : nullptr;
    }
    static std::unique_ptr<PassiveLiveness> passive() {
        auto l =
            PassiveLiveness::load(*passive_preset("fr_liveness", kModels + "/faceplugin/fr_liveness.onnx"));
        EXPECT_TRUE(l.ok());
        return l ? std::move(*l) : nullptr;
    }
    // A clip of one still photo of `who`, face 170 px wide in a 640x480 frame.
    static std::string still_clip(const testing::TempDir& dir, const std::string& who, int frames) {
        auto photo = FaceVerifier::read_image(kFaces + "/" + who);
        EXPECT_TRUE(photo.ok());
        auto finder = make_dlib_finder({});
        auto faces = (*finder)->detect(*photo);
        EXPECT_FALSE(faces.empty());
        const std::string path = dir.file("still.avi");
        EXPECT_TRUE(testing::write_clip(path,
                                        std::vector<cv::Mat>(static_cast<std::size_t>(frames),
                                                             testing::compose_frame(*photo, faces[0], 170)),
                                        15));
        return path;
    }
};

TEST_F(Session, AStillPhotoClipFailsLivenessAndTheStateIsClean) {
    testing::TempDir dir;
    CameraOptions o;
    o.source = still_clip(dir, "obama/1.jpg", 15 * 5);
    o.loop = true;
    CameraSource cam(o);
    SessionOptions so;
    so.challenge.timeout = 2500ms;
    so.seed = 7;
    FaceSession s(verifier(), passive(), so);
    s.start(cam, file_bytes(kFaces + "/obama/2.jpg"));
    bool saw_prompt = false;
    for (int i = 0; i < 200 && !s.wait_done(20ms); ++i)
        saw_prompt |= s.state().prompt.has_value();
    ASSERT_TRUE(s.wait_done(10s)) << to_string(s.state().phase) << " " << to_string(s.state().guidance);
    const SessionState st = s.state();
    EXPECT_TRUE(saw_prompt);
    EXPECT_EQ(st.verdict, Verdict::LivenessFailed) << to_string(st.verdict) << " " << st.detail;
    EXPECT_NE(st.detail.find("timed_out"), std::string::npos) << st.detail;
    EXPECT_TRUE(s.preview().empty());  // the last frame is wiped after the decision
}

TEST_F(Session, WithTheChallengeOffTheHolderMatchesAndAStrangerDoesNot) {
    for (const auto& [card, expected] :
         {std::pair{"obama/2.jpg", Verdict::Match}, {"biden/2.jpg", Verdict::NoMatch}}) {
        testing::TempDir dir;
        CameraOptions o;
        o.source = still_clip(dir, "obama/1.jpg", 30);
        o.loop = true;
        CameraSource cam(o);
        SessionOptions so;
        so.challenge_enabled = false;
        FaceSession s(verifier(), nullptr, so);  // passive check off: a photo is what we show it
        s.start(cam, file_bytes(kFaces + "/" + card));
        ASSERT_TRUE(s.wait_done(20s)) << to_string(s.state().phase) << " " << to_string(s.state().guidance);
        const SessionState st = s.state();
        EXPECT_EQ(st.verdict, expected)
            << card << ": " << to_string(st.verdict) << " " << st.detail << " d=" << st.distance;
        EXPECT_GE(st.distance, 0.0);
        EXPECT_DOUBLE_EQ(st.threshold, default_threshold("arcface"));
        EXPECT_EQ(st.phase, Phase::Done);
    }
}

TEST_F(Session, AnEmptySceneSaysNoFaceThenTimesOut) {
    testing::TempDir dir;
    const std::string clip = dir.file("empty.avi");
    ASSERT_TRUE(testing::write_clip(
        clip, std::vector<cv::Mat>(30, cv::Mat(480, 640, CV_8UC3, cv::Scalar(90, 100, 110))), 15));
    CameraOptions o;
    o.source = clip;
    o.loop = true;
    CameraSource cam(o);
    SessionOptions so;
    so.overall_timeout = 1500ms;
    FaceSession s(verifier(), nullptr, so);
    s.start(cam, file_bytes(kFaces + "/obama/2.jpg"));
    bool saw_no_face = false;
    while (!s.wait_done(20ms))
        saw_no_face |= s.state().guidance == Guidance::NoFace && s.state().frames > 0;
    EXPECT_TRUE(saw_no_face);
    EXPECT_EQ(s.state().verdict, Verdict::TimedOut);
}

TEST_F(Session, ACardPhotoWithoutAFaceIsABadReference) {
    testing::TempDir dir;
    CameraOptions o;
    o.source = still_clip(dir, "obama/1.jpg", 10);
    CameraSource cam(o);
    FaceSession s(verifier(), nullptr, {});
    s.start(cam, file_bytes(testing::kData + "/faceapi_reference/images/white.png"));
    ASSERT_TRUE(s.wait_done(10s));
    EXPECT_EQ(s.state().verdict, Verdict::BadReference);
    EXPECT_NE(s.state().detail.find("no face"), std::string::npos) << s.state().detail;
}

TEST_F(Session, ACameraThatDisappearsMidCaptureEndsCameraLostCleanly) {
    testing::TempDir dir;
    CameraOptions o;
    o.source = still_clip(dir, "obama/1.jpg", 15);
    o.end_is_unplug = true;
    o.reconnect_interval = 50ms;
    o.reconnect_attempts = 3;
    CameraSource cam(o);
    ASSERT_TRUE(cam.wait_newer(0, 1000ms));
    std::filesystem::remove(o.source);
    FaceSession s(verifier(), passive(), {});
    s.start(cam, file_bytes(kFaces + "/obama/2.jpg"));
    ASSERT_TRUE(s.wait_done(15s));
    const SessionState st = s.state();
    EXPECT_EQ(st.verdict, Verdict::CameraLost) << to_string(st.verdict);
    EXPECT_EQ(st.guidance, Guidance::CameraUnavailable);
    EXPECT_EQ(st.phase, Phase::Done);
    EXPECT_NE(st.detail.find("gone"), std::string::npos) << st.detail;
    EXPECT_TRUE(s.preview().empty());
}

TEST_F(Session, AFaceThatLeavesDuringTheChallengeStartsItOver) {
    testing::TempDir dir;
    auto photo = FaceVerifier::read_image(kFaces + "/obama/1.jpg");
    ASSERT_TRUE(photo.ok());
    auto finder = make_dlib_finder({});
    auto faces = (*finder)->detect(*photo);
    ASSERT_FALSE(faces.empty());
    std::vector<cv::Mat> frames(20, testing::compose_frame(*photo, faces[0], 170));
    frames.insert(frames.end(), 30, cv::Mat(480, 640, CV_8UC3, cv::Scalar(90, 100, 110)));  // gone for 2 s
    CameraOptions o;
    o.source = dir.file("leaves.avi");
    ASSERT_TRUE(testing::write_clip(o.source, frames, 15));
    o.loop = true;
    CameraSource cam(o);
    SessionOptions so;
    so.overall_timeout = 12000ms;  // several loops of the clip, so a slow (loaded) machine still sees one
    so.challenge.timeout = 20s;    // only the restarts can end a challenge here
    FaceSession s(verifier(), nullptr, so);
    s.start(cam, file_bytes(kFaces + "/obama/2.jpg"));
    bool challenged = false, restarted = false;
    while (!s.wait_done(10ms)) {
        const Phase p = s.state().phase;
        challenged |= p == Phase::Challenge;
        restarted |= challenged && p == Phase::Positioning;
    }
    EXPECT_TRUE(challenged);
    EXPECT_TRUE(restarted);
    EXPECT_EQ(s.state().verdict, Verdict::TimedOut);
}

TEST_F(Session, CancelStopsTheWorkerPromptly) {
    testing::TempDir dir;
    CameraOptions o;
    o.source = still_clip(dir, "obama/1.jpg", 30);
    o.loop = true;
    CameraSource cam(o);
    FaceSession s(verifier(), nullptr, {});
    s.start(cam, file_bytes(kFaces + "/obama/2.jpg"));
    std::this_thread::sleep_for(300ms);
    s.cancel();
    ASSERT_TRUE(s.wait_done(2s));
    EXPECT_EQ(s.state().verdict, Verdict::Cancelled);
}

}  // namespace
}  // namespace uk::face
