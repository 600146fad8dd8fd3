// Reading the three fields of a flattened card front (kiosk/cardfront/layout.h) with two recognisers that
// must agree on every digit: the card-font matcher (glyphs.h: each field matched against renderings of the
// values it can hold, under the camera's estimated blur, with a margin over the runner-up) and Tesseract (the
// birth and expiry lines with the `jpn` model and a whitelist of the characters those lines can hold, the
// security code with `eng` and a digit whitelist, then `jpn`). One FieldOcr per worker thread: Init is slow
// (about 0.3 s), so it is created once and reused. Recognised text is personal data: it goes into a FrontText
// (wiped) and nowhere else.
#pragma once

#include <chrono>
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
        10;  // lowest per-digit confidence (0..100); LSTM confidences are low even when right
    // The font the card prints its fields in, for the card-font matcher (the fictional test card's: BIZ
    // UDGothic from Debian's fonts-morisawa-bizud-gothic).
    std::filesystem::path card_font = "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf";
    // The card-font matcher's least margin (best minus runner-up correlation) for every digit of a field.
    double min_glyph_margin = 0.02;
    // ... and the least mean correlation of the whole field (a field placed on other text or on blank paper
    // fits badly: 0.2-0.5; printed fields in every readable condition fit 0.77-0.99).
    double min_glyph_fit = 0.7;
};

struct FieldText {
    std::string text;
    float min_confidence = 0;  // over the digits recognised (0 when there are none)
};

class FieldOcr {
  public:
    static Result<std::unique_ptr<FieldOcr>> create(const OcrConfig& config = {});
    ~FieldOcr();
    FieldOcr(const FieldOcr&) = delete;
    FieldOcr& operator=(const FieldOcr&) = delete;

    // `card` is the grey flattened front at `px_per_mm`. Fills `out` with the three lines as printed and
    // returns true when both recognisers agree on every field; otherwise false and `why` names the field.
    // `today` bounds the expiry year (today's year to 10 years later).
    bool read(const cv::Mat& card, double px_per_mm, std::chrono::year_month_day today, FrontText& out,
              std::string& why);
    // The same with today from the system clock.
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
    FieldText recognise(const cv::Mat& prepared, bool eng, const char* whitelist, bool single_char = false);
    std::unique_ptr<Impl> impl_;
    OcrConfig config_;
};

// The field crop as the OCR sees it: background flattened (glare, shadows, low light), contrast stretched,
// the printed box lines removed, upscaled to a text height Tesseract likes.
cv::Mat prepare_field(const cv::Mat& card, double px_per_mm, int kind, double zoom = 1.0,
                      double sharpen = 0.8);

}  // namespace uk::cardfront
