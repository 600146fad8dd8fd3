#include "kiosk/cardfront/glyphs.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>
#include <tuple>

namespace uk::cardfront {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kOversample = 4;       // glyphs are rendered this much larger, then reduced (exact geometry)
constexpr double kPadEm = 0.2;       // paper above and below the em box in a template
constexpr double kAlignSigma = 1.2;  // blur of the templates that place the line (px at 12 px/mm)
constexpr int kRefinePx = 2;         // each slot may sit this far from the line's place
// Blurred renderings kept between frames: about 230 per point spread (1.5 MB); past this many (a dozen
// spreads) the cache starts over, so a long-running kiosk stays within about 20 MB.
constexpr std::size_t kMaxCached = 2800;

std::u32string utf8_to_u32(const std::string& s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
        char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

// [SECTION] Point spreads: what the camera may have done to the print (in px at 12 px/mm)

struct Psf {
    double sigma;       // defocus (Gaussian), always at least the sharp camera's
    double length = 0;  // motion along `angle`
    double angle = 0;   // degrees
};

const std::vector<Psf>& bank() {
    static const std::vector<Psf> b = [] {
        std::vector<Psf> v;
        for (double s : {0.8, 1.4, 2.0, 2.6, 3.2})
            v.push_back({s});
        for (double l : {5.0, 8.0, 11.0, 14.0}) {
            for (double a = 0; a < 180; a += 30)
                v.push_back({0.8, l, a});
        }
        return v;
    }();
    return b;
}

cv::Mat kernel(const Psf& p, double scale) {
    const double sigma = p.sigma * scale, len = p.length * scale;
    const int half = static_cast<int>(std::ceil(len / 2 + 3 * sigma)) + 1;
    cv::Mat k(2 * half + 1, 2 * half + 1, CV_32F, cv::Scalar(0));
    const double a = p.angle * kPi / 180;
    const int n = len > 0 ? 64 : 1;
    for (int i = 0; i < n; ++i) {
        const double t = n == 1 ? 0 : (static_cast<double>(i) / (n - 1) - 0.5) * len;
        const double x = half + t * std::cos(a), y = half + t * std::sin(a);
        const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
        const float fx = static_cast<float>(x - x0), fy = static_cast<float>(y - y0);
        k.at<float>(y0, x0) += (1 - fx) * (1 - fy);
        k.at<float>(y0, x0 + 1) += fx * (1 - fy);
        k.at<float>(y0 + 1, x0) += (1 - fx) * fy;
        k.at<float>(y0 + 1, x0 + 1) += fx * fy;
    }
    cv::GaussianBlur(k, k, cv::Size(0, 0), sigma);
    k /= cv::sum(k)[0];
    return k;
}

std::string pad2(int v) {
    return v < 10 ? " " + std::to_string(v) : std::to_string(v);
}

Slot digit_slot() {
    Slot s;
    for (char c = '0'; c <= '9'; ++c)
        s.classes.emplace_back(1, c);
    return s;
}

Slot range_slot(int from, int to, bool align) {
    Slot s;
    s.align = align;
    for (int v = from; v <= to; ++v)
        s.classes.push_back(pad2(v));
    return s;
}

Slot word(const char* w) {
    return Slot{{w}, true};
}

}  // namespace

std::vector<Slot> code_slots() {
    return {digit_slot(), digit_slot(), digit_slot(), digit_slot()};
}

std::vector<Slot> birth_slots(bool western) {
    std::vector<Slot> v;
    if (western) {
        for (int i = 0; i < 4; ++i)
            v.push_back(digit_slot());
    } else {
        v.push_back(Slot{{"明治", "大正", "昭和", "平成", "令和"}, true});
        Slot year = range_slot(1, 99, false);
        year.classes.emplace_back("元");
        v.push_back(year);
    }
    v.push_back(word("年"));
    v.push_back(range_slot(1, 12, true));
    v.push_back(word("月"));
    v.push_back(range_slot(1, 31, false));
    v.push_back(word("日生"));
    return v;
}

std::vector<Slot> expiry_slots(int first_year) {
    std::vector<Slot> v;
    Slot year;
    for (int y = first_year; y <= first_year + 10; ++y)
        year.classes.push_back(std::to_string(y));
    v.push_back(year);
    v.push_back(word("年"));
    v.push_back(range_slot(1, 12, true));
    v.push_back(word("月"));
    v.push_back(range_slot(1, 31, false));
    v.push_back(word("日まで有効"));
    return v;
}

std::string line_text(const std::vector<Slot>& slots, const LineRead& read) {
    std::string out;
    for (std::size_t s = 0; s < slots.size() && s < read.slots.size(); ++s) {
        if (read.slots[s].cls < 0) return {};
        out += slots[s].classes[static_cast<std::size_t>(read.slots[s].cls)];
    }
    return out;
}

struct GlyphMatcher::Impl {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    // Ink (0..1) of a string at an em size, and the same on paper blurred by a point spread (-1: alignment).
    std::map<std::pair<int, std::string>, cv::Mat> ink;
    std::map<std::tuple<int, std::string, int>, cv::Mat> blurred;
    std::map<std::pair<int, int>, cv::Mat> kernels;
    ~Impl() {
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }

