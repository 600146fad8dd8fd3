#include "kiosk/ui/fonts.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include <imgui.h>

namespace uk::ui {

namespace fs = std::filesystem;

std::vector<std::uint32_t> utf8_codepoints(std::string_view s) {
    std::vector<std::uint32_t> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0xFFFD;
        std::size_t n = 1;
        if (b < 0x80) {
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            n = 2;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            n = 3;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            n = 4;
            cp = b & 0x07;
        } else {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        if (i + n > s.size()) {
            out.push_back(0xFFFD);
            break;
        }
        bool ok = true;
        for (std::size_t k = 1; k < n; ++k) {
            auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (c & 0x3F);
        }
        out.push_back(ok ? cp : 0xFFFD);
        i += ok ? n : 1;
    }
    return out;
}

FontLookup find_font_files() {
    std::vector<fs::path> dirs;
    if (const char* d = std::getenv("UK_FONT_DIR")) dirs.emplace_back(d);
    dirs.insert(dirs.end(), {"/usr/share/fonts/truetype/bizud-gothic",
                             "/usr/share/fonts/truetype/fonts-morisawa-bizud-gothic",
                             "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/dejavu"});
    auto find = [&](const char* name) -> std::string {
        for (const auto& d : dirs) {
            std::error_code ec;
            if (fs::is_regular_file(d / name, ec)) return (d / name).string();
        }
        return {};
    };
    FontFiles f;
    f.biz_regular = find("BIZUDPGothic-Regular.ttf");
    f.biz_bold = find("BIZUDPGothic-Bold.ttf");
    f.noto_cjk_regular = find("NotoSansCJK-Regular.ttc");
    f.noto_cjk_bold = find("NotoSansCJK-Bold.ttc");
    f.dejavu_regular = find("DejaVuSans.ttf");
    f.dejavu_bold = find("DejaVuSans-Bold.ttf");
    FontLookup r;
    if (f.biz_regular.empty()) {
        r.problem =
            "BIZ UD Gothic not found (install the Debian package fonts-morisawa-bizud-gothic, or set "
            "UK_FONT_DIR to a folder holding BIZUDPGothic-Regular.ttf)";
        return r;
    }
    if (f.biz_bold.empty()) f.biz_bold = f.biz_regular;
    if (f.noto_cjk_bold.empty()) f.noto_cjk_bold = f.noto_cjk_regular;
    if (f.dejavu_bold.empty()) f.dejavu_bold = f.dejavu_regular;
    r.files = f;
    return r;
}

FontSizes font_sizes_for(float display_w, float display_h, bool larger_text) {
    // 1080 px on the short side is the design size; 768 px screens get the same layout scaled down.
    float u = std::min(display_w, display_h) / 1080.0f;
    float t = larger_text ? 1.25f : 1.0f;
    FontSizes s;
    s.small = std::round(30 * u * t);
    s.body = std::round(40 * u * t);
    s.title = std::round(58 * u * t);
    s.huge = std::round(220 * u);
    s.chrome = std::round(28 * u);
    return s;
}

namespace {

struct Face {
    std::string path;
    int index = 0;
};

// The order faces are consulted in for one language (first face with a glyph wins).
std::vector<Face> faces_for(const FontFiles& f, std::string_view lang, bool bold) {
    Face biz{bold ? f.biz_bold : f.biz_regular, 0};
    Face sc{bold ? f.noto_cjk_bold : f.noto_cjk_regular, 2};  // Noto Sans CJK SC
    Face kr{bold ? f.noto_cjk_bold : f.noto_cjk_regular, 1};  // Noto Sans CJK KR
    Face dv{bold ? f.dejavu_bold : f.dejavu_regular, 0};
    std::vector<Face> order;
    if (lang == "zh-Hans")
        order = {sc, biz, dv, kr};
    else if (lang == "ko")
        order = {kr, biz, dv, sc};
    else if (lang == "vi")
        order = {dv, biz, sc, kr};
    else
        order = {biz, dv, sc, kr};
    order.erase(std::remove_if(order.begin(), order.end(), [](const Face& x) { return x.path.empty(); }),
                order.end());
    return order;
}

// Font files are mapped once, read-only, and shared by every size and rebuild: ImGui would otherwise read
// and keep a private copy of the 19 MB Noto collection for every face it is used in.
struct Mapped {
    void* data = nullptr;
    std::size_t size = 0;
};
Mapped map_file(const std::string& path) {
    static std::mutex mu;
    static std::map<std::string, Mapped> cache;
    std::lock_guard lock(mu);
    if (auto it = cache.find(path); it != cache.end()) return it->second;
    Mapped m;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) m = {p, static_cast<std::size_t>(st.st_size)};
        }
        ::close(fd);
    }
    if (m.data) cache.emplace(path, m);
    return m;
}

