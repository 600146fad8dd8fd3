#include "platform/sdl/audio.h"

#include <SDL.h>

#include <cmath>

namespace uk::sdl {

namespace {
struct Note {
    double hz;
    int ms;
};

void add_note(std::vector<std::int16_t>& out, Note n, double volume) {
    const int count = kAudioRate * n.ms / 1000;
    const int fade = kAudioRate * 8 / 1000;  // 8 ms attack/release: no clicks
    for (int i = 0; i < count; ++i) {
        double env = 1.0;
        if (i < fade) env = static_cast<double>(i) / fade;
        if (count - i < fade) env = static_cast<double>(count - i) / fade;
        double t = static_cast<double>(i) / kAudioRate;
        // A soft bell: fundamental plus a quiet octave.
        double s = std::sin(2 * M_PI * n.hz * t) + 0.25 * std::sin(4 * M_PI * n.hz * t);
        out.push_back(static_cast<std::int16_t>(s / 1.25 * env * volume * 32767));
    }
}
void add_silence(std::vector<std::int16_t>& out, int ms) {
    out.insert(out.end(), static_cast<std::size_t>(kAudioRate * ms / 1000), 0);
}
}  // namespace

std::vector<std::int16_t> synthesize_cue(checkin::Sound sound) {
    std::vector<std::int16_t> out;
    switch (sound) {
        case checkin::Sound::CardRead:  // ピンポン
            add_note(out, {988, 110}, 0.5);
            add_note(out, {1319, 160}, 0.5);
            break;
        case checkin::Sound::Success:
            add_note(out, {784, 110}, 0.5);
            add_note(out, {988, 110}, 0.5);
            add_note(out, {1175, 220}, 0.5);
            break;
        case checkin::Sound::Attention:
            for (int i = 0; i < 2; ++i) {
                add_note(out, {880, 160}, 0.6);
                add_note(out, {659, 220}, 0.6);
                add_silence(out, 120);
            }
            break;
    }
    return out;
}

Audio::Audio() {
    for (auto s : {checkin::Sound::CardRead, checkin::Sound::Success, checkin::Sound::Attention})
        cues_[static_cast<int>(s)] = synthesize_cue(s);
    if (SDL_WasInit(SDL_INIT_AUDIO) == 0 && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        problem_ = std::string("no audio: ") + SDL_GetError();
        return;
    }
    SDL_AudioSpec want{}, have{};
    want.freq = kAudioRate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (device_ == 0) {
        problem_ = std::string("no audio device: ") + SDL_GetError();
        return;
    }
    SDL_PauseAudioDevice(device_, 0);
}

Audio::~Audio() {
    if (device_) SDL_CloseAudioDevice(device_);
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

void Audio::play(checkin::Sound sound) {
    if (muted_ || device_ == 0) return;
    const auto& cue = cues_[static_cast<int>(sound)];
    SDL_ClearQueuedAudio(device_);
    SDL_QueueAudio(device_, cue.data(), static_cast<Uint32>(cue.size() * sizeof(std::int16_t)));
    ++played_;
}

}  // namespace uk::sdl