    double advance_em(const std::string& utf8) {
        FT_Set_Pixel_Sizes(face, 0, 256);
        double w = 0;
        for (char32_t cp : utf8_to_u32(utf8)) {
            if (FT_Load_Char(face, cp, FT_LOAD_DEFAULT) != 0) continue;
            w += static_cast<double>(face->glyph->advance.x) / 64.0;
        }
        return w / 256.0;
    }

    // The string's ink at `em` px (key: em in 1/100 px): width = its advance, height = em box + paper above
    // and below; the em box is placed as the card's renderer places it.
    const cv::Mat& render(int em_key, const std::string& utf8) {
        auto it = ink.find({em_key, utf8});
        if (it != ink.end()) return it->second;
        const double em = em_key / 100.0;
        const int em_hi = static_cast<int>(std::lround(em * kOversample));
        FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(em_hi));
        const double ascender = static_cast<double>(face->size->metrics.ascender) / 64.0;
        const double descender = static_cast<double>(-face->size->metrics.descender) / 64.0;
        const int pad = static_cast<int>(std::lround(kPadEm * em)) * kOversample;
        const double adv = advance_em(utf8) * em * kOversample;
        FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(em_hi));
        const int w = std::max(kOversample, static_cast<int>(std::lround(adv / kOversample)) * kOversample);
        const int h = em_hi + 2 * pad;
        cv::Mat hi(h, w, CV_32F, cv::Scalar(0));
        const double baseline = pad + ascender + (em_hi - ascender - descender) / 2.0;
        double pen = 0;
        for (char32_t cp : utf8_to_u32(utf8)) {
            if (FT_Load_Char(face, cp, FT_LOAD_RENDER) != 0) continue;
            const FT_GlyphSlot g = face->glyph;
            const FT_Bitmap& bm = g->bitmap;
            const int x0 = static_cast<int>(std::lround(pen)) + g->bitmap_left;
            const int y0 = static_cast<int>(std::lround(baseline)) - g->bitmap_top;
            for (int yy = 0; yy < static_cast<int>(bm.rows); ++yy) {
                const int py = y0 + yy;
                if (py < 0 || py >= h) continue;
                auto* row = hi.ptr<float>(py);
                const unsigned char* src = bm.buffer + yy * bm.pitch;
                for (int xx = 0; xx < static_cast<int>(bm.width); ++xx) {
                    const int px = x0 + xx;
                    if (px < 0 || px >= w) continue;
                    row[px] = std::max(row[px], src[xx] / 255.0f);
                }
            }
            pen += static_cast<double>(g->advance.x) / 64.0;
        }
        cv::Mat lo;
        cv::resize(hi, lo, cv::Size(w / kOversample, h / kOversample), 0, 0, cv::INTER_AREA);
        return ink.emplace(std::make_pair(em_key, utf8), lo).first->second;
    }

    const cv::Mat& psf_kernel(int psf, double scale) {
        const int key = static_cast<int>(std::lround(scale * 100));
        auto it = kernels.find({psf, key});
        if (it != kernels.end()) return it->second;
        const Psf p = psf < 0 ? Psf{kAlignSigma} : bank()[static_cast<std::size_t>(psf)];
        return kernels.emplace(std::make_pair(psf, key), kernel(p, scale)).first->second;
    }

    // Paper (1) with ink (0), blurred by the point spread.
    const cv::Mat& templ(int em_key, const std::string& utf8, int psf, double scale) {
        auto it = blurred.find({em_key, utf8, psf});
        if (it != blurred.end()) return it->second;
        cv::Mat b;
        cv::filter2D(render(em_key, utf8), b, CV_32F, psf_kernel(psf, scale), cv::Point(-1, -1), 0,
                     cv::BORDER_CONSTANT);
        b = 1.0 - b;
        return blurred.emplace(std::make_tuple(em_key, utf8, psf), b).first->second;
    }
};

