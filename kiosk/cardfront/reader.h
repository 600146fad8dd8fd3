// CardFrontReader: camera frames in, 照合番号B out. Per frame: find the card, say what the patient should do
// (guidance for the UI's card outline), flatten it, OCR the three fields, parse them (match_code.h). A
// reading is accepted only when `agree_frames` successive readings give the same 14 digits with no different
// reading in between (frames that read nothing do not break the run; a frame without a card does). Nothing
// here logs or keeps the digits beyond the reader's own wiped buffers; take() hands them over once. Not
// thread-safe: one reader per worker thread (it owns a FieldOcr).
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

#include "kiosk/cardfront/detect.h"
#include "kiosk/cardfront/ocr.h"
#include "kiosk/core/result.h"
#include "kiosk/core/secure.h"

namespace uk::cardfront {

enum class Guidance {
    NoCard,     // "hold the front of your card to the camera"
    TooFar,     // "bring the card closer"
    Glare,      // "tilt the card a little: there is a reflection"
    HoldStill,  // "hold the card still" (blurred or moving)
    Reading,    // card well placed, reading (or a reading not yet confirmed)
    Done,       // 照合番号B accepted
};
std::string_view to_string(Guidance g);

struct ReaderConfig {
    OcrConfig ocr;
    double px_per_mm = 12.0;           // the flattened card: 1027 x 648
    int agree_frames = 2;              // successive equal readings needed
    double min_width_fraction = 0.33;  // card narrower than this part of the frame: TooFar
    double max_glare_fraction = 0.03;  // saturated share of a field region above this: Glare, not read
    double min_sharpness = 12.0;       // variance of the Laplacian over the fields below this: HoldStill
    double max_motion_px = 12.0;       // corners moving more than this between frames: HoldStill
    double min_text_density = 0.08;    // below this the rectangle is not a card front (see reader.cpp)
};

struct FrameReport {
    Guidance guidance = Guidance::NoCard;
    std::optional<std::array<cv::Point2f, 4>> outline;  // the card in the frame (for the UI overlay)
    bool read = false;                                  // this frame gave a complete, plausible reading
    bool accepted = false;                              // the reading is confirmed (take() has it)
    std::string why;  // why this frame gave no reading (never contains digits)
};

class CardFrontReader {
  public:
    static Result<std::unique_ptr<CardFrontReader>> create(const ReaderConfig& config = {});

    // One camera frame (BGR). `today` is for the parser's plausibility checks.
    FrameReport process(const cv::Mat& frame, std::chrono::year_month_day today);

    // One frame on its own, without the agreement rule (tools, tests, the benchmark's per-image read rate).
    Result<MatchCodeB> read_once(const cv::Mat& frame, std::chrono::year_month_day today,
                                 FrameReport* report = nullptr);

    // The accepted 照合番号B, once; afterwards the reader starts over.
    std::optional<MatchCodeB> take();
    // Forget everything (card removed, flow restarted). Wipes the buffers.
    void reset();

    const ReaderConfig& config() const { return config_; }

  private:
    CardFrontReader(std::unique_ptr<FieldOcr> ocr, ReaderConfig config);
    Result<MatchCodeB> read_bgr(const cv::Mat& frame, std::chrono::year_month_day today, FrameReport& r);
    std::unique_ptr<FieldOcr> ocr_;
    ReaderConfig config_;
    MatchCodeB candidate_;
    int streak_ = 0;
    std::optional<MatchCodeB> accepted_;
    std::optional<std::array<cv::Point2f, 4>> last_corners_;
};

}  // namespace uk::cardfront
