// Quality gating and guidance: the right instruction for no face, several faces, distance, position, pose,
// light, blur, closed eyes and covered eyes, on frames built from real photos; the measures behind it on
// synthetic points.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "kiosk/face/detector.h"
#include "kiosk/face/geometry.h"
#include "kiosk/face/quality.h"
#include "kiosk/face/verifier.h"
#include "tests/face/test_util.h"

namespace uk::face {
namespace {

using testing::kData;
using testing::kFaces;

class Guidance_ : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto f = make_dlib_finder({});
        ASSERT_TRUE(f.ok()) << f.error();
        finder_ = std::move(*f).release();
        auto photo = FaceVerifier::read_image(kFaces + "/obama/1.jpg");
        ASSERT_TRUE(photo.ok());
        photo_ = new cv::Mat(*photo);
        auto faces = finder_->detect(*photo_);
        ASSERT_EQ(faces.size(), 1u);
        face_ = new FaceDetection(faces.front());
    }
    static void TearDownTestSuite() {
        delete finder_;
        delete photo_;
        delete face_;
    }
    static QualityReport assess(const cv::Mat& frame) {
        return assess_quality(frame, finder_->detect(frame));
    }
    static cv::Mat frame(double face_width = 170, cv::Point2f centre = {320, 250}) {
        return testing::compose_frame(*photo_, *face_, face_width, centre);
    }
    static FaceFinder* finder_;
    static cv::Mat* photo_;
    static FaceDetection* face_;
};
FaceFinder* Guidance_::finder_ = nullptr;
cv::Mat* Guidance_::photo_ = nullptr;
FaceDetection* Guidance_::face_ = nullptr;

TEST_F(Guidance_, AWellPlacedFaceIsOk) {
    const auto q = assess(frame());
    EXPECT_EQ(q.guidance, Guidance::Ok) << to_string(q.guidance) << " sharp " << q.sharpness << " bright "
                                        << q.brightness << " ear " << q.ear << " yaw " << q.yaw;
}

TEST_F(Guidance_, AnEmptyFrameSaysNoFace) {
    const cv::Mat grey(480, 640, CV_8UC3, cv::Scalar(120, 120, 120));
    EXPECT_EQ(assess(grey).guidance, Guidance::NoFace);
    auto white = FaceVerifier::read_image(kData + "/faceapi_reference/images/white.png");
    ASSERT_TRUE(white.ok());
    EXPECT_EQ(assess(*white).guidance, Guidance::NoFace);
}

TEST_F(Guidance_, TwoPeopleSaySeveralFaces) {
    auto img = FaceVerifier::read_image(kFaces + "/_multi/two_people.jpg");
    ASSERT_TRUE(img.ok());
    EXPECT_EQ(assess(*img).guidance, Guidance::SeveralFaces);
    // A camera frame with two people side by side, faces 140 px wide.
    const cv::Mat left = frame(140, {170, 240}), right = frame(140, {470, 240});
    cv::Mat both = left.clone();
    right(cv::Rect(320, 0, 320, 480)).copyTo(both(cv::Rect(320, 0, 320, 480)));
    const auto q = assess(both);
    EXPECT_EQ(q.faces, 2);
    EXPECT_EQ(q.guidance, Guidance::SeveralFaces) << to_string(q.guidance);
}

TEST_F(Guidance_, ASmallFaceSaysTooFarAndAHugeOneTooClose) {
    EXPECT_EQ(assess(frame(75)).guidance, Guidance::TooFar);
    EXPECT_EQ(assess(frame(420)).guidance, Guidance::TooClose);
}

TEST_F(Guidance_, AFaceAtTheEdgeSaysOffCentre) {
    EXPECT_EQ(assess(frame(150, {120, 240})).guidance, Guidance::OffCentre);
}

TEST_F(Guidance_, DarkAndOverexposedFramesSayTooDarkAndTooBright) {
    cv::Mat dark, bright;
    frame().convertTo(dark, -1, 0.25, 0);
    frame().convertTo(bright, -1, 1.0, 150);
    EXPECT_EQ(assess(dark).guidance, Guidance::TooDark);
    const auto qb = assess(bright);
    EXPECT_TRUE(qb.guidance == Guidance::TooBright || qb.guidance == Guidance::NoFace)
        << to_string(qb.guidance);
    cv::Mat bright2;
    frame().convertTo(bright2, -1, 0.6, 140);
    EXPECT_EQ(assess(bright2).guidance, Guidance::TooBright) << assess(bright2).brightness;
}

TEST_F(Guidance_, AMotionBlurredFrameSaysBlurred) {
    cv::Mat blurred;
    const cv::Mat kernel = cv::Mat::ones(1, 15, CV_32F) / 15.0f;  // horizontal motion blur
    cv::filter2D(frame(), blurred, -1, kernel);
    const auto q = assess(blurred);
    EXPECT_EQ(q.guidance, Guidance::Blurred)
        << to_string(q.guidance) << " sharpness " << q.sharpness << " vs sharp " << assess(frame()).sharpness;
}