GlyphMatcher::GlyphMatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GlyphMatcher::~GlyphMatcher() = default;

int GlyphMatcher::psf_count() {
    return static_cast<int>(bank().size());
}

cv::Mat GlyphMatcher::psf_kernel(int psf, double ppm) {
    if (psf < 0 || psf >= psf_count()) return {};
    return kernel(bank()[static_cast<std::size_t>(psf)], ppm / 12.0);
}

void deblur_region(cv::Mat& card, cv::Rect roi, const cv::Mat& k, double nsr) {
    roi &= cv::Rect(0, 0, card.cols, card.rows);
    if (roi.empty() || k.empty()) return;
    // Mirrored margins so that the region's edges do not ring; sizes the DFT likes.
    const int m = k.rows * 2;
    cv::Mat g;
    card(roi).convertTo(g, CV_32F);
    const int w = cv::getOptimalDFTSize(roi.width + 2 * m), h = cv::getOptimalDFTSize(roi.height + 2 * m);
    cv::copyMakeBorder(g, g, m, h - roi.height - m, m, w - roi.width - m, cv::BORDER_REFLECT);
    // The kernel centred on the origin (wrapped round).
    cv::Mat kp(h, w, CV_32F, cv::Scalar(0));
    const int c = k.rows / 2;
    for (int y = 0; y < k.rows; ++y) {
        for (int x = 0; x < k.cols; ++x)
            kp.at<float>((y - c + h) % h, (x - c + w) % w) = k.at<float>(y, x);
    }
    cv::Mat G, H;
    cv::dft(g, G, cv::DFT_COMPLEX_OUTPUT);
    cv::dft(kp, H, cv::DFT_COMPLEX_OUTPUT);
    cv::Mat out(G.size(), G.type());
    const auto nsr_f = static_cast<float>(nsr);
    for (int y = 0; y < G.rows; ++y) {
        const auto* gr = G.ptr<cv::Vec2f>(y);
        const auto* hr = H.ptr<cv::Vec2f>(y);
        auto* o = out.ptr<cv::Vec2f>(y);
        for (int x = 0; x < G.cols; ++x) {
            const float hr2 = hr[x][0] * hr[x][0] + hr[x][1] * hr[x][1];
            // conj(H) G / (|H|^2 + nsr)
            const float re = hr[x][0] * gr[x][0] + hr[x][1] * gr[x][1];
            const float im = hr[x][0] * gr[x][1] - hr[x][1] * gr[x][0];
            o[x] = cv::Vec2f(re / (hr2 + nsr_f), im / (hr2 + nsr_f));
        }
    }
    cv::Mat r;
    cv::idft(out, r, cv::DFT_REAL_OUTPUT | cv::DFT_SCALE);
    r(cv::Rect(m, m, roi.width, roi.height)).convertTo(card(roi), CV_8U);
}

Result<std::unique_ptr<GlyphMatcher>> GlyphMatcher::create(const std::filesystem::path& font) {
    auto impl = std::make_unique<Impl>();
    if (FT_Init_FreeType(&impl->lib) != 0) return Error{"FreeType could not be initialised"};
    if (FT_New_Face(impl->lib, font.c_str(), 0, &impl->face) != 0) {
        return Error{"cannot load the card font " + font.string() + " (install fonts-morisawa-bizud-gothic)"};
    }
    return std::unique_ptr<GlyphMatcher>(new GlyphMatcher(std::move(impl)));
}

double GlyphMatcher::width_em(const std::string& utf8) const {
    return impl_->advance_em(utf8);
}

