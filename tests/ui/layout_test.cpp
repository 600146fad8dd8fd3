// Every screen in every language at 1920x1080, 1024x768 and both portraits, with and without larger text:
// no text overflows its box, no word is cut, every touch target is at least 88 px tall at 1080p and lies on
// the screen, and the glyph atlas covers every codepoint the language can show (no '?' boxes). Runs ImGui
// without a renderer (layout is all that is checked here; screenshot_test renders).
#include <gtest/gtest.h>

#include <imgui.h>

#include <map>
#include <memory>

#include "kiosk/ui/fonts.h"
#include "kiosk/ui/gallery.h"
#include "kiosk/ui/screens.h"

namespace uk::ui {
namespace {

struct Context {
    Context() {
        ImGui::CreateContext();
        ImGui::GetIO().IniFilename = nullptr;
    }
    ~Context() { ImGui::DestroyContext(); }
};

const FontFiles& files() {
    static FontFiles f = [] {
        auto l = find_font_files();
        if (!l.files) ADD_FAILURE() << l.problem;
        return l.files.value_or(FontFiles{});
    }();
    return f;
}

checkin::FlowConfig clinic_with_all_items() {
    checkin::FlowConfig c;
    c.facility.enabled_optional_items = {ConsentItem::MedicalTreatment, ConsentItem::Surgery};
    return c;
}

struct Size {
    float w, h;
};

class LayoutTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LayoutTest, EveryScreenFitsAtEverySize) {
    const std::string lang = GetParam();
    Context ctx;
    ImGuiIO& io = ImGui::GetIO();
    const Strings& strings = Strings::embedded();
    auto cfg = clinic_with_all_items();
    const std::string facility = "うけつけクリニック";
    auto texts = screen_texts(strings, lang, facility);
    auto screens = gallery(cfg, lang);
    ASSERT_GE(screens.size(), 30u);
    int checked = 0;
    for (Size sz : {Size{1920, 1080}, Size{1024, 768}, Size{1080, 1920}, Size{768, 1024}}) {
        for (bool larger : {false, true}) {
            std::string err;
            auto fonts =
                build_fonts(*io.Fonts, files(), lang, texts, font_sizes_for(sz.w, sz.h, larger), &err);
            ASSERT_TRUE(fonts) << err;
            io.DisplaySize = {sz.w, sz.h};
            io.DeltaTime = 1.0f / 60;
            float u = std::min(sz.w, sz.h) / 1080.0f;
            for (bool picker : {false, true}) {
                for (const auto& g : screens) {
                    if (picker && g.name.find("attract") == std::string::npos) continue;
                    Screens s;
                    s.set_language_picker_open(picker);
                    ViewModel vm;
                    vm.state = &g.state;
                    vm.config = &cfg;
                    vm.strings = &strings;
                    vm.facility_name = facility;
                    vm.pin_length = g.pin_length;
                    vm.card_front = g.card_front;
                    vm.larger_text = larger;
                    vm.demo = !larger;
                    vm.face.progress = 0.6f;  // the face screen with its progress bar and a prompt
                    vm.face.challenge_key = "face.challenge.turn_right";  // the DEMO strip is a developer
                                                                          // aid, checked at normal text size
                    ImGui::NewFrame();
                    s.draw(vm, *fonts);
                    ImGui::Render();
                    ++checked;
                    std::string where = lang + " " + g.name + " " + std::to_string(int(sz.w)) + "x" +
                                        std::to_string(int(sz.h)) + (larger ? " larger" : "") +
                                        (picker ? " picker" : "");
                    for (const auto& i : s.issues())
                        ADD_FAILURE() << where << ": " << i.where << ": " << i.what << " [" << i.text << "]";
                    for (const auto& b : s.buttons()) {
                        EXPECT_GE(b.h + 0.01f, 88 * u)
                            << where << ": " << b.id << " is " << b.h << " px tall";
                        EXPECT_GE(b.x, -0.5f) << where << ": " << b.id;
                        EXPECT_GE(b.y, -0.5f) << where << ": " << b.id;
                        EXPECT_LE(b.x + b.w, sz.w + 0.5f) << where << ": " << b.id;
                        EXPECT_LE(b.y + b.h, sz.h + 0.5f) << where << ": " << b.id;
                    }
                    // "Call staff" on every screen.
                    bool staff = std::any_of(s.buttons().begin(), s.buttons().end(),
                                             [](const ButtonRect& b) { return b.id == "call_staff"; });
                    EXPECT_TRUE(staff) << where;
                    bool lang_switch =
                        std::any_of(s.buttons().begin(), s.buttons().end(),
                                    [](const ButtonRect& b) { return b.id == "top.language"; });
                    EXPECT_TRUE(lang_switch) << where;
                }
            }
        }
    }
    EXPECT_GT(checked, 200);
}

TEST_P(LayoutTest, AtlasCoversEveryCodepointAndStaysSmall) {
    const std::string lang = GetParam();
    Context ctx;
    auto texts = screen_texts(Strings::embedded(), lang, "うけつけクリニック");
    std::string err;
    auto fonts =
        build_fonts(*ImGui::GetIO().Fonts, files(), lang, texts, font_sizes_for(1920, 1080, true), &err);
    ASSERT_TRUE(fonts) << err;
    for (ImFont* f : {fonts->small, fonts->body, fonts->title}) {
        auto missing = missing_codepoints(*f, texts);
        std::string list;
        for (auto cp : missing) {
            char buf[16];
            std::snprintf(buf, sizeof buf, " U+%04X", cp);
            list += buf;
        }
        EXPECT_TRUE(missing.empty()) << lang << ": no glyph for" << list;
    }
    // Digits for the queue number.
    for (char c = '0'; c <= '9'; ++c)
        EXPECT_NE(fonts->huge->FindGlyphNoFallback(static_cast<ImWchar>(c)), nullptr);
    // Under llvmpipe's 16384 px texture limit with room to spare.
    EXPECT_LE(fonts->atlas_height, 4096) << lang;
    EXPECT_LE(fonts->atlas_width, 4096) << lang;
}

INSTANTIATE_TEST_SUITE_P(AllLanguages, LayoutTest,
                         ::testing::Values("ja", "en", "zh-Hans", "ko", "vi", "pt-BR"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                             std::string n = p.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

TEST(Layout, MissingGlyphsAreReported) {
    Context ctx;
    std::string err;
    // Build for ASCII only, then ask about Hangul: it must be reported, not silently drawn as '?'.
    auto fonts =
        build_fonts(*ImGui::GetIO().Fonts, files(), "en", {"abc"}, font_sizes_for(1920, 1080, false), &err);
    ASSERT_TRUE(fonts) << err;
    auto missing = missing_codepoints(*fonts->body, {"a한"});
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0], 0xD55Cu);
}

TEST(Layout, OverflowIsDetected) {
    // A body text far too long for the screen must be reported by the overflow check.
    Context ctx;
    ImGuiIO& io = ImGui::GetIO();
    auto ja = std::string(R"({"lang.name":"日本語","error.card_unreadable.body":")");
    for (int i = 0; i < 60; ++i)
        ja += "カードの向きを確かめて置き直してください。";
    ja += "\"}";
    auto strings = Strings::from_json_texts({{"ja", ja}});
    ASSERT_TRUE(strings) << strings.error();
    checkin::FlowConfig cfg;
    auto texts = screen_texts(*strings, "ja", "x");
    std::string err;
    auto fonts = build_fonts(*io.Fonts, files(), "ja", texts, font_sizes_for(1024, 768, false), &err);
    ASSERT_TRUE(fonts) << err;
    io.DisplaySize = {1024, 768};
    io.DeltaTime = 1.0f / 60;
    checkin::State st;
    st.phase = checkin::Phase::Error;
    st.error = checkin::ErrorKind::CardUnreadable;
    st.session.language = "ja";
    ViewModel vm;
    vm.state = &st;
    vm.config = &cfg;
    vm.strings = &*strings;
    Screens s;
    ImGui::NewFrame();
    s.draw(vm, *fonts);
    ImGui::Render();
    EXPECT_FALSE(s.issues().empty());
}

TEST(Layout, PinKeypadKeysStayPutWhateverIsTyped) {
    Context ctx;
    ImGuiIO& io = ImGui::GetIO();
    checkin::FlowConfig cfg;
    auto texts = screen_texts(Strings::embedded(), "ja", "x");
    std::string err;
    auto fonts = build_fonts(*io.Fonts, files(), "ja", texts, font_sizes_for(1920, 1080, false), &err);
    ASSERT_TRUE(fonts) << err;
    io.DisplaySize = {1920, 1080};
    io.DeltaTime = 1.0f / 60;
    auto screens = gallery(cfg, "ja");
    auto it = std::find_if(screens.begin(), screens.end(),
                           [](const auto& g) { return g.name.find("pin_entry") != std::string::npos; });
    ASSERT_NE(it, screens.end());
    std::map<std::string, std::pair<float, float>> first;
    for (std::size_t typed = 0; typed <= 4; ++typed) {
        Screens s;
        ViewModel vm;
        vm.state = &it->state;
        vm.config = &cfg;
        vm.strings = &Strings::embedded();
        vm.pin_length = typed;
        ImGui::NewFrame();
        s.draw(vm, *fonts);
        ImGui::Render();
        int keys = 0;
        for (const auto& b : s.buttons()) {
            if (b.id.rfind("pin.", 0) != 0) continue;
            ++keys;
            auto [pos, inserted] = first.try_emplace(b.id, b.x, b.y);
            if (!inserted) {
                EXPECT_EQ(pos->second.first, b.x) << b.id;
                EXPECT_EQ(pos->second.second, b.y) << b.id;
            }
            if (b.id == "pin.ok") {
                EXPECT_EQ(b.enabled, typed == 4);
            }
            if (b.id == "pin.5") {
                EXPECT_EQ(b.enabled, typed < 4);
            }
        }
        EXPECT_EQ(keys, 12);
    }
    // 1 2 3 on the top row, left to right; 0 under 8.
    EXPECT_LT(first["pin.1"].first, first["pin.2"].first);
    EXPECT_EQ(first["pin.1"].second, first["pin.3"].second);
    EXPECT_EQ(first["pin.0"].first, first["pin.8"].first);
    EXPECT_GT(first["pin.0"].second, first["pin.8"].second);
}

}  // namespace
}  // namespace uk::ui
