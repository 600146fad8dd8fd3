#include "kiosk/face/geometry.h"

#include <algorithm>
#include <cmath>

namespace uk::face {
namespace {

double dist(cv::Point2f a, cv::Point2f b) {
    return std::hypot(static_cast<double>(a.x - b.x), static_cast<double>(a.y - b.y));
}

cv::Point2f mean_of(const FaceDetection& f, int from, int to) {  // [from, to]
    cv::Point2f s(0, 0);
    for (int i = from; i <= to; ++i)
        s += f.landmarks[static_cast<std::size_t>(i)];
    return s * (1.0f / static_cast<float>(to - from + 1));
}

double one_ear(const FaceDetection& f, int o) {
    const auto& p = f.landmarks;
    const double w = dist(p[o + 0], p[o + 3]);
    if (w <= 0.0) return 0.0;
    return (dist(p[o + 1], p[o + 5]) + dist(p[o + 2], p[o + 4])) / (2.0 * w);
}

}  // namespace

double eye_aspect_ratio(const FaceDetection& f) {
    return 0.5 * (one_ear(f, 36) + one_ear(f, 42));
}

double yaw_ratio(const FaceDetection& f) {
    const auto& p = f.landmarks;
    // Horizontal position of the nose bridge/tip between the two sides of the jaw (points 1 and 15).
    const cv::Point2f nose = (p[30] + p[29] + p[28]) * (1.0f / 3.0f);
    const double left = dist(nose, p[1]);
    const double right = dist(nose, p[15]);
    if (left + right <= 0.0) return 0.0;
    return (left - right) / (left + right) * 2.0;
}

double pitch_ratio(const FaceDetection& f) {
    const auto& p = f.landmarks;
    const cv::Point2f eyes = (mean_of(f, 36, 41) + mean_of(f, 42, 47)) * 0.5f;
    const cv::Point2f mouth = (p[48] + p[54]) * 0.5f;
    const double span = dist(eyes, mouth);
    if (span <= 0.0) return 0.5;
    return dist(eyes, p[30]) / span;
}

double inter_ocular_distance(const FaceDetection& f) {
    return dist(mean_of(f, 36, 41), mean_of(f, 42, 47));
}

cv::Point2f face_centre(const FaceDetection& f) {
    return mean_of(f, 0, 67);
}

std::array<cv::Point2f, 5> five_points(const FaceDetection& f) {
    const auto& p = f.landmarks;
    return {mean_of(f, 36, 41), mean_of(f, 42, 47), p[30], p[48], p[54]};
}

}  // namespace uk::face
