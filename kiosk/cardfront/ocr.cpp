#include "kiosk/cardfront/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

#include "kiosk/cardfront/glyphs.h"
#include "kiosk/cardfront/layout.h"

namespace uk::cardfront {

namespace L = layout;

namespace {

const L::RectMm& region(int kind) {
    switch (kind) {
        case 0:
            return L::kReadBirth;
        case 1:
            return L::kReadExpiry;
        default:
            return L::kReadSecurityCode;
    }
}

// Characters the jpn lines can hold: digits, the era names, the date words, the words around them.
constexpr const char* kJpnWhitelist = "0123456789明治大正昭和平成令元年月日生まで有効性別男女";
constexpr const char* kDigits = "0123456789";
constexpr double kEm = 40.0;  // em size (px) the crops are scaled to
// The printed em sizes (mm): the date lines and the security code (tools/cardfront/render.cpp prints them
// so).
constexpr double kDateEmMm = 3.4;
constexpr double kCodeEmMm = 2.8;

}  // namespace

namespace {

cv::Mat prepare_crop(const cv::Mat& card, cv::Rect roi, double ppm, double em_mm, bool box_lines, double zoom,
                     double sharpen);

}  // namespace

cv::Mat prepare_field(const cv::Mat& card, double ppm, int kind, double zoom, double sharpen) {
    const auto& r = region(kind);
    const cv::Rect roi = cv::Rect(static_cast<int>(r.x * ppm), static_cast<int>(r.y * ppm),
                                  static_cast<int>(r.w * ppm), static_cast<int>(r.h * ppm));
    return prepare_crop(card, roi, ppm, kind == 2 ? kCodeEmMm : kDateEmMm, kind == 1, zoom, sharpen);
}

namespace {

cv::Mat prepare_crop(const cv::Mat& card, cv::Rect roi, double ppm, double em_mm, bool box_lines, double zoom,
                     double sharpen) {
    roi &= cv::Rect(0, 0, card.cols, card.rows);
    if (roi.empty()) return {};
    cv::Mat g;
    card(roi).convertTo(g, CV_32F);
    // Flatten: divide by a wide blur (the paper), so that glare gradients and dim light leave even text.
    cv::Mat bg;
    cv::GaussianBlur(g, bg, cv::Size(0, 0), ppm * 2.0);
    cv::Mat flat = g / (bg + 1.0f);
    double lo = 0, hi = 0;
    cv::minMaxLoc(flat, &lo, &hi);
    cv::Mat out;
    flat.convertTo(out, CV_8U, 255.0 / std::max(hi - lo, 1e-6), -lo * 255.0 / std::max(hi - lo, 1e-6));
    // Long straight lines (the box round the expiry) are not text: find them on a binary copy and paint them
    // out.
    if (box_lines) {
        cv::Mat bin;
        cv::threshold(out, bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
        cv::Mat lines_h, lines_v;
        cv::morphologyEx(
            bin, lines_h, cv::MORPH_OPEN,
            cv::getStructuringElement(cv::MORPH_RECT, cv::Size(std::max(3, out.cols * 2 / 5), 1)));
        cv::morphologyEx(
            bin, lines_v, cv::MORPH_OPEN,
            cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, std::max(3, out.rows * 4 / 5))));
        cv::Mat lines = lines_h | lines_v;
        cv::dilate(lines, lines, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
        out.setTo(255, lines);
    }
    // Crop to the printed characters (components of about text height) with a quarter-em margin: a wide blank
    // run before the first digit makes the LSTM read a leading 7 as 1.
    {
        const double em_px = em_mm * ppm;
        cv::Mat ink, labels, stats, centroids;
        cv::threshold(out, ink, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
        const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8);
        cv::Rect box;
        for (int i = 1; i < n; ++i) {
            const int h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
            if (h < 0.3 * em_px || h > 1.3 * em_px) continue;
            const cv::Rect c(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                             stats.at<int>(i, cv::CC_STAT_WIDTH), h);
            box = box.empty() ? c : (box | c);
        }
        if (!box.empty()) {
            const int m = static_cast<int>(em_px * 0.25);
            box = cv::Rect(box.x - m, box.y - m, box.width + 2 * m, box.height + 2 * m) &
                  cv::Rect(0, 0, out.cols, out.rows);
            out = out(box).clone();
        }
    }
    // Tesseract reads best with capitals around 30-40 px: scale to that from the printed em size.
    const double scale = zoom * kEm / (em_mm * ppm);
    if (scale > 1.1 || scale < 0.9) cv::resize(out, out, cv::Size(), scale, scale, cv::INTER_CUBIC);
    // Unsharp mask: gives back some edge to a slightly blurred frame.
    cv::Mat soft;
    cv::GaussianBlur(out, soft, cv::Size(0, 0), 2.0);
    cv::addWeighted(out, 1.0 + sharpen, soft, -sharpen, 0, out);
    cv::copyMakeBorder(out, out, 10, 10, 10, 10, cv::BORDER_CONSTANT, cv::Scalar(255));
    return out;
}

}  // namespace

struct FieldOcr::Impl {
    tesseract::TessBaseAPI jpn, eng;
    std::unique_ptr<GlyphMatcher> glyphs;
};

FieldOcr::FieldOcr(std::unique_ptr<Impl> impl, OcrConfig config)
    : impl_(std::move(impl)), config_(std::move(config)) {}
FieldOcr::~FieldOcr() {
    if (impl_) {
        impl_->jpn.End();
        impl_->eng.End();
    }
}

Result<std::unique_ptr<FieldOcr>> FieldOcr::create(const OcrConfig& config) {
    ::setenv("OMP_THREAD_LIMIT", "1", 0);  // predictable timing on 2 cores (Debian's build may use OpenMP)
    auto impl = std::make_unique<Impl>();
    // No dictionaries: the fields are numbers and fixed words, a dictionary only pulls towards wrong words.
    std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg",    "load_punc_dawg",
                                      "load_number_dawg", "load_unambig_dawg", "load_bigram_dawg"};
    std::vector<std::string> values(names.size(), "0");
    auto init = [&](tesseract::TessBaseAPI& api, const char* lang) -> bool {
        return api.Init(config.tessdata.c_str(), lang, tesseract::OEM_LSTM_ONLY, nullptr, 0, &names, &values,
                        false) == 0;
    };
    if (!init(impl->jpn, "jpn") || !init(impl->eng, "eng")) {
        return Error{"Tesseract could not load jpn/eng from " + config.tessdata.string() +
                     " (install tesseract-ocr-jpn and tesseract-ocr-eng)"};
    }
    for (auto* api : {&impl->jpn, &impl->eng}) {
        api->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
        api->SetVariable("debug_file", "/dev/null");
    }
    auto glyphs = GlyphMatcher::create(config.card_font);
    if (!glyphs) return Error{glyphs.error()};
    impl->glyphs = std::move(*glyphs);
    impl->jpn.SetVariable("tessedit_char_whitelist", kJpnWhitelist);
    impl->eng.SetVariable("tessedit_char_whitelist", kDigits);
    return std::unique_ptr<FieldOcr>(new FieldOcr(std::move(impl), config));
}

