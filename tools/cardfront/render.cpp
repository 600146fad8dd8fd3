#include "tools/cardfront/render.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "kiosk/cardfront/era.h"
#include "kiosk/cardfront/layout.h"

namespace uk::cardfront {

using namespace std::chrono;
namespace L = layout;

// [SECTION] Fields

namespace {

// SplitMix64: a small deterministic generator, identical on every platform (std distributions are not).
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
};

std::string pad2(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%2u", v);
    return buf;
}

// The card is valid until the birthday in the expiry year; 29 February becomes 28 February in other years.
year_month_day birthday_in(year y, year_month_day birth) {
    year_month_day d{y, birth.month(), birth.day()};
    if (!d.ok()) d = year_month_day{y, birth.month(), day{28}};
    return d;
}

std::string digits(Rng& r, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s.push_back(static_cast<char>('0' + r.below(10)));
    return s;
}

}  // namespace

FrontFields fields_from_identity(const pki::IdentitySpec& id) {
    FrontFields f;
    f.name = id.display_name;
    f.address = id.address;
    f.sex = id.sex == "2" ? "女" : "男";
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(id.birth_date.c_str(), "%d-%u-%u", &y, &m, &d) == 3)
        f.birth = year{y} / month{m} / day{d};
    f.expiry = birthday_in(year{id.card_expiry_year}, f.birth);
    f.security_code = id.security_code;
    // A serial derived from the name, so that every render of one identity is the same.
    Rng r{std::hash<std::string>{}(id.name)};
    f.serial = digits(r, 16);
    return f;
}

FrontFields random_fields(std::uint64_t seed, year_month_day today) {
    static constexpr std::array<const char*, 12> kFamily = {"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺",
                                                            "山本", "中村", "小林", "加藤", "吉田", "山口"};
    static constexpr std::array<const char*, 12> kGiven = {"太郎", "花子", "一郎", "陽子", "健", "美咲",
                                                           "翔太", "結衣", "大輔", "由美", "誠", "さくら"};
    static constexpr std::array<const char*, 8> kPref = {"東京都", "大阪府", "北海道", "愛知県",
                                                         "福岡県", "宮城県", "広島県", "沖縄県"};
    Rng r{seed * 7919u + 17u};
    FrontFields f;
    f.name = std::string(kFamily[static_cast<std::size_t>(r.below(12))]) + "　" +
             kGiven[static_cast<std::size_t>(r.below(12))];
    f.address = std::string(kPref[static_cast<std::size_t>(r.below(8))]) + "試験市見本町" +
                std::to_string(1 + r.below(9)) + "丁目" + std::to_string(1 + r.below(30)) + "番" +
                std::to_string(1 + r.below(20)) + "号";
    f.sex = r.below(2) ? "男" : "女";
    // Half uniform over 1935..2024, half near the 昭和/平成 and 平成/令和 boundaries or in a 元年.
    sys_days birth;
    const int kind = r.below(4);
    if (kind < 2) {
        const sys_days lo = sys_days{year{1935} / 1 / 1}, hi = sys_days{year{2024} / 12 / 31};
        birth = lo + days{r.below(static_cast<int>((hi - lo).count()))};
    } else if (kind == 2) {
        const sys_days pivot = sys_days{r.below(2) ? year{1989} / January / 8 : year{2019} / May / 1};
        birth = pivot + days{r.below(81) - 40};
    } else {
        birth = r.below(2) ? sys_days{year{1989} / January / 8} + days{r.below(357)}
                           : sys_days{year{2019} / May / 1} + days{r.below(244)};
    }
    f.birth = year_month_day{birth};
    const int ahead = r.below(11);
    f.expiry = birthday_in(today.year() + years{ahead}, f.birth);
    if (sys_days{f.expiry} < sys_days{today})
        f.expiry = birthday_in(today.year() + years{std::max(1, ahead)}, f.birth);
    if (sys_days{f.expiry} < sys_days{today}) f.expiry = birthday_in(today.year() + years{1}, f.birth);
    f.security_code = digits(r, 4);
    f.serial = digits(r, 16);
    f.western_birth = r.below(10) == 0;  // some cards print the Western calendar
    return f;
}

