#include "kiosk/cardfront/detect.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "kiosk/cardfront/layout.h"

namespace uk::cardfront {

namespace L = layout;

namespace {

double cross(cv::Point2d a, cv::Point2d b) {
    return a.x * b.y - a.y * b.x;
}

std::optional<cv::Point2d> intersect(cv::Point2d p1, cv::Point2d p2, cv::Point2d q1, cv::Point2d q2) {
    const cv::Point2d r = p2 - p1, s = q2 - q1;
    const double d = cross(r, s);
    if (std::abs(d) < 1e-9) return std::nullopt;
    const double t = cross(q1 - p1, s) / d;
    return p1 + r * t;
}

// Reduces a convex polygon to four corners by repeatedly removing the edge whose removal (extending the two
// neighbouring edges to their intersection) adds the least area. A cut corner (thumb, rounded corner) comes
// back.
std::optional<std::array<cv::Point2f, 4>> reduce_to_quad(std::vector<cv::Point2d> p) {
    while (p.size() > 4) {
        const std::size_t n = p.size();
        double best = 1e18;
        std::size_t best_i = n;
        cv::Point2d best_x;
        for (std::size_t i = 0; i < n; ++i) {
            const auto& a = p[(i + n - 1) % n];
            const auto& b = p[i];
            const auto& c = p[(i + 1) % n];
            const auto& d = p[(i + 2) % n];
            auto x = intersect(a, b, d, c);
            if (!x) continue;
            // x must lie beyond b (on ray a->b) and beyond c (on ray d->c).
            if ((*x - b).dot(b - a) < 0 || (*x - c).dot(c - d) < 0) continue;
            const double added = std::abs(cross(b - *x, c - *x)) / 2;
            if (added < best) {
                best = added;
                best_i = i;
                best_x = *x;
            }
        }
        if (best_i == n) return std::nullopt;
        p[best_i] = best_x;
        p.erase(p.begin() + static_cast<std::ptrdiff_t>((best_i + 1) % n));
    }
    if (p.size() != 4) return std::nullopt;
    std::array<cv::Point2f, 4> q;
    for (std::size_t i = 0; i < 4; ++i)
        q[i] = cv::Point2f(static_cast<float>(p[i].x), static_cast<float>(p[i].y));
    return q;
}

// Orders four corners TL, TR, BR, BL with the long side on top.
std::array<cv::Point2f, 4> order(std::array<cv::Point2f, 4> q) {
    cv::Point2f c(0, 0);
    for (const auto& p : q)
        c += p * 0.25f;
    std::sort(q.begin(), q.end(), [&](const cv::Point2f& a, const cv::Point2f& b) {
        return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
    });
    // atan2 order from -pi: TL-ish first when the card is roughly level; rotate so that index 0 is min(x+y).
    std::size_t tl = 0;
    for (std::size_t i = 1; i < 4; ++i) {
        if (q[i].x + q[i].y < q[tl].x + q[tl].y) tl = i;
    }
    std::rotate(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(tl), q.end());
    const double top = cv::norm(q[1] - q[0]) + cv::norm(q[2] - q[3]);
    const double side = cv::norm(q[3] - q[0]) + cv::norm(q[2] - q[1]);
    if (side > top) std::rotate(q.begin(), q.begin() + 3, q.end());  // portrait: make the long side the top
    return q;
}

double quad_area(const std::array<cv::Point2f, 4>& q) {
    std::vector<cv::Point2f> v(q.begin(), q.end());
    return std::abs(cv::contourArea(v));
}

struct Candidate {
    std::array<cv::Point2f, 4> quad;
    double area = 0, fill = 0, score = 0;
};

// Fits each side to the outline points along its middle part (ends excluded: rounded corners, a thumb) and
// intersects the fitted lines: sub-pixel corners from a coarse quadrilateral.
std::array<cv::Point2f, 4> refine(const std::array<cv::Point2f, 4>& q,
                                  const std::vector<cv::Point>& contour) {
    std::array<cv::Vec4f, 4> lines;
    for (std::size_t i = 0; i < 4; ++i) {
        const cv::Point2f a = q[i], b = q[(i + 1) % 4];
        const cv::Point2f d = b - a;
        const float len2 = d.dot(d);
        const float len = std::sqrt(len2);
        if (len < 1) return q;
        const cv::Point2f nrm(-d.y / len, d.x / len);
        std::vector<cv::Point2f> pts;
        for (const auto& p : contour) {
            const cv::Point2f v = cv::Point2f(static_cast<float>(p.x), static_cast<float>(p.y)) - a;
            const float t = v.dot(d) / len2;
            if (t < 0.12f || t > 0.88f || std::abs(v.dot(nrm)) > 3.0f) continue;
            pts.push_back(cv::Point2f(static_cast<float>(p.x), static_cast<float>(p.y)));
        }
        if (pts.size() < 8) return q;
        cv::fitLine(pts, lines[i], cv::DIST_HUBER, 0, 0.01, 0.01);
    }
    std::array<cv::Point2f, 4> out;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& l1 = lines[(i + 3) % 4];
        const auto& l2 = lines[i];
        auto x = intersect(cv::Point2d(l1[2], l1[3]), cv::Point2d(l1[2] + l1[0], l1[3] + l1[1]),
                           cv::Point2d(l2[2], l2[3]), cv::Point2d(l2[2] + l2[0], l2[3] + l2[1]));
        if (!x || cv::norm(cv::Point2f(static_cast<float>(x->x), static_cast<float>(x->y)) - q[i]) > 20)
            return q;
        out[i] = cv::Point2f(static_cast<float>(x->x), static_cast<float>(x->y));
    }
    return out;
}

std::optional<Candidate> best_in_mask(const cv::Mat& mask, double frame_area) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    std::optional<Candidate> best;
    for (const auto& c : contours) {
        const double area = cv::contourArea(c);
        if (area < frame_area * 0.03) continue;
        std::vector<cv::Point> hull;
        cv::convexHull(c, hull);
        std::vector<cv::Point> approx;
        cv::approxPolyDP(hull, approx, 1.5, true);
        if (approx.size() < 4) continue;
        std::vector<cv::Point2d> poly(approx.begin(), approx.end());
        auto q = reduce_to_quad(poly);
        if (!q) continue;
        const auto ordered = order(*q);
        // The whole card must be in view: a quadrilateral on the frame's edge is the frame or something cut
        // off.
        bool on_edge = false;
        for (const auto& p : ordered) {
            on_edge = on_edge || p.x < 2 || p.y < 2 || p.x > mask.cols - 3 || p.y > mask.rows - 3;
        }
        if (on_edge) continue;
        const double qa = quad_area(ordered);
        if (qa <= 0) continue;
        const double fill = area / qa;
        const double top = (cv::norm(ordered[1] - ordered[0]) + cv::norm(ordered[2] - ordered[3])) / 2;
        const double side = (cv::norm(ordered[3] - ordered[0]) + cv::norm(ordered[2] - ordered[1])) / 2;
        const double aspect = top / std::max(side, 1.0);
        if (fill < 0.75 || aspect < 1.15 || aspect > 2.3) continue;
        // Prefer a clean quadrilateral of the card's aspect; then the bigger one.
        const double score =
            fill - 0.25 * std::abs(std::log(aspect / L::kCardAspect)) + 0.05 * area / frame_area;
        if (!best || score > best->score) best = Candidate{refine(ordered, c), area, fill, score};
    }
    return best;
}

}  // namespace

