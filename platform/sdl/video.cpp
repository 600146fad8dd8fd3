#include "platform/sdl/video.h"

#include <SDL.h>

#include <algorithm>

#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>

extern "C" int stbi_write_png(char const* filename, int w, int h, int comp, const void* data,
                              int stride_in_bytes);

namespace uk::sdl {

Result<std::unique_ptr<Video>> Video::open(const WindowOptions& o) {
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");  // touches arrive as mouse events (ImGui 1.86 reads those)
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (SDL_WasInit(SDL_INIT_VIDEO) == 0 && SDL_InitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
        return Error{std::string("cannot start the display (SDL video): ") + SDL_GetError()};
    std::unique_ptr<Video> v(new Video());
    int w = o.width, h = o.height;
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_ALLOW_HIGHDPI;
    if (o.fullscreen) {
        flags |= SDL_WINDOW_BORDERLESS;
        SDL_DisplayMode mode;
        if ((w == 0 || h == 0) && SDL_GetDesktopDisplayMode(0, &mode) == 0) {
            w = mode.w;
            h = mode.h;
        }
        if (w == 0 || h == 0) {
            w = 1920;
            h = 1080;
        }
        if (o.width == 0) flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
    } else {
        if (w == 0) w = 1280;
        if (h == 0) h = 800;
    }
    v->window_ = SDL_CreateWindow(o.title.c_str(), 0, 0, w, h, flags);
    if (!v->window_) return Error{std::string("cannot open the kiosk window: ") + SDL_GetError()};
    Uint32 rflags = o.software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;
    if (o.vsync && !o.software) rflags |= SDL_RENDERER_PRESENTVSYNC;
    v->renderer_ = SDL_CreateRenderer(v->window_, -1, rflags);
    if (!v->renderer_ && !o.software)
        v->renderer_ = SDL_CreateRenderer(v->window_, -1, SDL_RENDERER_SOFTWARE);
    if (!v->renderer_) return Error{std::string("cannot create a renderer: ") + SDL_GetError()};
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(v->renderer_, &info) == 0) {
        v->renderer_name_ = info.name;
        v->max_tex_ = std::min(info.max_texture_width, info.max_texture_height);
    }
    SDL_GetRendererOutputSize(v->renderer_, &v->w_, &v->h_);
    SDL_ShowCursor(o.show_cursor ? SDL_ENABLE : SDL_DISABLE);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing written to disk
    io.LogFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NoMouseCursorChange;
    ImGui_ImplSDL2_InitForSDLRenderer(v->window_);
    ImGui_ImplSDLRenderer_Init(v->renderer_);
    v->imgui_ = true;
    return v;
}

Video::~Video() {
    if (imgui_) {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
    }
    if (preview_) SDL_DestroyTexture(preview_);
    if (renderer_) SDL_DestroyRenderer(renderer_);
    if (window_) SDL_DestroyWindow(window_);
    SDL_QuitSubSystem(SDL_INIT_VIDEO | SDL_INIT_EVENTS);
}

Input Video::poll() {
    Input in;
    SDL_Event e;
    while (SDL_PollEvent(&e)) {
        ImGui_ImplSDL2_ProcessEvent(&e);
        switch (e.type) {
            case SDL_QUIT:
                in.quit_requested = true;
                break;
            case SDL_MOUSEBUTTONDOWN:
                in.presses.emplace_back(static_cast<float>(e.button.x), static_cast<float>(e.button.y));
                break;
            case SDL_KEYDOWN:
                in.keys.push_back(e.key.keysym.sym);
                break;
            case SDL_WINDOWEVENT:
                if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
                    SDL_GetRendererOutputSize(renderer_, &w_, &h_);
                break;
            default:
                break;
        }
    }
    return in;
}

void Video::begin_frame() {
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
}

void Video::end_frame(const std::function<void()>& before_present) {
    ImGui::Render();
    SDL_SetRenderDrawColor(renderer_, 255, 255, 255, 255);
    SDL_RenderClear(renderer_);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    if (before_present) before_present();
    SDL_RenderPresent(renderer_);
}

bool Video::rebuild_fonts(const std::function<bool(ImFontAtlas&)>& build) {
    ImGui_ImplSDLRenderer_DestroyFontsTexture();
    bool ok = build(*ImGui::GetIO().Fonts);
    return ImGui_ImplSDLRenderer_CreateFontsTexture() && ok;
}

Result<std::vector<std::uint8_t>> Video::read_rgba() {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(w_) * static_cast<std::size_t>(h_) * 4);
    if (SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_ABGR8888, px.data(), w_ * 4) != 0)
        return Error{std::string("cannot read the frame back: ") + SDL_GetError()};
    return px;
}

Result<bool> Video::save_png(const std::string& path, int shrink) {
    auto px = read_rgba();
    if (!px) return Error{px.error()};
    shrink = std::max(1, shrink);
    int ow = w_ / shrink, oh = h_ / shrink;
    std::vector<std::uint8_t> out(static_cast<std::size_t>(ow) * static_cast<std::size_t>(oh) * 3);
    const auto& in = *px;
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x)
            for (int c = 0; c < 3; ++c) {
                int sum = 0;
                for (int dy = 0; dy < shrink; ++dy)
                    for (int dx = 0; dx < shrink; ++dx)
                        sum += in[(static_cast<std::size_t>(y * shrink + dy) * static_cast<std::size_t>(w_) +
                                   static_cast<std::size_t>(x * shrink + dx)) *
                                      4 +
                                  static_cast<std::size_t>(c)];
                out[(static_cast<std::size_t>(y) * static_cast<std::size_t>(ow) +
                     static_cast<std::size_t>(x)) *
                        3 +
                    static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(sum / (shrink * shrink));
            }
    if (!stbi_write_png(path.c_str(), ow, oh, 3, out.data(), ow * 3)) return Error{"cannot write " + path};
    return true;
}

void* Video::update_preview(const std::uint8_t* bgr, int w, int h, int stride) {
    if (!preview_ || preview_w_ != w || preview_h_ != h) {
        if (preview_) SDL_DestroyTexture(preview_);
        preview_ = SDL_CreateTexture(renderer_, SDL_PIXELFORMAT_BGR24, SDL_TEXTUREACCESS_STREAMING, w, h);
        preview_w_ = w;
        preview_h_ = h;
        if (!preview_) return nullptr;
    }
    SDL_UpdateTexture(preview_, nullptr, bgr, stride);
    return preview_;
}

}  // namespace uk::sdl
