#include "kiosk/face/quality.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "kiosk/face/geometry.h"

namespace uk::face {
namespace {

cv::Rect clip_rect(cv::Rect r, const cv::Mat& m) {
    return r & cv::Rect(0, 0, m.cols, m.rows);
}

cv::Rect around(const FaceDetection& f, int from, int to, float grow) {
    float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
    for (int i = from; i <= to; ++i) {
        const auto& p = f.landmarks[static_cast<std::size_t>(i)];
        x0 = std::min(x0, p.x);
        y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x);
        y1 = std::max(y1, p.y);
    }
    const float gx = (x1 - x0) * grow, gy = std::max((y1 - y0) * grow, (x1 - x0) * 0.25f);
    return cv::Rect(cv::Point(cvRound(x0 - gx), cvRound(y0 - gy)),
                    cv::Point(cvRound(x1 + gx), cvRound(y1 + gy)));
}

double mean_of(const cv::Mat& grey, cv::Rect r) {
    r = clip_rect(r, grey);
    if (r.area() <= 0) return 0.0;
    return cv::mean(grey(r))[0];
}

double texture_of(const cv::Mat& grey, cv::Rect r) {
    r = clip_rect(r, grey);
    if (r.area() < 16) return 0.0;
    cv::Mat lap;
    cv::Laplacian(grey(r), lap, CV_32F);
    cv::Scalar mu, sd;
    cv::meanStdDev(lap, mu, sd);
    return sd[0] * sd[0];
}

}  // namespace

QualityReport assess_quality(const cv::Mat& bgr, const std::vector<FaceDetection>& faces,
                             const QualityOptions& o) {
    QualityReport q;
    q.faces = static_cast<int>(faces.size());
    if (faces.empty() || bgr.empty()) {
        q.guidance = Guidance::NoFace;
        return q;
    }
    const FaceDetection& f = faces.front();
    const double W = bgr.cols, H = bgr.rows;
    q.eye_distance = inter_ocular_distance(f) / W;
    q.face_width = f.box.width / W;
    const cv::Point2f c = face_centre(f);
    q.centre_offset = std::max(std::abs(c.x - W / 2) / W, std::abs(c.y - H / 2) / H);
    q.yaw = yaw_ratio(f);
    q.pitch = pitch_ratio(f);
    q.ear = eye_aspect_ratio(f);

    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    const cv::Rect box = clip_rect(cv::Rect(f.box), grey);
    if (box.area() > 0) {
        q.brightness = cv::mean(grey(box))[0];
        cv::Mat face128, lap;
        const double s = 128.0 / box.width;
        cv::resize(grey(box), face128, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Laplacian(face128, lap, CV_32F);
        cv::Scalar mu, sd;
        cv::meanStdDev(lap, mu, sd);
        q.sharpness = sd[0] * sd[0];
        face128.setTo(cv::Scalar::all(0));
    }
    // Sunglasses: the eye regions far darker than the cheeks below them.
    const cv::Rect eyes = around(f, 36, 47, 0.15f);
    const cv::Rect cheeks(cv::Point(cvRound(f.landmarks[1].x), cvRound(f.landmarks[29].y)),
                          cv::Point(cvRound(f.landmarks[15].x), cvRound(f.landmarks[33].y)));
    const double cheek_mean = mean_of(grey, cheeks);
    {
        cv::Mat mask = cv::Mat::zeros(grey.size(), CV_8U);
        for (int eye : {36, 42}) {
            std::vector<cv::Point> hull;
            for (int i = 0; i < 6; ++i) {
                const auto& p = f.landmarks[static_cast<std::size_t>(eye + i)];
                hull.emplace_back(cvRound(p.x), cvRound(p.y));
            }
            cv::fillConvexPoly(mask, hull, cv::Scalar(255));
        }
        const double eye_mean = cv::countNonZero(mask) > 0 ? cv::mean(grey, mask)[0] : cheek_mean;
        q.eye_darkness = cheek_mean > 1.0 ? eye_mean / cheek_mean : 1.0;
    }
    // Mask: the mouth region without the texture of a mouth and far in colour from the cheeks.
    const cv::Rect mouth = around(f, 48, 67, 0.2f);
    const double eye_tex = texture_of(grey, eyes);
    q.mouth_texture = eye_tex > 1e-6 ? texture_of(grey, mouth) / eye_tex : 1.0;
    {
        const cv::Rect m = clip_rect(mouth, bgr), ch = clip_rect(cheeks, bgr);
        if (m.area() > 0 && ch.area() > 0) {
            cv::Mat lab_m, lab_c;
            cv::cvtColor(bgr(m), lab_m, cv::COLOR_BGR2Lab);
            cv::cvtColor(bgr(ch), lab_c, cv::COLOR_BGR2Lab);
            const cv::Scalar a = cv::mean(lab_m), b = cv::mean(lab_c);
            q.mouth_colour = std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                                       (a[2] - b[2]) * (a[2] - b[2]));
        }
    }
    grey.setTo(cv::Scalar::all(0));

    // Worst problem first: what the patient must fix before anything else makes sense.
    if (faces.size() > 1 && faces[1].box.area() >= o.several_faces_area * f.box.area()) {
        q.guidance = Guidance::SeveralFaces;
    } else if (q.eye_distance < o.min_eye_distance) {
        q.guidance = Guidance::TooFar;
    } else if (q.face_width > o.max_face_width) {
        q.guidance = Guidance::TooClose;
    } else if (q.centre_offset > o.max_centre_offset) {
        q.guidance = Guidance::OffCentre;
    } else if (std::abs(q.yaw) > o.max_yaw || q.pitch < o.min_pitch || q.pitch > o.max_pitch) {
        q.guidance = Guidance::TurnedAway;
    } else if (q.brightness < o.min_brightness) {
        q.guidance = Guidance::TooDark;
    } else if (q.brightness > o.max_brightness) {
        q.guidance = Guidance::TooBright;
    } else if (q.sharpness < o.min_sharpness) {  // before the mask test: blur removes the mouth's texture
        q.guidance = Guidance::Blurred;
    } else if (q.eye_darkness < o.max_eye_darkness ||
               (q.mouth_texture < o.mask_texture_ratio && q.mouth_colour > o.mask_colour_distance)) {
        q.guidance = Guidance::FaceCovered;
    } else if (q.ear < o.min_ear) {
        q.guidance = Guidance::EyesClosed;
    } else {
        q.guidance = Guidance::Ok;
    }
    return q;
}

}  // namespace uk::face