LineRead GlyphMatcher::read(const cv::Mat& card, double ppm, double em_mm, cv::Point2d origin_mm,
                            const std::vector<std::vector<Slot>>& patterns, int psf, double slack_mm) {
    LineRead out;
    if (patterns.empty() || card.empty()) return out;
    if (impl_->blurred.size() > kMaxCached) impl_->blurred.clear();
    const double em = em_mm * ppm;
    const int em_key = static_cast<int>(std::lround(em * 100));
    const double scale = ppm / 12.0;
    const int pad = static_cast<int>(std::lround(kPadEm * em));
    const int slack = static_cast<int>(std::lround(slack_mm * ppm));
    const int h = static_cast<int>(std::lround(em)) + 2 * pad;
    double longest = 0;
    for (const auto& slots : patterns) {
        double x = 0;
        for (const auto& s : slots)
            x += impl_->advance_em(s.classes.front()) * em;
        longest = std::max(longest, x);
    }
    // The card region the line can be in, paper-padded where it leaves the card.
    const int margin = slack + kRefinePx + 2;
    const cv::Point o(static_cast<int>(std::lround(origin_mm.x * ppm)) - margin,
                      static_cast<int>(std::lround(origin_mm.y * ppm)) - pad - margin);
    const cv::Rect want(o.x, o.y, static_cast<int>(std::ceil(longest)) + 2 * margin + 4, h + 2 * margin);
    const cv::Rect have = want & cv::Rect(0, 0, card.cols, card.rows);
    if (have.area() < want.area() / 2) return out;
    cv::Mat region;
    card(have).convertTo(region, CV_32F);
    cv::copyMakeBorder(region, region, have.y - want.y, want.br().y - have.br().y, have.x - want.x,
                       want.br().x - have.br().x, cv::BORDER_REPLICATE);

    // [SECTION] Place the line: for each pattern, the sum over its placing slots of the best class's
    // correlation map (templates lightly blurred); the pattern and place with the highest mean win.
    struct Placed {
        std::vector<int> ox;     // slot offsets (px) from the line's origin
        std::vector<int> first;  // per slot: the class that placed it (-1: not a placing slot)
        double score = -2;
        cv::Point at;
    };
    Placed best;
    int best_pattern = -1;
    for (std::size_t p = 0; p < patterns.size(); ++p) {
        const auto& slots = patterns[p];
        Placed pl;
        double x = 0;
        for (const auto& s : slots) {
            pl.ox.push_back(static_cast<int>(std::lround(x)));
            x += impl_->advance_em(s.classes.front()) * em;
        }
        cv::Mat total(2 * slack + 1, 2 * slack + 1, CV_32F, cv::Scalar(0));
        std::vector<std::vector<cv::Mat>> maps(slots.size());
        int placing = 0;
        for (std::size_t s = 0; s < slots.size(); ++s) {
            if (!slots[s].align) continue;
            cv::Mat top;
            for (const auto& cls : slots[s].classes) {
                const cv::Mat& t = impl_->templ(em_key, cls, -1, scale);
                const cv::Rect w(margin + pl.ox[s] - slack, margin - slack, t.cols + 2 * slack,
                                 t.rows + 2 * slack);
                if ((w & cv::Rect(0, 0, region.cols, region.rows)) != w) return out;
                cv::Mat m;
                cv::matchTemplate(region(w), t, m, cv::TM_CCOEFF_NORMED);
                top = top.empty() ? m.clone() : cv::max(top, m);
                maps[s].push_back(m);
            }
            total += top;
            ++placing;
        }
        if (placing == 0) continue;
        double peak = 0;
        cv::minMaxLoc(total, nullptr, &peak, nullptr, &pl.at);
        pl.score = peak / placing;
        pl.first.assign(slots.size(), -1);
        for (std::size_t s = 0; s < slots.size(); ++s) {
            float v = -2;
            for (std::size_t c = 0; c < maps[s].size(); ++c) {
                if (maps[s][c].at<float>(pl.at) > v) {
                    v = maps[s][c].at<float>(pl.at);
                    pl.first[s] = static_cast<int>(c);
                }
            }
        }
        if (pl.score > best.score) {
            best = std::move(pl);
            best_pattern = static_cast<int>(p);
        }
    }
    if (best_pattern < 0) return out;
    const auto& slots = patterns[static_cast<std::size_t>(best_pattern)];
    const int dx = best.at.x - slack, dy = best.at.y - slack;
    auto best_ncc = [&](std::size_t s, const std::string& cls, int p, cv::Rect* box = nullptr) -> double {
        const cv::Mat& t = impl_->templ(em_key, cls, p, scale);
        const cv::Rect w(margin + best.ox[s] + dx - kRefinePx, margin + dy - kRefinePx,
                         t.cols + 2 * kRefinePx, t.rows + 2 * kRefinePx);
        if ((w & cv::Rect(0, 0, region.cols, region.rows)) != w) return -1;
        cv::Mat m;
        cv::matchTemplate(region(w), t, m, cv::TM_CCOEFF_NORMED);
        double hi = 0;
        cv::Point loc;
        cv::minMaxLoc(m, nullptr, &hi, nullptr, &loc);
        if (box) *box = cv::Rect(want.x + w.x + loc.x, want.y + w.y + loc.y, t.cols, t.rows);
        return hi;
    };

    // [SECTION] The blur: the point spread under which the placing slots' classes fit best
    const bool choose = psf < 0 || psf >= psf_count();
    if (choose) {
        double best_fit = -2;
        for (int p = 0; p < psf_count(); ++p) {
            double fit = 0;
            for (std::size_t s = 0; s < slots.size(); ++s) {
                if (best.first[s] >= 0)
                    fit += best_ncc(s, slots[s].classes[static_cast<std::size_t>(best.first[s])], p);
            }
            if (fit > best_fit) {
                best_fit = fit;
                psf = p;
            }
        }
    }

    // [SECTION] Each slot under that blur: best class and its margin
    out.pattern = best_pattern;
    out.slots.resize(slots.size());
    double sum = 0;
    for (std::size_t s = 0; s < slots.size(); ++s) {
        SlotRead& r = out.slots[s];
        double first = -2, second = -2;
        for (std::size_t c = 0; c < slots[s].classes.size(); ++c) {
            cv::Rect box;
            const double v = best_ncc(s, slots[s].classes[c], psf, &box);
            if (v > first) {
                second = first;
                first = v;
                r.cls = static_cast<int>(c);
                r.box = box;
            } else if (v > second) {
                second = v;
            }
        }
        r.score = first;
        r.margin = slots[s].classes.size() > 1 ? first - second : first;
        sum += first;
    }
    out.fit = sum / static_cast<double>(slots.size());
    out.psf = psf;
    if (choose) {
        // The bank is coarse (motion every 30 degrees and 3 px): good enough to classify, not to deconvolve.
        // Refined around the chosen spread on the classified slots, with kernels made on the spot.
        const Psf base = bank()[static_cast<std::size_t>(psf)];
        Psf best_p = base;
        double best_fit = -2;
        std::vector<Psf> tries;
        if (base.length > 0) {
            for (double dl : {-2.0, -1.0, 0.0, 1.0, 2.0}) {
                for (double da : {-12.0, -6.0, 0.0, 6.0, 12.0})
                    tries.push_back({base.sigma, std::max(2.0, base.length + dl), base.angle + da});
            }
        } else {
            for (double ds : {-0.3, -0.15, 0.0, 0.15, 0.3})
                tries.push_back({std::max(0.5, base.sigma + ds)});
        }
        for (const Psf& t : tries) {
            const cv::Mat k = kernel(t, scale);
            double fit = 0;
            for (std::size_t s = 0; s < slots.size(); ++s) {
                const cv::Mat& ink =
                    impl_->render(em_key, slots[s].classes[static_cast<std::size_t>(out.slots[s].cls)]);
                cv::Mat b;
                cv::filter2D(ink, b, CV_32F, k, cv::Point(-1, -1), 0, cv::BORDER_CONSTANT);
                b = 1.0 - b;
                const cv::Rect w(margin + best.ox[s] + dx - kRefinePx, margin + dy - kRefinePx,
                                 b.cols + 2 * kRefinePx, b.rows + 2 * kRefinePx);
                if ((w & cv::Rect(0, 0, region.cols, region.rows)) != w) continue;
                cv::Mat m;
                cv::matchTemplate(region(w), b, m, cv::TM_CCOEFF_NORMED);
                double hi = 0;
                cv::minMaxLoc(m, nullptr, &hi);
                fit += hi;
            }
            if (fit > best_fit) {
                best_fit = fit;
                best_p = t;
            }
        }
        out.kernel = kernel(best_p, scale);
    }
    out.found = true;
    return out;
}

}  // namespace uk::cardfront