// The ways a field is prepared: the first is tried first; the others when it gives nothing usable.
struct Variant {
    double zoom, sharpen;
};
constexpr Variant kVariants[] = {{1.0, 0.8}, {1.4, 0.8}, {1.2, 2.0}};
constexpr int kVariantCount = 3;

FieldText FieldOcr::read_field(const cv::Mat& card, double ppm, int kind) {
    // kind 3: the security code at another scale; kind 4: the security code by the jpn model.
    return read_variant(card, ppm, kind == 4 ? 2 : std::min(kind, 2), kind == 3 ? 1 : 0, kind == 4);
}

FieldText FieldOcr::read_variant(const cv::Mat& card, double ppm, int kind, int variant, bool jpn_digits) {
    const Variant v = kVariants[variant];
    return recognise(prepare_field(card, ppm, kind, v.zoom, v.sharpen), kind == 2 && !jpn_digits,
                     kind == 2 ? kDigits : kJpnWhitelist);
}

FieldText FieldOcr::recognise(const cv::Mat& img, bool eng, const char* whitelist, bool single_char) {
    FieldText out;
    if (img.empty()) return out;
    auto& api = eng ? impl_->eng : impl_->jpn;
    api.SetVariable("tessedit_char_whitelist", whitelist);
    api.SetPageSegMode(single_char ? tesseract::PSM_SINGLE_CHAR : tesseract::PSM_SINGLE_LINE);
    api.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
    if (api.Recognize(nullptr) != 0) return out;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    out.min_confidence = 100;
    bool any = false, digits = false;
    if (it) {
        do {
            std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
            if (!sym) continue;
            std::string s(sym.get());
            if (s.empty() || s == " ") continue;
            any = true;
            out.text += s;
            if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') {
                digits = true;
                out.min_confidence = std::min(out.min_confidence, it->Confidence(tesseract::RIL_SYMBOL));
            }
            secure_wipe(sym.get(), s.size());
            wipe(s);
        } while (it->Next(tesseract::RIL_SYMBOL));
    }
    api.Clear();
    if (!any || !digits) out.min_confidence = 0;
    return out;
}

