// The kiosk's window: SDL2 + SDL_Renderer + Dear ImGui 1.86's SDL backends. Full screen with no window chrome
// and no pointer (a touch screen needs none); a windowed size for development and tests; headless with
// SDL_VIDEODRIVER=offscreen/dummy and the software renderer for screenshots and benchmarks.
//
// The window never closes itself on SDL_QUIT (Alt+F4, a window manager): the app decides (admin gesture,
// SIGTERM). Frames: poll() -> begin_frame() -> (ImGui calls) -> end_frame().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/result.h"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;
struct ImFontAtlas;

namespace uk::sdl {

struct WindowOptions {
    int width = 0, height = 0;  // 0 = the display's size (full screen)
    bool fullscreen = true;
    bool software = false;  // SDL_RENDERER_SOFTWARE (headless, or no GL)
    bool vsync = true;
    bool show_cursor = false;
    std::string title = "Uketsuke";
};

struct Input {
    bool quit_requested = false;  // SDL_QUIT (ignored by the kiosk unless it runs windowed for development)
    std::vector<std::pair<float, float>> presses;  // mouse/touch-down positions this frame
    std::vector<int> keys;                         // SDL keycodes pressed this frame
};

class Video {
  public:
    static Result<std::unique_ptr<Video>> open(const WindowOptions& options);
    ~Video();
    Video(const Video&) = delete;
    Video& operator=(const Video&) = delete;

    Input poll();
    void begin_frame();
    // Renders ImGui's draw data; `before_present` runs with the frame in the back buffer (screenshots).
    void end_frame(const std::function<void()>& before_present = {});

    // Destroys the font texture, lets `build` refill the atlas, uploads the new texture.
    bool rebuild_fonts(const std::function<bool(ImFontAtlas&)>& build);

    // Saves the back buffer as PNG (RGB), optionally shrunk by an integer factor (box filter).
    Result<bool> save_png(const std::string& path, int shrink = 1);
    // The back buffer as RGBA rows (for tests).
    Result<std::vector<std::uint8_t>> read_rgba();

    // Uploads a BGR frame into the preview texture (created or resized as needed); returns its ImTextureID.
    void* update_preview(const std::uint8_t* bgr, int w, int h, int stride);

    int width() const { return w_; }
    int height() const { return h_; }
    std::string renderer_name() const { return renderer_name_; }
    int max_texture_size() const { return max_tex_; }

  private:
    Video() = default;
    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    SDL_Texture* preview_ = nullptr;
    int preview_w_ = 0, preview_h_ = 0;
    int w_ = 0, h_ = 0;
    int max_tex_ = 0;
    std::string renderer_name_;
    bool imgui_ = false;
};

}  // namespace uk::sdl