ImFont* add_face_stack(ImFontAtlas& atlas, const std::vector<Face>& faces, float px, const ImWchar* ranges) {
    ImFont* font = nullptr;
    bool first = true;
    for (const auto& face : faces) {
        ImFontConfig cfg;
        cfg.FontNo = face.index;
        cfg.OversampleH = 1;
        cfg.OversampleV = 1;
        cfg.PixelSnapH = true;
        cfg.MergeMode = !first;
        cfg.FontDataOwnedByAtlas = false;  // the mapping outlives the atlas
        Mapped m = map_file(face.path);
        // ImGui takes a non-const pointer but never writes to font data it does not own.
        ImFont* f =
            m.data ? atlas.AddFontFromMemoryTTF(m.data, static_cast<int>(m.size), px, &cfg, ranges) : nullptr;
        if (first) {
            if (!f) return nullptr;
            font = f;
            first = false;
        }
    }
    return font;
}

}  // namespace

std::optional<FontSet> build_fonts(ImFontAtlas& atlas, const FontFiles& files, std::string_view language,
                                   const std::vector<std::string>& texts, const FontSizes& sizes,
                                   std::string* error) {
    atlas.Clear();
    atlas.TexDesiredWidth = 4096;
    // ImGui keeps pointers to the ranges until the atlas is built: static storage per call is fine because
    // Build() runs before we return.
    ImVector<ImWchar> ranges;
    ImFontGlyphRangesBuilder builder;
    for (ImWchar c = 0x20; c < 0x7F; ++c)
        builder.AddChar(c);
    builder.AddChar(0x00B7);  // middle dot
    builder.AddChar(0x3000);  // ideographic space
    for (const auto& t : texts)
        for (std::uint32_t cp : utf8_codepoints(t))
            if (cp >= 0x20 && cp <= 0xFFFF) builder.AddChar(static_cast<ImWchar>(cp));
    builder.BuildRanges(&ranges);
    ImVector<ImWchar> digits;
    ImFontGlyphRangesBuilder db;
    db.AddText("0123456789-");
    db.BuildRanges(&digits);

    auto regular = faces_for(files, language, false);
    auto bold = faces_for(files, language, true);
    FontSet set;
    set.sizes = sizes;
    set.language = std::string(language);
    set.small = add_face_stack(atlas, regular, sizes.small, ranges.Data);
    set.body = add_face_stack(atlas, regular, sizes.body, ranges.Data);
    set.title = add_face_stack(atlas, bold, sizes.title, ranges.Data);
    set.huge = add_face_stack(atlas, bold, sizes.huge, digits.Data);
    set.chrome = add_face_stack(atlas, regular, sizes.chrome, ranges.Data);
    if (!set.small || !set.body || !set.title || !set.huge || !set.chrome) {
        if (error)
            *error = "could not load the font " + (regular.empty() ? std::string("?") : regular[0].path);
        atlas.Clear();
        return std::nullopt;
    }
    if (!atlas.Build()) {
        if (error) *error = "could not build the glyph atlas";
        atlas.Clear();
        return std::nullopt;
    }
    atlas.ClearInputData();  // glyphs and pixels stay; the per-face parsing state goes
    set.atlas_width = atlas.TexWidth;
    set.atlas_height = atlas.TexHeight;
    for (ImFont* f : {set.small, set.body, set.title, set.huge, set.chrome})
        set.glyph_count += f->Glyphs.Size;
    return set;
}

std::vector<std::uint32_t> missing_codepoints(const ImFont& font, const std::vector<std::string>& texts) {
    std::set<std::uint32_t> missing;
    for (const auto& t : texts)
        for (std::uint32_t cp : utf8_codepoints(t)) {
            if (cp == '\n') continue;
            if (cp > 0xFFFF || !font.FindGlyphNoFallback(static_cast<ImWchar>(cp))) missing.insert(cp);
        }
    return {missing.begin(), missing.end()};
}

}  // namespace uk::ui
