// The shared face sets (../shared/data/faces) as labelled images and pairs, plus the card-photo simulation
// used by the tests and the benchmark: a greyscale, small, JPEG 2000-compressed crop, as the card's chip
// stores it. Header-only; test and benchmark code only.
#pragma once

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/face/types.h"

namespace uk::face::testing {

struct LabeledImage {
    std::string identity;
    std::string path;
};

struct FaceSet {
    std::string name;
    std::vector<LabeledImage> images;
};

inline std::vector<std::string> sorted_entries(const std::filesystem::path& dir, bool dirs) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (dirs ? e.is_directory() : e.is_regular_file()) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline bool is_image(const std::string& p) {
    const auto ext = std::filesystem::path(p).extension().string();
    return ext == ".jpg" || ext == ".png" || ext == ".jpeg";
}

// western: the face_recognition project's public figures; dlib_johns: 5 x 11 aligned crops; bbt: 8 x 5
// greyscale crops; japanese: 10 different actors, one photo each (impostor pairs only).
inline std::vector<FaceSet> shared_face_sets(const std::string& faces_dir) {
    std::vector<FaceSet> sets;
    FaceSet western{"western", {}};
    for (const char* who :
         {"obama", "biden", "kit_harington", "rose_leslie", "alex_lacamoire", "lin_manuel_miranda"}) {
        for (const auto& f : sorted_entries(faces_dir + "/" + who, false)) {
            if (is_image(f)) western.images.push_back({who, f});
        }
    }
    sets.push_back(std::move(western));
    for (const char* group : {"dlib_johns", "bbt"}) {
        FaceSet s{group, {}};
        for (const auto& d : sorted_entries(faces_dir + "/" + group, true)) {
            for (const auto& f : sorted_entries(d, false)) {
                if (is_image(f)) s.images.push_back({std::filesystem::path(d).filename().string(), f});
            }
        }
        sets.push_back(std::move(s));
    }
    FaceSet jp{"japanese", {}};
    for (const auto& f : sorted_entries(faces_dir + "/japanese_actors", false)) {
        if (is_image(f)) jp.images.push_back({std::filesystem::path(f).stem().string(), f});
    }
    sets.push_back(std::move(jp));
    return sets;
}

// All unordered pairs (i < j), split into same identity (genuine) and different identity (impostor).
inline void make_pairs(const FaceSet& s, std::vector<std::pair<std::size_t, std::size_t>>& genuine,
                       std::vector<std::pair<std::size_t, std::size_t>>& impostor) {
    for (std::size_t i = 0; i < s.images.size(); ++i) {
        for (std::size_t j = i + 1; j < s.images.size(); ++j) {
            (s.images[i].identity == s.images[j].identity ? genuine : impostor).emplace_back(i, j);
        }
    }
}

// What the card's chip would hold for this face: a greyscale crop of 1.6x the face box, 200 px high, JPEG
// 2000 compressed (about 1:10), decoded again. Returned as BGR like every decoded image.
inline cv::Mat card_like(const cv::Mat& bgr, const FaceDetection& f) {
    const cv::Point2f c(f.box.x + f.box.width / 2, f.box.y + f.box.height / 2);
    const float w = f.box.width * 1.6f, h = f.box.height * 2.0f;
    cv::Rect roi(cvRound(c.x - w / 2), cvRound(c.y - h * 0.45f), cvRound(w), cvRound(h));
    roi &= cv::Rect(0, 0, bgr.cols, bgr.rows);
    cv::Mat grey;
    cv::cvtColor(bgr(roi), grey, cv::COLOR_BGR2GRAY);
    cv::Mat small;
    const double s = 200.0 / grey.rows;
    cv::resize(grey, small, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    std::vector<uchar> jp2;
    cv::imencode(".jp2", small, jp2, {cv::IMWRITE_JPEG2000_COMPRESSION_X1000, 100});
    return cv::imdecode(jp2, cv::IMREAD_COLOR);
}

// A "live" variant of a photo for synthetic genuine pairs when a set has one photo per person: mirrored,
// turned by 6 degrees, darker (gamma 1.3). Different pixels, same person.
inline cv::Mat live_variant(const cv::Mat& bgr) {
    cv::Mat flipped, rotated;
    cv::flip(bgr, flipped, 1);
    const cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(bgr.cols / 2.0f, bgr.rows / 2.0f), 6.0, 1.0);
    cv::warpAffine(flipped, rotated, m, bgr.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::Mat lut(1, 256, CV_8U);
    for (int i = 0; i < 256; ++i)
        lut.at<uchar>(i) = cv::saturate_cast<uchar>(255.0 * std::pow(i / 255.0, 1.3));
    cv::Mat out;
    cv::LUT(rotated, lut, out);
    return out;
}

inline cv::Mat to_grey_bgr(const cv::Mat& bgr) {
    cv::Mat g, out;
    cv::cvtColor(bgr, g, cv::COLOR_BGR2GRAY);
    cv::cvtColor(g, out, cv::COLOR_GRAY2BGR);
    return out;
}

}  // namespace uk::face::testing