std::optional<CardQuad> find_card(const cv::Mat& bgr) {
    if (bgr.empty()) return std::nullopt;
    const double scale = bgr.cols > 640 ? 640.0 / bgr.cols : 1.0;
    cv::Mat small, grey;
    cv::resize(bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
    cv::GaussianBlur(grey, grey, cv::Size(5, 5), 0);
    const double frame_area = static_cast<double>(grey.total());

    // The card is the bright, flat object: try Otsu's threshold and brighter ones between it and the top.
    cv::Mat mask;
    const double otsu = cv::threshold(grey, mask, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
    double max_v = 0;
    cv::minMaxLoc(grey, nullptr, &max_v);
    std::optional<Candidate> best;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5));
    // The card is pale (little colour); a hand holding it is not. Thresholds on pale pixels only come first,
    // so a thumb does not bend the outline; all pixels are the fallback (a card under coloured light).
    cv::Mat hsv, pale;
    cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
    cv::extractChannel(hsv, pale, 1);
    cv::threshold(pale, pale, 70, 255, cv::THRESH_BINARY_INV);
    for (bool only_pale : {true, false}) {
        for (double f : {0.0, 0.35, 0.6}) {
            const double t = otsu + (max_v - otsu) * f;
            cv::threshold(grey, mask, t, 255, cv::THRESH_BINARY);
            if (only_pale) mask &= pale;
            cv::morphologyEx(mask, mask, cv::MORPH_CLOSE, kernel);
            cv::morphologyEx(mask, mask, cv::MORPH_OPEN, kernel);
            auto c = best_in_mask(mask, frame_area);
            if (c && (!best || c->score > best->score)) best = c;
        }
        if (best && best->fill >= 0.9) break;
    }
    if (!best) return std::nullopt;
    CardQuad q;
    for (std::size_t i = 0; i < 4; ++i)
        q.corners[i] = best->quad[i] * static_cast<float>(1.0 / scale);
    q.area_fraction = best->area / frame_area;
    q.fill = best->fill;
    return q;
}