bool FieldOcr::read(const cv::Mat& card, double ppm, FrontText& out, std::string& why) {
    const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return read(card, ppm, std::chrono::year_month_day{now}, out, why);
}

namespace {

// The matcher's readings name the digits (as class indices): forgotten whichever way read() returns.
struct ForgetOnExit {
    std::vector<LineRead*> reads;
    ~ForgetOnExit() {
        for (LineRead* r : reads) {
            for (SlotRead& slot : r->slots)
                slot = SlotRead{};
        }
    }
};

}  // namespace

bool FieldOcr::read(const cv::Mat& card, double ppm, std::chrono::year_month_day today, FrontText& out,
                    std::string& why) {
    // Two recognisers that fail differently must agree on every digit. First the card-font matcher
    // (glyphs.h): it reads each field as one of the values the format allows and says how sure it is (its
    // margin over the runner-up). A field it is not sure of refuses the frame. Then Tesseract confirms it:
    // its readings at up to three preparations (and, for the code, both models) are tried until one has the
    // same digits - a field no reading confirms refuses the frame. Tesseract alone is never trusted: two of
    // its preparations can agree on the same wrong digit (a blurred 8 read as 6 at every scale).
    GlyphMatcher& gm = *impl_->glyphs;
    const double margin = config_.min_glyph_margin, fit = config_.min_glyph_fit;
    auto sure = [margin, fit](const LineRead& r, const std::vector<Slot>& slots) {
        if (!r.found || r.fit < fit) return false;
        for (std::size_t i = 0; i < slots.size(); ++i) {
            if (slots[i].classes.size() > 1 && r.slots[i].margin < margin) return false;
        }
        return true;
    };
    const std::vector<Slot> code = code_slots();
    // The code is printed right-aligned at the end of its box.
    const double code_w = 4 * gm.width_em("0") * kCodeEmMm;
    LineRead c = gm.read(card, ppm, kCodeEmMm,
                         {L::kSecurityCode.x + L::kSecurityCode.w - code_w, L::kSecurityCode.y}, {code});
    const std::vector<std::vector<Slot>> births = {birth_slots(false), birth_slots(true)};
    LineRead b = gm.read(card, ppm, kDateEmMm, {L::kBirth.x, L::kBirth.y}, births, c.psf);
    const std::vector<Slot> expiry = expiry_slots(static_cast<int>(today.year()));
    LineRead e = gm.read(card, ppm, kDateEmMm, {L::kExpiry.x, L::kExpiry.y}, {expiry}, c.psf);
    const ForgetOnExit forget{{&c, &b, &e}};
    const auto& birth = births[static_cast<std::size_t>(std::max(b.pattern, 0))];
    if (!sure(b, birth)) {
        why = "birth date: not sure";
        return false;
    }
    if (!sure(e, expiry)) {
        why = "expiry date: not sure";
        return false;
    }
    if (!sure(c, code)) {
        why = "security code: not sure";
        return false;
    }
    std::string birth_text = line_text(birth, b), expiry_text = line_text(expiry, e),
                code_text = line_text(code, c);
    // Tesseract readings of one field at the preparations in turn (and, for the code, with both models),
    // until every number of the matcher's reading has been read the same by one of them: a date line's
    // numbers (year, month, day) each as a whole, the code digit by digit (Tesseract's readings of a blurred
    // code are often right except for one digit, a different one in each model). A reading with another count
    // of numbers says nothing about which is which and is not used.
    // The fields deconvolved with the blur the matcher found: Tesseract's last resort on a blurred frame.
    cv::Mat sharpened;
    auto deblurred = [&]() -> const cv::Mat& {
        if (sharpened.empty()) {
            sharpened = card.clone();
            const cv::Mat k = c.kernel.empty() ? GlyphMatcher::psf_kernel(c.psf, ppm) : c.kernel;
            // One region round the three fields (the printed text around them keeps the edges honest).
            const cv::Rect all =
                cv::Rect(static_cast<int>((L::kReadBirth.x - 1.5) * ppm),
                         static_cast<int>((L::kReadBirth.y - 1.5) * ppm),
                         static_cast<int>((L::kCardWidthMm - L::kReadBirth.x + 1.5) * ppm),
                         static_cast<int>(
                             (L::kReadSecurityCode.y + L::kReadSecurityCode.h - L::kReadBirth.y + 3) * ppm));
            deblur_region(sharpened, all, k);
        }
        return sharpened;
    };
    // Tesseract readings of one field at the preparations in turn (for the code with both models; on a
    // blurred frame also deconvolved), until every digit of the matcher's reading has been read the same, at
    // the same place, by one of them. Only readings with as many digits as the matcher's are used (the
    // words between the numbers do not matter: Tesseract often drops a 年 or reads it as another word, and
    // the matcher has placed them).
    auto digits_of = [](const std::string& t) {
        std::string d;
        for (char ch : t) {
            if (ch >= '0' && ch <= '9') d.push_back(ch);
        }
        return d;
    };
    auto confirmed = [&](int kind, const std::vector<Slot>& slots, const LineRead& line,
                         const std::string& text) {
        std::string want = digits_of(text);
        std::vector<bool> seen(want.size(), false);
        auto done = [&] {
            return !want.empty() && std::all_of(seen.begin(), seen.end(), [](bool x) { return x; });
        };
        const int passes = c.psf > 0 ? 2 : 1;
        // The whole line, as Tesseract reads it best (context helps it with the dates).
        for (int pass = 0; pass < passes && !done(); ++pass) {
            const cv::Mat& img = pass == 0 ? card : deblurred();
            for (int model = 0; model < (kind == 2 ? 2 : 1) && !done(); ++model) {
                for (int v = 0; v < kVariantCount && !done(); ++v) {
                    FieldText f = read_variant(img, ppm, kind, v, kind != 2 || model == 1);
                    std::string got = digits_of(f.text);
                    if (f.min_confidence >= static_cast<float>(config_.min_confidence) &&
                        got.size() == want.size()) {
                        for (std::size_t i = 0; i < want.size(); ++i)
                            seen[i] = seen[i] || got[i] == want[i];
                    }
                    wipe(got);
                    wipe(f.text);
                }
            }
        }
        // Then each number the matcher placed, on its own: Tesseract drops a thin 1 between a 年 and a 2
        // (年12月 -> 年2月) that it reads when the number stands alone.
        const double em_mm = kind == 2 ? kCodeEmMm : kDateEmMm;
        std::size_t first = 0;
        for (std::size_t s = 0; s < slots.size() && !done(); ++s) {
            const std::string& cls = slots[s].classes[static_cast<std::size_t>(line.slots[s].cls)];
            std::string number = digits_of(cls);
            const std::size_t n = number.size();
            const bool open =
                std::any_of(seen.begin() + static_cast<std::ptrdiff_t>(first),
                            seen.begin() + static_cast<std::ptrdiff_t>(first + n), [](bool x) { return !x; });
            if (n > 0 && open) {
                // A single digit is read as one character from its own cell (its neighbours are too close
                // in the code to give it a margin); a number with a margin of a fifth of an em.
                const cv::Rect at = line.slots[s].box;
                const bool single = n == 1;
                const int m = single && cls.size() == 1 ? 0 : static_cast<int>(em_mm * ppm * 0.2);
                const cv::Rect roi(at.x - m, at.y, at.width + 2 * m, at.height);
                bool ok = false;
                for (int pass = 0; pass < passes && !ok; ++pass) {
                    const cv::Mat& img = pass == 0 ? card : deblurred();
                    for (int model = 0; model < 2 && !ok; ++model) {
                        for (int v = 0; v < kVariantCount && !ok; ++v) {
                            const Variant var = kVariants[v];
                            FieldText f =
                                recognise(prepare_crop(img, roi, ppm, em_mm, false, var.zoom, var.sharpen),
                                          model == 0, kDigits, single);
                            ok = f.min_confidence >= static_cast<float>(config_.min_confidence) &&
                                 f.text == number;
                            wipe(f.text);
                        }
                    }
                }
                if (ok) {
                    for (std::size_t i = first; i < first + n; ++i)
                        seen[i] = true;
                }
            }
            wipe(number);
            first += n;
        }
        const bool ok = done();
        wipe(want);
        return ok;
    };
    const bool ok_birth = confirmed(0, birth, b, birth_text);
    const bool ok_expiry = ok_birth && confirmed(1, expiry, e, expiry_text);
    const bool ok_code = ok_expiry && confirmed(2, code, c, code_text);
    if (!ok_code) {
        why = !ok_birth    ? "birth date: the recognisers disagree"
              : !ok_expiry ? "expiry date: the recognisers disagree"
                           : "security code: the recognisers disagree";
        wipe(birth_text);
        wipe(expiry_text);
        wipe(code_text);
        return false;
    }
    out.birth = std::move(birth_text);
    out.expiry = std::move(expiry_text);
    out.security_code = std::move(code_text);
    return true;
}

}  // namespace uk::cardfront
