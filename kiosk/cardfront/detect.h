// Finding the card in a camera frame and flattening it: OpenCV contours on several brightness thresholds, a
// convex quadrilateral fitted to the card's outline (a thumb over a corner or a rounded corner does not move
// the fitted corners: the hull's extra edges are removed by extending their neighbours), a perspective warp
// to the ID-1 aspect (85.60 x 53.98 mm) and the front turned upright (0 or 180 degrees, from where the text
// is).
#pragma once

#include <array>
#include <optional>

#include <opencv2/core.hpp>

namespace uk::cardfront {

struct CardQuad {
    std::array<cv::Point2f, 4>
        corners{};             // frame pixels: TL, TR, BR, BL of the card as seen (long side on top)
    double area_fraction = 0;  // card area / frame area
    double fill = 0;           // outline area / quad area (1 = clean quadrilateral)
};

// The most card-like quadrilateral in the frame, nullopt when there is none.
std::optional<CardQuad> find_card(const cv::Mat& bgr);

// The card flattened to kCardWidthMm x kCardHeightMm at `px_per_mm`, grey, front upright.
// `upright_corners` (optional) receives the corners in the front's own TL, TR, BR, BL order.
cv::Mat warp_card(const cv::Mat& bgr, const CardQuad& quad, double px_per_mm,
                  std::array<cv::Point2f, 4>* upright_corners = nullptr);

}  // namespace uk::cardfront