pki::IdentitySpec to_identity_spec(const FrontFields& f) {
    pki::IdentitySpec s;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(f.birth.year()),
                  static_cast<unsigned>(f.birth.month()), static_cast<unsigned>(f.birth.day()));
    s.birth_date = buf;
    s.card_expiry_year = static_cast<int>(f.expiry.year());
    s.security_code = f.security_code;
    return s;
}

std::string birth_line(const FrontFields& f) {
    const unsigned m = static_cast<unsigned>(f.birth.month()), d = static_cast<unsigned>(f.birth.day());
    if (f.western_birth) {
        return std::to_string(static_cast<int>(f.birth.year())) + "年" + pad2(m) + "月" + pad2(d) + "日生";
    }
    auto e = to_era(f.birth);
    if (!e) return "";
    const std::string y = e->year == 1 ? "元" : pad2(static_cast<unsigned>(e->year));
    return std::string(era_name(e->era)) + y + "年" + pad2(m) + "月" + pad2(d) + "日生";
}

std::string expiry_line(const FrontFields& f) {
    return std::to_string(static_cast<int>(f.expiry.year())) + "年" +
           pad2(static_cast<unsigned>(f.expiry.month())) + "月" +
           pad2(static_cast<unsigned>(f.expiry.day())) + "日まで有効";
}

std::filesystem::path default_font_path() {
    return "/usr/share/fonts/truetype/bizud-gothic/BIZUDGothic-Regular.ttf";
}

// [SECTION] FreeType

struct FrontRenderer::Impl {
    FT_Library lib = nullptr;
    FT_Face face = nullptr;
    ~Impl() {
        if (face) FT_Done_Face(face);
        if (lib) FT_Done_FreeType(lib);
    }
};

namespace {

std::u32string utf8_to_u32(const std::string& s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
        char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < len && i + static_cast<std::size_t>(k) < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

}  // namespace

FrontRenderer::FrontRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FrontRenderer::~FrontRenderer() = default;

Result<std::unique_ptr<FrontRenderer>> FrontRenderer::create(const std::filesystem::path& font) {
    auto impl = std::make_unique<Impl>();
    if (FT_Init_FreeType(&impl->lib) != 0) return Error{"FreeType could not be initialised"};
    if (FT_New_Face(impl->lib, font.c_str(), 0, &impl->face) != 0) {
        return Error{"cannot load the font " + font.string() +
                     " (install fonts-morisawa-bizud-gothic or pass another Japanese font)"};
    }
    return std::unique_ptr<FrontRenderer>(new FrontRenderer(std::move(impl)));
}

double FrontRenderer::text_width(const std::string& utf8, double em_px) const {
    FT_Set_Pixel_Sizes(impl_->face, 0, static_cast<FT_UInt>(std::lround(em_px)));
    double w = 0;
    for (char32_t cp : utf8_to_u32(utf8)) {
        if (FT_Load_Char(impl_->face, cp, FT_LOAD_DEFAULT) != 0) continue;
        w += static_cast<double>(impl_->face->glyph->advance.x) / 64.0;
    }
    return w;
}

double FrontRenderer::draw_text(cv::Mat& bgr, const std::string& utf8, cv::Point2d origin, double em_px,
                                cv::Scalar color) const {
    FT_Face face = impl_->face;
    FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(std::lround(em_px)));
    const double ascender = static_cast<double>(face->size->metrics.ascender) / 64.0;
    const double descender = static_cast<double>(-face->size->metrics.descender) / 64.0;
    // Centre the font's ascender+descender box on the em box.
    const double baseline = origin.y + ascender + (em_px - ascender - descender) / 2.0;
    double pen = origin.x;
    for (char32_t cp : utf8_to_u32(utf8)) {
        if (FT_Load_Char(face, cp, FT_LOAD_RENDER) != 0) continue;
        const FT_GlyphSlot g = face->glyph;
        const FT_Bitmap& bm = g->bitmap;
        const int x0 = static_cast<int>(std::lround(pen)) + g->bitmap_left;
        const int y0 = static_cast<int>(std::lround(baseline)) - g->bitmap_top;
        for (int yy = 0; yy < static_cast<int>(bm.rows); ++yy) {
            const int py = y0 + yy;
            if (py < 0 || py >= bgr.rows) continue;
            auto* row = bgr.ptr<cv::Vec3b>(py);
            const unsigned char* src = bm.buffer + yy * bm.pitch;
            for (int xx = 0; xx < static_cast<int>(bm.width); ++xx) {
                const int px = x0 + xx;
                if (px < 0 || px >= bgr.cols || src[xx] == 0) continue;
                const double a = src[xx] / 255.0;
                for (int c = 0; c < 3; ++c) {
                    row[px][c] = cv::saturate_cast<uchar>(row[px][c] * (1.0 - a) + color[c] * a);
                }
            }
        }
        pen += static_cast<double>(g->advance.x) / 64.0;
    }
    return pen - origin.x;
}