TEST_F(Guidance_, BlackedOutEyesSayFaceCovered) {
    cv::Mat f = frame();
    auto faces = finder_->detect(f);
    ASSERT_FALSE(faces.empty());
    for (int eye : {36, 42}) {  // sunglasses: a dark disc over each eye
        cv::Point2f c(0, 0);
        for (int i = 0; i < 6; ++i)
            c += faces[0].landmarks[static_cast<std::size_t>(eye + i)];
        c *= 1.0f / 6.0f;
        cv::ellipse(f, c,
                    cv::Size(cvRound(inter_ocular_distance(faces[0]) * 0.42),
                             cvRound(inter_ocular_distance(faces[0]) * 0.3)),
                    0, 0, 360, cv::Scalar(15, 15, 15), cv::FILLED);
    }
    const auto q = assess(f);
    EXPECT_EQ(q.guidance, Guidance::FaceCovered)
        << to_string(q.guidance) << " eye darkness " << q.eye_darkness;
}

TEST(GuidanceNames, EveryGuidanceHasAStableWireName) {
    for (Guidance g : kAllGuidance) {
        EXPECT_EQ(parse_guidance(to_string(g)), g);
        EXPECT_NE(to_string(g), "unknown");
    }
    EXPECT_EQ(parse_guidance("smile"), std::nullopt);
}

// [SECTION] Measures on synthetic landmarks
FaceDetection synthetic_face(double eye_open = 1.0, double nose_shift = 0.0) {
    FaceDetection f;
    f.box = cv::Rect2f(100, 100, 200, 200);
    for (int i = 0; i <= 16; ++i) {  // jaw: a U from (100,150) to (300,150)
        const double a = CV_PI * i / 16.0;
        f.landmarks[static_cast<std::size_t>(i)] = cv::Point2f(static_cast<float>(200 - 100 * std::cos(a)),
                                                               static_cast<float>(150 + 130 * std::sin(a)));
    }
    auto eye = [&](int o, float cx) {
        const float h = static_cast<float>(9 * eye_open);
        f.landmarks[o + 0] = {cx - 20, 160};
        f.landmarks[o + 1] = {cx - 7, 160 - h};
        f.landmarks[o + 2] = {cx + 7, 160 - h};
        f.landmarks[o + 3] = {cx + 20, 160};
        f.landmarks[o + 4] = {cx + 7, 160 + h};
        f.landmarks[o + 5] = {cx - 7, 160 + h};
    };
    eye(36, 155);
    eye(42, 245);
    for (int i = 27; i <= 35; ++i)
        f.landmarks[i] = {static_cast<float>(200 + nose_shift), 160.0f + (i - 27) * 7.0f};
    f.landmarks[30] = {static_cast<float>(200 + nose_shift), 205};
    for (int i = 48; i <= 67; ++i)
        f.landmarks[i] = {200, 245};
    f.landmarks[48] = {170, 245};
    f.landmarks[54] = {230, 245};
    return f;
}

TEST(Geometry, EyeAspectRatioFallsWhenTheEyesClose) {
    const double open = eye_aspect_ratio(synthetic_face(1.0));
    const double closed = eye_aspect_ratio(synthetic_face(0.1));
    EXPECT_NEAR(open, 0.45, 0.01);
    EXPECT_LT(closed, 0.1);
}

TEST(Geometry, YawIsZeroFrontalAndSignedByTheDirectionOfTheTurn) {
    EXPECT_NEAR(yaw_ratio(synthetic_face(1.0, 0.0)), 0.0, 0.02);
    EXPECT_GT(yaw_ratio(synthetic_face(1.0, 40.0)), 0.3);  // nose towards the image's right: patient's left
    EXPECT_LT(yaw_ratio(synthetic_face(1.0, -40.0)), -0.3);
}

TEST(Geometry, ClosedEyesAndATurnedHeadGiveTheirGuidance) {
    const cv::Mat img(400, 400, CV_8UC3, cv::Scalar(140, 150, 170));
    QualityOptions o;
    o.min_sharpness = 0;  // a flat synthetic image has no texture
    o.max_eye_darkness = 0;
    o.mask_texture_ratio = 0;
    EXPECT_EQ(assess_quality(img, {synthetic_face(0.1)}, o).guidance, Guidance::EyesClosed);
    EXPECT_EQ(assess_quality(img, {synthetic_face(1.0, 50.0)}, o).guidance, Guidance::TurnedAway);
    EXPECT_EQ(assess_quality(img, {synthetic_face(1.0, 0.0)}, o).guidance, Guidance::Ok);
}

}  // namespace
}  // namespace uk::face
