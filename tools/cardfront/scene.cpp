#include "tools/cardfront/scene.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "kiosk/cardfront/layout.h"

namespace uk::cardfront {

namespace L = layout;

std::string_view condition_name(Condition c) {
    switch (c) {
        case Condition::Clean:
            return "clean";
        case Condition::Perspective:
            return "perspective";
        case Condition::Blur:
            return "blur";
        case Condition::Glare:
            return "glare";
        case Condition::LowLight:
            return "low_light";
        case Condition::Thumb:
            return "thumb";
    }
    return "?";
}

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform(double a, double b) {
        return a + (b - a) * static_cast<double>(next() >> 11) / 9007199254740992.0;
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    double sign() { return below(2) ? 1.0 : -1.0; }
};

// [SECTION] Geometry: the card as a plane in front of a pinhole camera

struct Pose {
    double yaw = 0, pitch = 0, roll = 0;  // degrees
    double width_frac = 0.6;              // card width in the frame / frame width (facing the camera)
    cv::Point2d centre;                   // where the card's centre projects
};

std::array<cv::Point2f, 4> project(const Pose& p, cv::Size frame) {
    const double f = frame.width * 1.0;
    const double cx = frame.width / 2.0, cy = frame.height / 2.0;
    const double tz = f * L::kCardWidthMm / (p.width_frac * frame.width);
    const double tx = (p.centre.x - cx) * tz / f, ty = (p.centre.y - cy) * tz / f;
    const double a = p.yaw * kPi / 180, b = p.pitch * kPi / 180, c = p.roll * kPi / 180;
    const cv::Matx33d ry(std::cos(a), 0, std::sin(a), 0, 1, 0, -std::sin(a), 0, std::cos(a));
    const cv::Matx33d rx(1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b));
    const cv::Matx33d rz(std::cos(c), -std::sin(c), 0, std::sin(c), std::cos(c), 0, 0, 0, 1);
    const cv::Matx33d r = rz * rx * ry;
    const double hw = L::kCardWidthMm / 2, hh = L::kCardHeightMm / 2;
    const cv::Vec3d pts[4] = {{-hw, -hh, 0}, {hw, -hh, 0}, {hw, hh, 0}, {-hw, hh, 0}};
    std::array<cv::Point2f, 4> out;
    for (int i = 0; i < 4; ++i) {
        const cv::Vec3d q = r * pts[i] + cv::Vec3d(tx, ty, tz);
        out[static_cast<std::size_t>(i)] =
            cv::Point2f(static_cast<float>(f * q[0] / q[2] + cx), static_cast<float>(f * q[1] / q[2] + cy));
    }
    return out;
}

bool inside(const std::array<cv::Point2f, 4>& c, cv::Size frame, float margin) {
    for (const auto& p : c) {
        if (p.x < margin || p.y < margin || p.x > frame.width - margin || p.y > frame.height - margin)
            return false;
    }
    return true;
}

// Card millimetres -> frame pixels.
cv::Matx33d mm_to_frame(const std::array<cv::Point2f, 4>& corners) {
    const cv::Point2f src[4] = {{0, 0},
                                {static_cast<float>(L::kCardWidthMm), 0},
                                {static_cast<float>(L::kCardWidthMm), static_cast<float>(L::kCardHeightMm)},
                                {0, static_cast<float>(L::kCardHeightMm)}};
    return cv::Matx33d(cv::getPerspectiveTransform(src, corners.data()));
}

cv::Point2f apply(const cv::Matx33d& h, cv::Point2d p) {
    const cv::Vec3d q = h * cv::Vec3d(p.x, p.y, 1);
    return cv::Point2f(static_cast<float>(q[0] / q[2]), static_cast<float>(q[1] / q[2]));
}

// [SECTION] Pixels

