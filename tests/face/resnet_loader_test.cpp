// The ResNet loader (dlib's anet_type filled from face-api's TensorFlow.js tensors) must reproduce face-api's
// own reference descriptors within 0.1 (face-api's tolerance), and reject broken weight files with a clear
// message.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "kiosk/face/resnet_embedder.h"
#include "kiosk/face/verifier.h"

namespace uk::face {
namespace {

const std::string kShared = UK_SHARED_DIR "/data";
const std::string kModelDir = kShared + "/models/dlib_resnet_v1_tfjs";

std::vector<float> read_descriptor(const std::string& path) {
    std::ifstream f(path);
    return nlohmann::json::parse(f).get<std::vector<float>>();
}

class ResnetLoader : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto r = ResnetEmbedder::load(kModelDir);
        ASSERT_TRUE(r.ok()) << r.error();
        net_ = std::move(*r).release();
    }
    static void TearDownTestSuite() {
        delete net_;
        net_ = nullptr;
    }
    static ResnetEmbedder* net_;
};
ResnetEmbedder* ResnetLoader::net_ = nullptr;

double check_reference(ResnetEmbedder& net, const std::string& image, const std::string& reference) {
    auto img = FaceVerifier::read_image(kShared + "/faceapi_reference/images/" + image);
    EXPECT_TRUE(img.ok()) << img.error();
    auto e = net.embed_whole_image(*img);
    EXPECT_TRUE(e.ok()) << e.error();
    Embedding ref(read_descriptor(kShared + "/faceapi_reference/data/" + reference));
    EXPECT_EQ(e->size(), 128u);
    const double d = euclidean_distance(*e, ref);
    std::printf("%s: distance to face-api's reference descriptor %.4f\n", image.c_str(), d);
    return d;
}

TEST_F(ResnetLoader, ReproducesFaceApiDescriptorOfFace1Within0_1) {
    EXPECT_LT(check_reference(*net_, "face1.png", "faceDescriptor1.json"), 0.1);
}

TEST_F(ResnetLoader, ReproducesFaceApiDescriptorOfFace2Within0_1) {
    EXPECT_LT(check_reference(*net_, "face2.png", "faceDescriptor2.json"), 0.1);
}

TEST_F(ResnetLoader, ReproducesFaceApiDescriptorOfRectangularFaceWithin0_1) {
    EXPECT_LT(check_reference(*net_, "face_rectangular.png", "faceDescriptorRect.json"), 0.1);
}

TEST_F(ResnetLoader, DifferentPeopleAreFarApartInTheReference) {
    // Guards against a loader that returns a constant vector: the two reference faces differ.
    auto a =
        net_->embed_whole_image(*FaceVerifier::read_image(kShared + "/faceapi_reference/images/face1.png"));
    auto b =
        net_->embed_whole_image(*FaceVerifier::read_image(kShared + "/faceapi_reference/images/face2.png"));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_GT(euclidean_distance(*a, *b), 0.3);
}

TEST(ResnetLoaderErrors, MissingDirectoryNamesTheManifest) {
    auto r = ResnetEmbedder::load("/nonexistent/models");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("manifest"), std::string::npos) << r.error();
}

TEST(ResnetLoaderErrors, TruncatedWeightsAreRejected) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("uk_resnet_trunc_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(kModelDir + "/face_recognition_model-weights_manifest.json",
                               dir / "face_recognition_model-weights_manifest.json",
                               std::filesystem::copy_options::overwrite_existing);
    {
        std::ifstream in(kModelDir + "/face_recognition_model.bin", std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        bytes.resize(bytes.size() / 2);
        std::ofstream out(dir / "face_recognition_model.bin", std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    auto r = ResnetEmbedder::load(dir.string());
    std::filesystem::remove_all(dir);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("truncated"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace uk::face
