// Renders every screen in every language headless (SDL dummy video driver + the software renderer, the
// same SDL_Renderer path the kiosk uses), writes the PNGs under <build>/ui-screens/<lang>/ and a contact
// sheet per language plus one of all Japanese and English screens (ImageMagick montage) into the build
// folder for reviewers. Checks each frame is a drawn screen (not blank, text pixels present) and that the
// language switch changes the pixels.
#include <gtest/gtest.h>

#include <imgui.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "kiosk/ui/fonts.h"
#include "kiosk/ui/gallery.h"
#include "kiosk/ui/screens.h"
#include "platform/sdl/video.h"

namespace uk::ui {
namespace {

namespace fs = std::filesystem;

const fs::path kOut = fs::path(UK_BINARY_DIR) / "ui-screens";

struct Headless {
    Headless() {
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        sdl::WindowOptions o;
        o.width = 1920;
        o.height = 1080;
        o.fullscreen = false;
        o.software = true;
        o.vsync = false;
        auto v = sdl::Video::open(o);
        if (!v) {
            ADD_FAILURE() << v.error();
            return;
        }
        video = std::move(*v);
    }
    std::unique_ptr<sdl::Video> video;
};

// Fraction of pixels that are dark (text, icons): a blank or unrendered frame has none.
double dark_fraction(const std::vector<std::uint8_t>& rgba) {
    std::size_t dark = 0, n = rgba.size() / 4;
    for (std::size_t i = 0; i < n; ++i)
        if (rgba[i * 4] < 90 && rgba[i * 4 + 1] < 90 && rgba[i * 4 + 2] < 90) ++dark;
    return static_cast<double>(dark) / static_cast<double>(n);
}

TEST(Screenshots, EveryScreenInEveryLanguage) {
    Headless h;
    ASSERT_TRUE(h.video);
    ASSERT_EQ(h.video->width(), 1920);
    auto found = find_font_files();
    ASSERT_TRUE(found.files) << found.problem;
    checkin::FlowConfig cfg;
    cfg.facility.enabled_optional_items = {ConsentItem::MedicalTreatment};
    const Strings& strings = Strings::embedded();
    std::map<std::string, std::vector<std::uint8_t>> attract_pixels;
    int shots = 0;
    for (const auto& lang : strings.languages()) {
        fs::create_directories(kOut / lang);
        auto texts = screen_texts(strings, lang, cfg.facility.name);
        FontSet fonts;
        std::string err;
        ASSERT_TRUE(h.video->rebuild_fonts([&](ImFontAtlas& atlas) {
            auto f = build_fonts(atlas, *found.files, lang, texts, font_sizes_for(1920, 1080, false), &err);
            if (f) fonts = *f;
            return f.has_value();
        })) << err;
        for (const auto& g : gallery(cfg, lang)) {
            Screens s;
            ViewModel vm;
            vm.state = &g.state;
            vm.config = &cfg;
            vm.strings = &strings;
            vm.facility_name = cfg.facility.name;
            vm.pin_length = g.pin_length;
            vm.card_front = g.card_front;
            vm.time_s = 0.7;
            h.video->poll();
            h.video->begin_frame();
            s.draw(vm, fonts);
            std::vector<std::uint8_t> px;
            std::string path = (kOut / lang / (g.name + ".png")).string();
            h.video->end_frame([&] {
                auto r = h.video->read_rgba();
                ASSERT_TRUE(r) << r.error();
                px = std::move(*r);
                auto saved = h.video->save_png(path, 2);
                ASSERT_TRUE(saved) << saved.error();
            });
            EXPECT_TRUE(s.issues().empty()) << lang << " " << g.name << ": " << s.issues().front().what;
            double dark = dark_fraction(px);
            EXPECT_GT(dark, 0.002) << lang << " " << g.name << ": looks blank";
            EXPECT_TRUE(fs::file_size(path) > 5000) << path;
            if (g.name.find("attract") != std::string::npos) attract_pixels[lang] = std::move(px);
            ++shots;
        }
    }
    EXPECT_GE(shots, 6 * 35);
    // The language switch really changes what is drawn.
    ASSERT_EQ(attract_pixels.size(), 6u);
    EXPECT_NE(attract_pixels["ja"], attract_pixels["en"]);
    EXPECT_NE(attract_pixels["zh-Hans"], attract_pixels["ko"]);
}

TEST(Screenshots, ContactSheets) {
    // Runs after EveryScreenInEveryLanguage (same executable, declaration order).
    if (!fs::exists("/usr/bin/montage")) GTEST_FAIL() << "ImageMagick montage missing (package imagemagick)";
    for (const auto& lang : Strings::embedded().languages()) {
        ASSERT_TRUE(fs::exists(kOut / lang)) << "run Screenshots.EveryScreenInEveryLanguage first";
        fs::path sheet = fs::path(UK_BINARY_DIR) / ("ui-contact-sheet-" + lang + ".png");
        fs::remove(sheet);
        std::string cmd = "/usr/bin/montage '" + (kOut / lang).string() +
                          "'/*.png -tile 6x -geometry 480x270+6+6 -background '#888888' '" + sheet.string() +
                          "'";
        ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
        EXPECT_GT(fs::file_size(sheet), 50000u) << sheet;
    }
}

}  // namespace
}  // namespace uk::ui
