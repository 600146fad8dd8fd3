// A fictional card front for test identities: the fields of the real My Number card front in the same places
// (kiosk/cardfront/layout.h), in a plain design of our own (never the real card's artwork), marked as a test
// card. Japanese text through FreeType in a Japanese font (BIZ UDGothic from Debian's
// fonts-morisawa-bizud-gothic by default). Used by the test-image generator, the tests and the benchmark.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "kiosk/core/result.h"
#include "tools/pki/pki.h"

namespace uk::cardfront {

struct FrontFields {
    std::string name;     // 山田 太郎
    std::string address;  // one or two lines (split at '\n')
    std::string sex;      // 男 / 女
    std::chrono::year_month_day birth;
    std::chrono::year_month_day expiry;  // printed 有効期限 (the card's, Gregorian)
    std::string security_code;           // 4 digits
    std::string serial;                  // 16 digits
    bool western_birth = false;          // print the birth date in the Western calendar
};

// The front of a simulator identity (tools/pki): valid until the birthday in its expiry year.
FrontFields fields_from_identity(const pki::IdentitySpec& id);

// A fictional identity from a seed, birth dates spread over 昭和..令和 with extra weight on era boundaries
// and 元年, expiry 0..10 years after `today` (never expired), a random security code and serial.
FrontFields random_fields(std::uint64_t seed, std::chrono::year_month_day today);

// The same identity in the test PKI's form, so that pki::match_code_b gives the expected 照合番号B.
pki::IdentitySpec to_identity_spec(const FrontFields& f);

// The printed lines, exactly as the renderer prints them ("昭和55年 2月17日生", "2035年 2月17日まで有効").
std::string birth_line(const FrontFields& f);
std::string expiry_line(const FrontFields& f);

std::filesystem::path default_font_path();

class FrontRenderer {
  public:
    // Loads the font once. An error names the font file.
    static Result<std::unique_ptr<FrontRenderer>> create(
        const std::filesystem::path& font = default_font_path());
    ~FrontRenderer();
    FrontRenderer(const FrontRenderer&) = delete;
    FrontRenderer& operator=(const FrontRenderer&) = delete;

    // The front as BGR, px_per_mm pixels per millimetre (20 -> 1712 x 1080). `photo` (any size, BGR or grey)
    // goes into the photo box; empty draws a grey silhouette.
    cv::Mat render(const FrontFields& f, const cv::Mat& photo = {}, double px_per_mm = 20.0) const;

    // Draws UTF-8 text with its em box's top-left at `origin` (pixels), em size px; returns the advance
    // width.
    double draw_text(cv::Mat& bgr, const std::string& utf8, cv::Point2d origin, double em_px,
                     cv::Scalar color) const;
    double text_width(const std::string& utf8, double em_px) const;

  private:
    struct Impl;
    explicit FrontRenderer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace uk::cardfront
