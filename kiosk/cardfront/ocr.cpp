#include "kiosk/cardfront/ocr.h"

#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <vector>

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

}  // namespace

cv::Mat prepare_field(const cv::Mat& card, double ppm, int kind, double zoom, double sharpen) {
    const auto& r = region(kind);
    const cv::Rect roi = cv::Rect(static_cast<int>(r.x * ppm), static_cast<int>(r.y * ppm),
                                  static_cast<int>(r.w * ppm), static_cast<int>(r.h * ppm)) &
                         cv::Rect(0, 0, card.cols, card.rows);
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
    if (kind == 1) {
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
    const double em_mm = kind == 2 ? 2.8 : 3.4;
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

struct FieldOcr::Impl {
    tesseract::TessBaseAPI jpn, eng;
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
    impl->jpn.SetVariable("tessedit_char_whitelist", kJpnWhitelist);
    impl->eng.SetVariable("tessedit_char_whitelist", kDigits);
    return std::unique_ptr<FieldOcr>(new FieldOcr(std::move(impl), config));
}

// The ways a field is prepared: the first is tried first; the others when it gives nothing usable.
struct Variant {
    double zoom, sharpen;
};
constexpr Variant kVariants[] = {{1.0, 0.8}, {1.4, 0.8}, {1.2, 2.0}};

FieldText FieldOcr::read_field(const cv::Mat& card, double ppm, int kind) {
    // kind 3: the security code at another scale; kind 4: the security code by the jpn model.
    return read_variant(card, ppm, kind == 4 ? 2 : std::min(kind, 2), kind == 3 ? 1 : 0, kind == 4);
}

FieldText FieldOcr::read_variant(const cv::Mat& card, double ppm, int kind, int variant, bool jpn_digits) {
    const Variant v = kVariants[variant];
    const cv::Mat img = prepare_field(card, ppm, kind, v.zoom, v.sharpen);
    auto& api = kind == 2 && !jpn_digits ? impl_->eng : impl_->jpn;
    api.SetVariable("tessedit_char_whitelist", kind == 2 ? kDigits : kJpnWhitelist);
    api.SetImage(img.data, img.cols, img.rows, 1, static_cast<int>(img.step));
    FieldText out;
    if (api.Recognize(nullptr) != 0) return out;
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    out.min_confidence = 100;
    bool any = false;
    if (it) {
        do {
            std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
            if (!sym) continue;
            std::string s(sym.get());
            if (s.empty() || s == " ") continue;
            any = true;
            out.text += s;
            out.min_confidence = std::min(out.min_confidence, it->Confidence(tesseract::RIL_SYMBOL));
            secure_wipe(sym.get(), s.size());
            wipe(s);
        } while (it->Next(tesseract::RIL_SYMBOL));
    }
    api.Clear();
    if (!any) out.min_confidence = 0;
    return out;
}

bool FieldOcr::read(const cv::Mat& card, double ppm, FrontText& out, std::string& why) {
    const auto floor = static_cast<float>(config_.min_confidence);
    auto usable = [floor](const FieldText& f) { return !f.text.empty() && f.min_confidence >= floor; };

    // The two date lines. Each must give the same date at two preparations (scale, sharpening) - the era year
    // and the expiry year appear nowhere else on the card - and the two must agree with each other (the
    // expiry is the birthday). A dropped digit or a smudge rarely survives another preparation.
    struct Line {
        std::string text;
        std::optional<BirthDate> birth;
        std::optional<std::chrono::year_month_day> expiry;
    };
    std::vector<Line> births, expiries;
    auto read_line = [&](int k, int v) {
        FieldText f = read_variant(card, ppm, k, v, false);
        if (usable(f)) {
            if (k == 0) {
                if (auto b = parse_birth_date(f.text)) births.push_back({f.text, *b, std::nullopt});
            } else {
                if (auto e = parse_expiry_date(f.text)) expiries.push_back({f.text, std::nullopt, *e});
            }
        }
        wipe(f.text);
    };
    auto read_twice = [](const std::vector<Line>& lines, std::size_t i, auto same) {
        for (std::size_t j = 0; j < lines.size(); ++j) {
            if (j != i && same(lines[i], lines[j])) return true;
        }
        return false;
    };
    auto same_birth = [](const Line& a, const Line& b) { return a.birth->era_date == b.birth->era_date; };
    auto same_expiry = [](const Line& a, const Line& b) { return *a.expiry == *b.expiry; };
    bool found = false;
    for (int v = 0; v < 3 && !found; ++v) {
        read_line(0, v);
        read_line(1, v);
        for (std::size_t i = 0; i < births.size() && !found; ++i) {
            if (!read_twice(births, i, same_birth)) continue;
            for (std::size_t j = 0; j < expiries.size() && !found; ++j) {
                if (read_twice(expiries, j, same_expiry) &&
                    expiry_is_birthday(*births[i].birth, *expiries[j].expiry)) {
                    out.birth = births[i].text;
                    out.expiry = expiries[j].text;
                    found = true;
                }
            }
        }
    }
    for (auto& l : births)
        wipe(l.text);
    for (auto& l : expiries)
        wipe(l.text);
    if (!found) {
        why = births.empty()     ? "birth date: not read"
              : expiries.empty() ? "expiry date: not read"
                                 : "dates: not read the same twice";
        return false;
    }

    // Four digits with no structure to check them against. The eng model reads them at up to three
    // preparations and two equal four-digit readings are needed. Its one systematic confusion here is a 7
    // read as 1 (alike at every scale), so a code with a 1 is confirmed by the jpn model, whose own
    // systematic confusion is an 8 read as 6. Where the two models differ only by those two confusions, each
    // is resolved against the model known to make it; any other difference refuses the frame. With no two
    // equal eng readings, one eng reading confirmed by jpn that way is accepted.
    std::vector<std::string> eng;
    auto four_digits = [](const std::string& t) {
        return t.size() == 4 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string agreed;
    for (int v = 0; v < 3 && agreed.empty(); ++v) {
        FieldText f = read_variant(card, ppm, 2, v, false);
        if (usable(f) && four_digits(f.text)) {
            for (const auto& e : eng) {
                if (e == f.text) agreed = e;
            }
            eng.push_back(f.text);
        }
        wipe(f.text);
    }
    std::vector<std::string> jpn;
    auto jpn_confirms = [&](const std::string& e) -> std::string {
        for (int v = 0; v < 3; ++v) {
            if (static_cast<std::size_t>(v) >= jpn.size()) {
                FieldText j = read_variant(card, ppm, 2, v, true);
                jpn.push_back(four_digits(j.text) ? j.text : std::string());
                wipe(j.text);
            }
            const std::string& j = jpn[static_cast<std::size_t>(v)];
            if (j.size() != 4) continue;
            std::string fused = e;
            bool ok = true;
            for (std::size_t i = 0; i < 4 && ok; ++i) {
                if (e[i] == j[i]) continue;
                if (e[i] == '1' && j[i] == '7') {
                    fused[i] = '7';
                } else if (!(e[i] == '8' && j[i] == '6')) {
                    ok = false;
                }
            }
            if (ok) return fused;
            wipe(fused);
        }
        return {};
    };
    if (!agreed.empty() && agreed.find('1') != std::string::npos) {
        std::string confirmed = jpn_confirms(agreed);
        wipe(agreed);
        agreed = confirmed;
        if (agreed.empty()) why = "security code: the models disagree";
    } else if (agreed.empty()) {
        for (const auto& e : eng) {
            if (agreed.empty()) agreed = jpn_confirms(e);
        }
        if (agreed.empty()) why = "security code: not read the same twice";
    }
    for (auto& e : eng)
        wipe(e);
    for (auto& j : jpn)
        wipe(j);
    if (agreed.empty()) return false;
    out.security_code = agreed;
    wipe(agreed);
    return true;
}

}  // namespace uk::cardfront
