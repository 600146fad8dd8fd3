// The generated test set: camera frames of a card front (tools/cardfront/render.h) under one condition each -
// clean, strong perspective, blur, glare, low light, a thumb over a corner - and a short clip of a card being
// shown to the camera. Deterministic from a seed. Each frame says whether a person could read the three
// fields 照合番号B needs (glare or a thumb over a field makes it unreadable), so tests can demand "exact or
// refused".
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace uk::cardfront {

enum class Condition { Clean, Perspective, Blur, Glare, LowLight, Thumb };
inline constexpr std::array<Condition, 6> kConditions = {Condition::Clean,    Condition::Perspective,
                                                         Condition::Blur,     Condition::Glare,
                                                         Condition::LowLight, Condition::Thumb};
std::string_view condition_name(Condition c);

struct SceneOptions {
    cv::Size frame{1280, 720};
    // false: glare and thumbs are kept off the three fields (a readable frame); true: they may cover one.
    bool allow_unreadable = false;
};

struct Scene {
    cv::Mat frame;                         // BGR, as a camera delivers it (noise, JPEG)
    std::array<cv::Point2f, 4> corners{};  // card corners in the frame: TL, TR, BR, BL of the front
    bool readable = true;                  // the three fields are visible to a person
};

// `front` from FrontRenderer::render (any pixels per mm).
Scene make_scene(const cv::Mat& front, Condition c, std::uint64_t seed, const SceneOptions& o = {});

struct Clip {
    std::vector<cv::Mat> frames;
    double fps = 15.0;
    int appear = 0;  // first frame with the whole card in view
    int steady = 0;  // first frame of the card held still
};

// About three seconds at 15 fps: background only, the card coming in from below (motion blur, growing), then
// held with a little hand shake.
Clip make_clip(const cv::Mat& front, std::uint64_t seed, cv::Size size = {1280, 720});

}  // namespace uk::cardfront
