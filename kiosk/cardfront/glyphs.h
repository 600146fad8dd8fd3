// A second recogniser for the card front's printed digits, next to Tesseract: the card prints its fields in a
// known font and a fixed format ("昭和55年 2月17日生", "2035年 2月17日まで有効", four digits under the
// photo), so each field can be read by matching renderings of every value it can hold against the flattened
// card. The line is placed by its fixed words (年, 月, 日生, the era, a digit grid for the code), the
// camera's blur is chosen from a bank of point spreads (defocus and motion in 6 directions) by how well the
// rendered line fits, and each field is then classified against its candidates blurred the same way. Each
// result carries its margin over the runner-up. Tesseract and this matcher fail differently (Tesseract reads
// a blurred 8 as 6; the matcher knows only the glyphs it was given), so ocr.cpp accepts a field only when
// both agree. The font is the card's (BIZ UDGothic on the fictional test card; configurable).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "kiosk/core/result.h"

namespace uk::cardfront {

// One position of a printed line: the strings it can hold (one string: a fixed word). All strings of one slot
// have the same advance width (the card font's digits are half-width, kanji full-width).
struct Slot {
    std::vector<std::string> classes;
    bool align = true;  // used to place the line (slots with few classes)
};

struct SlotRead {
    int cls = -1;       // index into Slot::classes
    double score = 0;   // normalised correlation of the best class (0..1)
    double margin = 0;  // best minus the runner-up
    cv::Rect box;       // where the best class sits on the card (px; its advance and em box + paper)
};

struct LineRead {
    int pattern = -1;  // which of the patterns given to read() the line follows
    std::vector<SlotRead> slots;
    double fit = 0;  // mean correlation of the line at the chosen place and blur
    int psf = -1;    // index of the chosen point spread
    cv::Mat kernel;  // when read() chose it: the point spread refined around it (for deconvolution)
    bool found = false;
};

// The card's printed formats as slots (the text a slot holds, in order):
//   the security code: four digits;
//   the birth line: era name, era year (" 1".."99" or 元), 年, month, 月, day, 日生 - or, on cards that print
//   the Western calendar, four year digits, 年, month, 月, day, 日生; the expiry line: a year from
//   `first_year` to 10 years later, 年, month, 月, day, 日まで有効.
std::vector<Slot> code_slots();
std::vector<Slot> birth_slots(bool western);
std::vector<Slot> expiry_slots(int first_year);
// The slots' chosen classes joined (the line as printed, e.g. "昭和55年 2月17日生").
std::string line_text(const std::vector<Slot>& slots, const LineRead& read);

// Wiener deconvolution of the grey card's region `roi` by `kernel` (noise-to-signal `nsr`), written back into
// `card` (8-bit). Gives Tesseract back some of the strokes the camera's blur merged.
void deblur_region(cv::Mat& card, cv::Rect roi, const cv::Mat& kernel, double nsr = 0.01);

class GlyphMatcher {
  public:
    static Result<std::unique_ptr<GlyphMatcher>> create(const std::filesystem::path& font);
    ~GlyphMatcher();
    GlyphMatcher(const GlyphMatcher&) = delete;
    GlyphMatcher& operator=(const GlyphMatcher&) = delete;

    // Advance width of `utf8` in em.
    double width_em(const std::string& utf8) const;

    // Reads the line whose first slot's em box has its top-left near `origin_mm` (card millimetres, searched
    // within `slack_mm`) on the grey card `card` at `px_per_mm`. `patterns`: the forms the line can take (the
    // one that places best is read). `psf`: the point spread to use (from an earlier line of the same frame),
    // or -1 to choose it here.
    LineRead read(const cv::Mat& card, double px_per_mm, double em_mm, cv::Point2d origin_mm,
                  const std::vector<std::vector<Slot>>& patterns, int psf = -1, double slack_mm = 1.2);

    // Number of point spreads in the bank (index 0 = sharp camera) and one of them as a kernel at px_per_mm.
    static int psf_count();
    static cv::Mat psf_kernel(int psf, double px_per_mm);

  private:
    struct Impl;
    explicit GlyphMatcher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace uk::cardfront
