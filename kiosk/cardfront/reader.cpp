#include "kiosk/cardfront/reader.h"

#include <algorithm>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "kiosk/cardfront/layout.h"

namespace uk::cardfront {

namespace L = layout;

std::string_view to_string(Guidance g) {
    switch (g) {
        case Guidance::NoCard:
            return "no_card";
        case Guidance::TooFar:
            return "too_far";
        case Guidance::Glare:
            return "glare";
        case Guidance::HoldStill:
            return "hold_still";
        case Guidance::Reading:
            return "reading";
        case Guidance::Done:
            return "done";
    }
    return "?";
}

namespace {

cv::Rect px(const L::RectMm& r, double ppm, cv::Size bounds) {
    return cv::Rect(static_cast<int>(r.x * ppm), static_cast<int>(r.y * ppm), static_cast<int>(r.w * ppm),
                    static_cast<int>(r.h * ppm)) &
           cv::Rect(0, 0, bounds.width, bounds.height);
}

// Printed text in a region relative to its brightness (mean gradient / mean level, after a light blur against
// sensor noise): about 0.2-0.6 on a card front in any light, about 0.01-0.02 on a plain surface.
double text_density(const cv::Mat& card, const L::RectMm& r, double ppm) {
    const cv::Rect roi = px(r, ppm, card.size());
    if (roi.empty()) return 0;
    cv::Mat s, gx, gy;
    cv::GaussianBlur(card(roi), s, cv::Size(0, 0), 1.2);
    cv::Sobel(s, gx, CV_32F, 1, 0);
    cv::Sobel(s, gy, CV_32F, 0, 1);
    return (cv::mean(cv::abs(gx))[0] + cv::mean(cv::abs(gy))[0]) / (cv::mean(s)[0] + 1.0);
}

bool same(const MatchCodeB& a, const MatchCodeB& b) {
    return a.size() == b.size() && std::memcmp(a.bytes().data(), b.bytes().data(), a.size()) == 0;
}

void copy_into(MatchCodeB& dst, const MatchCodeB& src) {
    dst.clear();
    for (auto c : src.bytes())
        dst.push(static_cast<char>(c));
}

}  // namespace

CardFrontReader::CardFrontReader(std::unique_ptr<FieldOcr> ocr, ReaderConfig config)
    : ocr_(std::move(ocr)), config_(std::move(config)) {}

Result<std::unique_ptr<CardFrontReader>> CardFrontReader::create(const ReaderConfig& config) {
    auto ocr = FieldOcr::create(config.ocr);
    if (!ocr) return Error{ocr.error()};
    return std::unique_ptr<CardFrontReader>(new CardFrontReader(std::move(*ocr), config));
}

Result<MatchCodeB> CardFrontReader::read_once(const cv::Mat& frame, std::chrono::year_month_day today,
                                              FrameReport* report) {
    FrameReport local;
    FrameReport& r = report ? *report : local;
    // Whatever a camera delivers (grey, BGRA, 16-bit, tiny): converted or refused, never an exception
    // upwards.
    try {
        if (frame.depth() != CV_8U ||
            (frame.channels() != 1 && frame.channels() != 3 && frame.channels() != 4)) {
            r = FrameReport{};
            r.why = "unsupported frame format";
            return Error{r.why};
        }
        if (frame.channels() != 3) {
            cv::Mat bgr;
            cv::cvtColor(frame, bgr, frame.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
            return read_bgr(bgr, today, r);
        }
        return read_bgr(frame, today, r);
    } catch (const cv::Exception&) {
        r = FrameReport{};
        r.why = "frame could not be processed";
        return Error{r.why};
    }
}

Result<MatchCodeB> CardFrontReader::read_bgr(const cv::Mat& frame, std::chrono::year_month_day today,
                                             FrameReport& r) {
    r = FrameReport{};
    if (frame.empty()) {
        r.why = "empty frame";
        return Error{r.why};
    }
    auto quad = find_card(frame);
    if (!quad) {
        r.guidance = Guidance::NoCard;
        r.why = "no card in view";
        return Error{r.why};
    }
    const double width = std::max(cv::norm(quad->corners[1] - quad->corners[0]),
                                  cv::norm(quad->corners[2] - quad->corners[3]));
    std::array<cv::Point2f, 4> upright{};
    const double ppm = config_.px_per_mm;
    cv::Mat card = warp_card(frame, *quad, ppm, &upright);
    if ((text_density(card, L::kReadBirth, ppm) + text_density(card, L::kReadExpiry, ppm)) / 2 <
        config_.min_text_density) {
        // A bright rectangle without the card's printed lines (a sheet of paper, a screen, a window).
        r.guidance = Guidance::NoCard;
        r.why = "no card in view";
        return Error{r.why};
    }
    r.outline = upright;
    if (width < frame.cols * config_.min_width_fraction) {
        r.guidance = Guidance::TooFar;
        r.why = "card too far";
        return Error{r.why};
    }
    // Glare: saturated pixels over a field.
    double glare = 0, sharp = 0;
    for (const auto& f : {L::kBirth, L::kExpiry, L::kSecurityCode}) {  // the printed text itself
        const cv::Mat roi = card(px(f, ppm, card.size()));
        glare =
            std::max(glare, cv::countNonZero(roi >= 252) / std::max(1.0, static_cast<double>(roi.total())));
        cv::Mat lap;
        cv::Laplacian(roi, lap, CV_32F);
        cv::Scalar mean, dev;
        cv::meanStdDev(lap, mean, dev);
        sharp += dev[0] * dev[0] / 3;
    }
    double motion = 0;
    if (last_corners_) {
        for (std::size_t i = 0; i < 4; ++i)
            motion = std::max(motion, cv::norm(upright[i] - (*last_corners_)[i]));
    }
    last_corners_ = upright;
    if (glare > config_.max_glare_fraction) {
        // A reflection over a field washes strokes out (a 4 becomes a 1): never read through it.
        r.guidance = Guidance::Glare;
        r.why = "glare over a field";
        return Error{r.why};
    }
    r.guidance = Guidance::Reading;
    FrontText text;
    std::string why;
    if (!ocr_->read(card, ppm, today, text, why)) {
        if (glare > config_.max_glare_fraction) {
            r.guidance = Guidance::Glare;
        } else if (sharp < config_.min_sharpness || motion > config_.max_motion_px) {
            r.guidance = Guidance::HoldStill;
        }
        r.why = why;
        return Error{why};
    }
    auto code = parse_front(text, today);
    if (!code) {
        if (glare > config_.max_glare_fraction) r.guidance = Guidance::Glare;
        r.why = code.error();
        return Error{code.error()};
    }
    r.read = true;
    return code;
}

FrameReport CardFrontReader::process(const cv::Mat& frame, std::chrono::year_month_day today) {
    FrameReport r;
    if (accepted_) {
        r.guidance = Guidance::Done;
        r.accepted = true;
        return r;
    }
    auto code = read_once(frame, today, &r);
    if (r.guidance == Guidance::NoCard) {
        // The card left the view: a new run starts with the next card.
        candidate_.clear();
        streak_ = 0;
        last_corners_.reset();
        return r;
    }
    if (!code) return r;
    if (streak_ > 0 && same(candidate_, *code)) {
        ++streak_;
    } else {
        copy_into(candidate_, *code);
        streak_ = 1;
    }
    if (streak_ >= config_.agree_frames) {
        accepted_.emplace();
        copy_into(*accepted_, candidate_);
        candidate_.clear();
        streak_ = 0;
        r.accepted = true;
        r.guidance = Guidance::Done;
    }
    return r;
}

std::optional<MatchCodeB> CardFrontReader::take() {
    std::optional<MatchCodeB> out = std::move(accepted_);
    accepted_.reset();
    return out;
}

void CardFrontReader::reset() {
    candidate_.clear();
    streak_ = 0;
    accepted_.reset();
    last_corners_.reset();
}

}  // namespace uk::cardfront