cv::Mat background(Rng& r, cv::Size size) {
    cv::Mat bg(size, CV_8UC3);
    const cv::Vec3d a(r.uniform(20, 130), r.uniform(20, 130), r.uniform(20, 130));
    const cv::Vec3d b(r.uniform(20, 150), r.uniform(20, 150), r.uniform(20, 150));
    for (int y = 0; y < size.height; ++y) {
        auto* row = bg.ptr<cv::Vec3b>(y);
        const double t = static_cast<double>(y) / size.height;
        for (int x = 0; x < size.width; ++x) {
            const cv::Vec3d v = a * (1 - t) + b * t;
            row[x] = cv::Vec3b(static_cast<uchar>(v[0]), static_cast<uchar>(v[1]), static_cast<uchar>(v[2]));
        }
    }
    const int blobs = 4 + r.below(8);
    for (int i = 0; i < blobs; ++i) {
        const cv::Scalar col(r.uniform(10, 190), r.uniform(10, 190), r.uniform(10, 190));
        const cv::Point c(r.below(size.width), r.below(size.height));
        if (r.below(2)) {
            cv::ellipse(bg, c, cv::Size(20 + r.below(size.width / 3), 20 + r.below(size.height / 3)),
                        r.uniform(0, 180), 0, 360, col, cv::FILLED);
        } else {
            cv::rectangle(bg, cv::Rect(c.x, c.y, 30 + r.below(size.width / 3), 30 + r.below(size.height / 3)),
                          col, cv::FILLED);
        }
    }
    cv::GaussianBlur(bg, bg, cv::Size(0, 0), 6 + r.uniform(0, 10));
    return bg;
}