// [SECTION] The front

cv::Mat FrontRenderer::render(const FrontFields& f, const cv::Mat& photo, double ppm) const {
    const int w = static_cast<int>(std::lround(L::kCardWidthMm * ppm));
    const int h = static_cast<int>(std::lround(L::kCardHeightMm * ppm));
    cv::Mat card(h, w, CV_8UC3);
    // A pale background with a soft diagonal gradient and a faint pattern of arcs: our own design.
    for (int y = 0; y < h; ++y) {
        auto* row = card.ptr<cv::Vec3b>(y);
        for (int x = 0; x < w; ++x) {
            const double t = (static_cast<double>(x) / w + static_cast<double>(y) / h) / 2.0;
            row[x] = cv::Vec3b(static_cast<uchar>(246 - 10 * t), static_cast<uchar>(243 - 4 * t),
                               static_cast<uchar>(238 + 8 * t));
        }
    }
    for (int i = 0; i < 14; ++i) {
        cv::circle(card, cv::Point(static_cast<int>(-20 * ppm), static_cast<int>(70 * ppm)),
                   static_cast<int>((40 + 4.5 * i) * ppm), cv::Scalar(236, 226, 226),
                   std::max(1, static_cast<int>(ppm / 10)), cv::LINE_AA);
    }
    auto mm = [ppm](double v) { return v * ppm; };
    auto at = [&](double x, double y) { return cv::Point2d(mm(x), mm(y)); };
    const cv::Scalar ink(34, 30, 30), label(90, 84, 84), red(40, 40, 170), blue(140, 70, 30);
    const int line = std::max(1, static_cast<int>(std::lround(ppm * 0.2)));

    draw_text(card, "試験用カード（見本）TEST CARD · NOT VALID", at(3.5, 2.4), mm(2.4), red);
    draw_text(card, "氏名", at(3.5, 8.6), mm(2.0), label);
    draw_text(card, f.name, at(L::kName.x, L::kName.y), mm(4.2), ink);
    draw_text(card, "住所", at(3.5, 15.2), mm(2.0), label);
    {
        std::string rest = f.address;
        double y = L::kAddress.y;
        while (!rest.empty()) {
            const auto nl = rest.find('\n');
            draw_text(card, rest.substr(0, nl), at(L::kAddress.x, y), mm(3.0), ink);
            rest = nl == std::string::npos ? "" : rest.substr(nl + 1);
            y += 4.0;
        }
    }
    draw_text(card, birth_line(f), at(L::kBirth.x, L::kBirth.y), mm(3.4), ink);
    draw_text(card, "性別 " + f.sex, at(L::kSex.x, L::kSex.y), mm(3.4), ink);
    cv::rectangle(
        card,
        cv::Rect(cv::Point(static_cast<int>(mm(L::kExpiryBox.x)), static_cast<int>(mm(L::kExpiryBox.y))),
                 cv::Size(static_cast<int>(mm(L::kExpiryBox.w)), static_cast<int>(mm(L::kExpiryBox.h)))),
        label, line);
    draw_text(card, expiry_line(f), at(L::kExpiry.x, L::kExpiry.y), mm(3.4), ink);

    // The certificate's expiry box: a second date (5th birthday) that the reader must not take for the
    // card's.
    draw_text(card, "電子証明書の有効期限", at(L::kCertExpiry.x, L::kCertExpiry.y + 0.8), mm(1.8), label);
    cv::rectangle(card,
                  cv::Rect(cv::Point(static_cast<int>(mm(24.0)), static_cast<int>(mm(39.4))),
                           cv::Size(static_cast<int>(mm(31.5)), static_cast<int>(mm(4.0)))),
                  label, line);
    {
        FrontFields cert = f;
        const year cy = f.expiry.year() - years{5};  // issued 10 years before expiry, certificate for 5
        cert.expiry = year_month_day{cy, f.expiry.month(), f.expiry.day()};
        if (!cert.expiry.ok()) cert.expiry = year_month_day{cy, f.expiry.month(), day{28}};
        std::string text = std::to_string(static_cast<int>(cert.expiry.year())) + "年" +
                           std::to_string(static_cast<unsigned>(cert.expiry.month())) + "月" +
                           std::to_string(static_cast<unsigned>(cert.expiry.day())) + "日";
        draw_text(card, text, at(26.0, 39.8), mm(2.6), blue);
    }
    cv::rectangle(card,
                  cv::Rect(cv::Point(static_cast<int>(mm(3.5)), static_cast<int>(mm(45.2))),
                           cv::Size(static_cast<int>(mm(52.0)), static_cast<int>(mm(6.0)))),
                  cv::Scalar(200, 196, 196), line);
    draw_text(card, "サインパネル領域", at(4.3, 45.8), mm(1.6), cv::Scalar(180, 176, 176));

    // Photo.
    const cv::Rect pr(static_cast<int>(mm(L::kPhoto.x)), static_cast<int>(mm(L::kPhoto.y)),
                      static_cast<int>(mm(L::kPhoto.w)), static_cast<int>(mm(L::kPhoto.h)));
    if (!photo.empty()) {
        cv::Mat src = photo;
        if (src.channels() == 1) cv::cvtColor(src, src, cv::COLOR_GRAY2BGR);
        const double want = static_cast<double>(pr.width) / pr.height;
        cv::Rect crop(0, 0, src.cols, src.rows);
        if (static_cast<double>(src.cols) / src.rows > want) {
            crop.width = static_cast<int>(src.rows * want);
            crop.x = (src.cols - crop.width) / 2;
        } else {
            crop.height = static_cast<int>(src.cols / want);
            crop.y = (src.rows - crop.height) / 2;
        }
        cv::Mat fitted;
        cv::resize(src(crop), fitted, pr.size(), 0, 0, cv::INTER_AREA);
        fitted.copyTo(card(pr));
    } else {
        card(pr).setTo(cv::Scalar(214, 210, 206));
        const cv::Point c(pr.x + pr.width / 2, pr.y + static_cast<int>(pr.height * 0.38));
        cv::ellipse(card, c, cv::Size(pr.width / 5, pr.height / 5), 0, 0, 360, cv::Scalar(140, 136, 132),
                    cv::FILLED, cv::LINE_AA);
        cv::ellipse(card, cv::Point(c.x, pr.y + pr.height), cv::Size(pr.width * 4 / 10, pr.height * 3 / 10),
                    0, 180, 360, cv::Scalar(140, 136, 132), cv::FILLED, cv::LINE_AA);
    }

    // Serial and security code under the photo, right-aligned with it.
    const double right = L::kPhoto.x + L::kPhoto.w;
    const double sw = text_width(f.serial, mm(1.9));
    draw_text(card, f.serial, cv::Point2d(mm(right) - sw, mm(L::kSerial.y)), mm(1.9), ink);
    const double cw = text_width(f.security_code, mm(2.8));
    draw_text(card, f.security_code, cv::Point2d(mm(right) - cw, mm(L::kSecurityCode.y)), mm(2.8), ink);
    return card;
}

}  // namespace uk::cardfront