namespace {

// How much printed text a region holds (mean gradient magnitude).
double texture(const cv::Mat& grey, const L::RectMm& r, double ppm) {
    const cv::Rect roi = cv::Rect(static_cast<int>(r.x * ppm), static_cast<int>(r.y * ppm),
                                  static_cast<int>(r.w * ppm), static_cast<int>(r.h * ppm)) &
                         cv::Rect(0, 0, grey.cols, grey.rows);
    if (roi.empty()) return 0;
    cv::Mat gx, gy;
    cv::Sobel(grey(roi), gx, CV_32F, 1, 0);
    cv::Sobel(grey(roi), gy, CV_32F, 0, 1);
    return cv::mean(cv::abs(gx))[0] + cv::mean(cv::abs(gy))[0];
}

}  // namespace

cv::Mat warp_card(const cv::Mat& bgr, const CardQuad& quad, double ppm, std::array<cv::Point2f, 4>* upright) {
    const cv::Size size(static_cast<int>(std::lround(L::kCardWidthMm * ppm)),
                        static_cast<int>(std::lround(L::kCardHeightMm * ppm)));
    const cv::Point2f dst[4] = {{0, 0},
                                {static_cast<float>(size.width), 0},
                                {static_cast<float>(size.width), static_cast<float>(size.height)},
                                {0, static_cast<float>(size.height)}};
    cv::Mat grey;
    if (bgr.channels() == 3) {
        cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    } else {
        grey = bgr;
    }
    cv::Mat out;
    cv::warpPerspective(grey, out, cv::getPerspectiveTransform(quad.corners.data(), dst), size,
                        cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    // Upright: the birth and expiry lines carry text; rotated by 180 degrees the same places hold the photo's
    // surroundings and the signature panel.
    cv::Mat turned;
    cv::rotate(out, turned, cv::ROTATE_180);
    const double here = texture(out, L::kReadBirth, ppm) + texture(out, L::kReadExpiry, ppm);
    const double there = texture(turned, L::kReadBirth, ppm) + texture(turned, L::kReadExpiry, ppm);
    auto c = quad.corners;
    if (there > here * 1.15) {
        out = turned;
        std::rotate(c.begin(), c.begin() + 2, c.end());
    }
    if (upright) *upright = c;
    return out;
}

}  // namespace uk::cardfront
