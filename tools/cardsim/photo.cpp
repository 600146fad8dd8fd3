#include "tools/cardsim/photo.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace uk::cardsim {

Result<card::Bytes> card_photo_from_image(const std::filesystem::path& image) {
    cv::Mat img;
    try {
        img = cv::imread(image.string(), cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception& e) {
        return Error{"cannot read " + image.string() + ": " + e.what()};
    }
    if (img.empty()) return Error{"cannot read the image " + image.string()};
    // Centre crop to 3:4 (width:height), as the card's photo.
    int w = img.cols, h = img.rows;
    if (w * 4 > h * 3) {
        w = h * 3 / 4;
    } else {
        h = w * 4 / 3;
    }
    const cv::Rect roi((img.cols - w) / 2, (img.rows - h) / 2, w, h);
    cv::Mat photo;
    cv::resize(img(roi), photo, cv::Size(240, 320), 0, 0, cv::INTER_AREA);
    std::vector<std::uint8_t> out;
    try {
        if (!cv::imencode(".jp2", photo, out, {cv::IMWRITE_JPEG2000_COMPRESSION_X1000, 150})) {
            return Error{"JPEG 2000 encoding failed for " + image.string()};
        }
    } catch (const cv::Exception& e) {
        return Error{"JPEG 2000 encoding failed: " + std::string(e.what())};
    }
    return card::Bytes(out.begin(), out.end());
}

}  // namespace uk::cardsim