cv::Mat rounded_mask(cv::Size size, double ppm) {
    cv::Mat m(size, CV_8UC1, cv::Scalar(0));
    const int rad = static_cast<int>(3.18 * ppm);
    cv::rectangle(m, cv::Rect(rad, 0, size.width - 2 * rad, size.height), cv::Scalar(255), cv::FILLED);
    cv::rectangle(m, cv::Rect(0, rad, size.width, size.height - 2 * rad), cv::Scalar(255), cv::FILLED);
    for (const cv::Point c :
         {cv::Point(rad, rad), cv::Point(size.width - rad - 1, rad), cv::Point(rad, size.height - rad - 1),
          cv::Point(size.width - rad - 1, size.height - rad - 1)}) {
        cv::circle(m, c, rad, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    }
    return m;
}

// Puts the front into the frame at `corners` (alpha-blended rounded card).
void composite(cv::Mat& frame, const cv::Mat& front, const std::array<cv::Point2f, 4>& corners) {
    // Pre-scale so that the warp does not alias: about the card's size in the frame.
    const double want_w =
        std::max(cv::norm(corners[1] - corners[0]), cv::norm(corners[2] - corners[3])) * 1.2;
    cv::Mat src = front;
    if (want_w < front.cols) {
        cv::resize(front, src, cv::Size(), want_w / front.cols, want_w / front.cols, cv::INTER_AREA);
    }
    const double ppm = src.cols / L::kCardWidthMm;
    const cv::Point2f s[4] = {{0, 0},
                              {static_cast<float>(src.cols), 0},
                              {static_cast<float>(src.cols), static_cast<float>(src.rows)},
                              {0, static_cast<float>(src.rows)}};
    const cv::Mat h = cv::getPerspectiveTransform(s, corners.data());
    cv::Mat warped, alpha;
    cv::warpPerspective(src, warped, h, frame.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    cv::warpPerspective(rounded_mask(src.size(), ppm), alpha, h, frame.size(), cv::INTER_LINEAR,
                        cv::BORDER_CONSTANT);
    for (int y = 0; y < frame.rows; ++y) {
        auto* f = frame.ptr<cv::Vec3b>(y);
        const auto* w = warped.ptr<cv::Vec3b>(y);
        const auto* a = alpha.ptr<uchar>(y);
        for (int x = 0; x < frame.cols; ++x) {
            if (a[x] == 0) continue;
            const int k = a[x];
            for (int c = 0; c < 3; ++c)
                f[x][c] = static_cast<uchar>((w[x][c] * k + f[x][c] * (255 - k)) / 255);
        }
    }
}

void camera_noise(cv::Mat& frame, Rng& r, double sigma, int jpeg_quality) {
    cv::Mat noise(frame.size(), CV_16SC3);
    cv::theRNG().state = r.next();
    cv::randn(noise, cv::Scalar::all(0), cv::Scalar::all(sigma));
    cv::Mat f16;
    frame.convertTo(f16, CV_16SC3);
    f16 += noise;
    f16.convertTo(frame, CV_8UC3);
    std::vector<uchar> buf;
    cv::imencode(".jpg", frame, buf, {cv::IMWRITE_JPEG_QUALITY, jpeg_quality});
    frame = cv::imdecode(buf, cv::IMREAD_COLOR);
}

void motion_blur(cv::Mat& frame, double length, double angle_deg) {
    const int k = std::max(3, static_cast<int>(std::lround(length)) | 1);
    cv::Mat kernel(k, k, CV_32F, cv::Scalar(0));
    const double a = angle_deg * kPi / 180;
    for (int i = 0; i < k * 4; ++i) {
        const double t = static_cast<double>(i) / (k * 4 - 1) - 0.5;
        const int x = static_cast<int>(std::lround(k / 2 + t * (k - 1) * std::cos(a)));
        const int y = static_cast<int>(std::lround(k / 2 + t * (k - 1) * std::sin(a)));
        kernel.at<float>(y, x) = 1.0f;
    }
    kernel /= cv::sum(kernel)[0];
    cv::filter2D(frame, frame, -1, kernel);
}

// The printed fields 照合番号B needs, in card millimetres.
constexpr L::RectMm kFields[] = {L::kBirth, L::kExpiry, L::kSecurityCode};

// True when `covers(x_mm, y_mm)` holds anywhere on a field.
template <class F>
bool covers_a_field(F covers) {
    for (const auto& r : kFields) {
        for (double y = r.y; y <= r.y + r.h; y += 0.4) {
            for (double x = r.x; x <= r.x + r.w; x += 0.4) {
                if (covers(x, y)) return true;
            }
        }
    }
    return false;
}

Pose random_pose(Rng& r, Condition c, cv::Size frame) {
    Pose p;
    p.width_frac = r.uniform(0.45, 0.72);
    if (c == Condition::Perspective) {
        p.yaw = r.sign() * r.uniform(18, 35);
        p.pitch = r.sign() * r.uniform(5, 30);
        p.roll = r.uniform(-15, 15);
    } else {
        p.yaw = r.uniform(-10, 10);
        p.pitch = r.uniform(-10, 10);
        p.roll = r.uniform(-8, 8);
    }
    p.centre = cv::Point2d(frame.width * r.uniform(0.35, 0.65), frame.height * r.uniform(0.4, 0.6));
    return p;
}

}  // namespace

// [SECTION] Scenes

Scene make_scene(const cv::Mat& front, Condition c, std::uint64_t seed, const SceneOptions& o) {
    Rng r{seed * 1000003u + static_cast<std::uint64_t>(c) * 7u + 1u};
    Scene s;
    s.frame = background(r, o.frame);
    Pose pose = random_pose(r, c, o.frame);
    for (int tries = 0; tries < 60; ++tries) {
        s.corners = project(pose, o.frame);
        if (inside(s.corners, o.frame, 12)) break;
        pose = random_pose(r, c, o.frame);
        pose.width_frac *= 0.9;
    }
    composite(s.frame, front, s.corners);
    const cv::Matx33d h = mm_to_frame(s.corners);

    switch (c) {
        case Condition::Clean:
        case Condition::Perspective:
            break;
        case Condition::Blur:
            // Readable: the defocus or shake of a hand-held card a person can still read the code through.
            // With allow_unreadable, stronger blur that smears the 2.8 mm security code (marked unreadable).
            if (o.allow_unreadable && r.below(2)) {
                s.readable = false;
                motion_blur(s.frame, r.uniform(12, 18), r.uniform(0, 180));
            } else if (r.below(2)) {
                cv::GaussianBlur(s.frame, s.frame, cv::Size(0, 0), r.uniform(0.6, 1.4));
            } else {
                motion_blur(s.frame, r.uniform(3, 7), r.uniform(0, 180));
            }
            break;
        case Condition::Glare: {
            // A specular spot on the glossy card: elliptical, saturating in the middle.
            double gx = 0, gy = 0, sx = 0, sy = 0;
            const double amp = r.uniform(200, 300);
            auto glare_at = [&](double x, double y) {
                const double dx = (x - gx) / sx, dy = (y - gy) / sy;
                return amp * std::exp(-(dx * dx + dy * dy) / 2);
            };
            const bool aim_at_field = o.allow_unreadable && r.below(2);
            for (int tries = 0; tries < 200; ++tries) {
                sx = r.uniform(4, 9);
                sy = r.uniform(3, 7);
                if (aim_at_field) {
                    const auto& f = kFields[r.below(3)];
                    gx = f.x + r.uniform(0, f.w);
                    gy = f.y + r.uniform(0, f.h);
                } else {
                    gx = r.uniform(0, L::kCardWidthMm);
                    gy = r.uniform(0, L::kCardHeightMm);
                }
                s.readable = !covers_a_field([&](double x, double y) { return glare_at(x, y) > 10; });
                if (s.readable != aim_at_field || o.allow_unreadable) break;
            }
            cv::Mat layer(o.frame, CV_32F, cv::Scalar(0));
            cv::Mat inv = cv::Mat(h.inv());
            for (int y = 0; y < layer.rows; ++y) {
                auto* row = layer.ptr<float>(y);
                for (int x = 0; x < layer.cols; ++x) {
                    const cv::Point2f m = apply(cv::Matx33d(inv), cv::Point2d(x, y));
                    if (m.x < 0 || m.y < 0 || m.x > L::kCardWidthMm || m.y > L::kCardHeightMm) continue;
                    row[x] = static_cast<float>(glare_at(m.x, m.y));
                }
            }
            cv::Mat f32;
            s.frame.convertTo(f32, CV_32FC3);
            cv::Mat layer3;
            cv::merge(std::vector<cv::Mat>{layer, layer, layer}, layer3);
            f32 += layer3;
            f32.convertTo(s.frame, CV_8UC3);
            break;
        }
        case Condition::LowLight: {
            const double gain = r.uniform(0.2, 0.4);
            s.frame.convertTo(s.frame, CV_8UC3, gain);
            camera_noise(s.frame, r, r.uniform(2, 4), 95);
            break;
        }
        case Condition::Thumb: {
            // A hand holding the card at one corner, the thumb over the corner.
            const int corner = r.below(4);
            const double cxm = (corner == 1 || corner == 2) ? L::kCardWidthMm : 0;
            const double cym = (corner >= 2) ? L::kCardHeightMm : 0;
            const double inward_x = cxm == 0 ? 1 : -1, inward_y = cym == 0 ? 1 : -1;
            double ax = 0, ay = 0, tx = 0, ty = 0;
            const double ang = std::atan2(inward_y, inward_x);
            auto thumb_at = [&](double x, double y) {
                const double dx = x - tx, dy = y - ty;
                const double u = dx * std::cos(ang) + dy * std::sin(ang),
                             v = -dx * std::sin(ang) + dy * std::cos(ang);
                return (u * u) / (ax * ax) + (v * v) / (ay * ay) <= 1.0;
            };
            const bool aim_at_field = o.allow_unreadable && r.below(2);
            for (int tries = 0; tries < 200; ++tries) {
                ax = r.uniform(10, aim_at_field ? 26 : 16);
                ay = r.uniform(6, 9);
                const double depth = r.uniform(1, aim_at_field ? 16 : 7);
                tx = cxm + inward_x * depth;
                ty = cym + inward_y * depth;
                s.readable = !covers_a_field(thumb_at);
                if (s.readable != aim_at_field || o.allow_unreadable) break;
            }
            // The rest of the hand, outside the card beyond the corner.
            std::vector<cv::Point> hand, thumb;
            for (int i = 0; i < 48; ++i) {
                const double t = 2 * kPi * i / 48;
                const double u = std::cos(t), v = std::sin(t);
                thumb.push_back(apply(h, cv::Point2d(tx + ax * u * std::cos(ang) - ay * v * std::sin(ang),
                                                     ty + ax * u * std::sin(ang) + ay * v * std::cos(ang))));
                hand.push_back(
                    apply(h, cv::Point2d(cxm - inward_x * 14 + 22 * u, cym - inward_y * 10 + 16 * v)));
            }
            const cv::Scalar skin(r.uniform(105, 140), r.uniform(140, 175), r.uniform(190, 230));
            cv::fillPoly(s.frame, std::vector<std::vector<cv::Point>>{hand}, skin * 0.85, cv::LINE_AA);
            cv::fillPoly(s.frame, std::vector<std::vector<cv::Point>>{thumb}, skin, cv::LINE_AA);
            cv::polylines(s.frame, std::vector<std::vector<cv::Point>>{thumb}, true, skin * 0.6, 2,
                          cv::LINE_AA);
            break;
        }
    }
    if (c != Condition::LowLight) camera_noise(s.frame, r, r.uniform(1.5, 3.0), 80 + r.below(13));
    return s;
}

// [SECTION] Clip

Clip make_clip(const cv::Mat& front, std::uint64_t seed, cv::Size size) {
    Rng r{seed * 104729u + 3u};
    Clip clip;
    const cv::Mat bg = background(r, size);
    Pose target = random_pose(r, Condition::Clean, size);
    target.width_frac = r.uniform(0.5, 0.65);
    target.centre = cv::Point2d(size.width * r.uniform(0.42, 0.58), size.height * r.uniform(0.45, 0.55));
    const int empty = 5, entering = 6, held = 34;
    clip.steady = empty + entering;
    clip.appear = -1;
    cv::Point2d prev_centre;
    for (int i = 0; i < empty + entering + held; ++i) {
        cv::Mat frame = bg.clone();
        if (i >= empty) {
            Pose p = target;
            double blur = 0;
            if (i < clip.steady) {
                // Comes up from below the frame, turning to face the camera, easing in.
                const double t = static_cast<double>(i - empty + 1) / entering;
                const double ease = 1 - (1 - t) * (1 - t);
                p.centre.y = size.height * 1.3 + (target.centre.y - size.height * 1.3) * ease;
                p.pitch = target.pitch + 35 * (1 - ease);
                p.width_frac = target.width_frac * (0.8 + 0.2 * ease);
                blur = std::abs(p.centre.y - prev_centre.y) * 0.25;
            } else {
                p.centre += cv::Point2d(r.uniform(-1.5, 1.5), r.uniform(-1.5, 1.5));
                p.roll += r.uniform(-0.5, 0.5);
            }
            prev_centre = p.centre;
            const auto corners = project(p, size);
            composite(frame, front, corners);
            if (blur >= 3) motion_blur(frame, std::min(blur, 25.0), 90);
            if (clip.appear < 0 && inside(corners, size, 2)) clip.appear = i;
        }
        camera_noise(frame, r, 2.0, 85);
        clip.frames.push_back(frame);
    }
    if (clip.appear < 0) clip.appear = clip.steady;
    return clip;
}

}  // namespace uk::cardfront
