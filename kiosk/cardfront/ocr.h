// Tesseract over the three field regions of a flattened card front (kiosk/cardfront/layout.h): the birth line
// and the expiry line with the `jpn` model and a whitelist of the characters those lines can hold, the
// security code with the `eng` model and a digit whitelist. One FieldOcr per worker thread: Init is slow
// (about 0.3 s), so it is created once and reused. Recognised text is personal data: it goes into a FrontText
// (wiped) and nowhere else. The security code is read twice, at two scales, and both readings must agree (it
// has no structure to check it against).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "kiosk/cardfront/match_code.h"
#include "kiosk/core/result.h"

namespace uk::cardfront {

struct OcrConfig {
    std::filesystem::path tessdata = "/usr/share/tesseract-ocr/5/tessdata";  // Debian tesseract-ocr-jpn/-eng
    int min_confidence =
        10;  // lowest per-character confidence (0..100); LSTM confidences are low even when right
};

struct FieldText {
    std::string text;
    float min_confidence = 0;  // over the characters recognised
};

class FieldOcr {
  public:
    static Result<std::unique_ptr<FieldOcr>> create(const OcrConfig& config = {});
    ~FieldOcr();
    FieldOcr(const FieldOcr&) = delete;
    FieldOcr& operator=(const FieldOcr&) = delete;

    // `card` is the grey flattened front at `px_per_mm`. Fills `out` (fields it could not read stay empty)
    // and returns false when a field was missing or below the confidence floor; `why` names the field.
    bool read(const cv::Mat& card, double px_per_mm, FrontText& out, std::string& why);

    // One region in one of three preparations (scale, sharpening); jpn_digits reads the security code with
    // jpn.
    FieldText read_variant(const cv::Mat& card, double px_per_mm, int kind, int variant, bool jpn_digits);

    // One region, for the tools and tests: kind 0 birth, 1 expiry, 2 security code (eng), 3 security code
    // (eng, 1.4x).
    FieldText read_field(const cv::Mat& card, double px_per_mm, int kind);

    const OcrConfig& config() const { return config_; }

  private:
    struct Impl;
    FieldOcr(std::unique_ptr<Impl> impl, OcrConfig config);
    std::unique_ptr<Impl> impl_;
    OcrConfig config_;
};

// The field crop as the OCR sees it: background flattened (glare, shadows, low light), contrast stretched,
// the printed box lines removed, upscaled to a text height Tesseract likes.
cv::Mat prepare_field(const cv::Mat& card, double px_per_mm, int kind, double zoom = 1.0,
                      double sharpen = 0.8);

}  // namespace uk::cardfront
