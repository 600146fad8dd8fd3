// Short sound cues through SDL audio: card read (two rising notes), success (three), attention (a falling
// pair, twice). Synthesized at start-up (no sound files to ship). Mutable; a kiosk without an audio device
// runs silently and says so once in its log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/checkin/flow.h"

namespace uk::sdl {

inline constexpr int kAudioRate = 44100;

// The cue as 16-bit mono samples at kAudioRate (pure: tested without a device).
std::vector<std::int16_t> synthesize_cue(checkin::Sound sound);

class Audio {
  public:
    Audio();  // opens the default device; available() says whether that worked
    ~Audio();
    Audio(const Audio&) = delete;
    Audio& operator=(const Audio&) = delete;
    bool available() const { return device_ != 0; }
    const std::string& problem() const { return problem_; }
    void set_muted(bool m) { muted_ = m; }
    bool muted() const { return muted_; }
    // Queues the cue (drops whatever was still queued, so cues never pile up).
    void play(checkin::Sound sound);
    int played() const { return played_; }

  private:
    std::uint32_t device_ = 0;
    bool muted_ = false;
    int played_ = 0;
    std::string problem_;
    std::vector<std::int16_t> cues_[3];
};

}  // namespace uk::sdl
