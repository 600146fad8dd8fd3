// Time comes in through this interface so that the flow, time-outs and records are testable with a fake
// clock.
#pragma once

#include <chrono>

namespace uk {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual SteadyTime steady_now() const = 0;  // for durations and time-outs
    virtual WallTime wall_now() const = 0;      // for records shown to people
};

// A clock tests set by hand.
class ManualClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return steady_; }
    WallTime wall_now() const override { return wall_; }
    void advance(std::chrono::milliseconds d) {
        steady_ += d;
        wall_ += d;
    }
    void set_wall(WallTime t) { wall_ = t; }

  private:
    SteadyTime steady_{std::chrono::hours(1)};
    WallTime wall_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} + std::chrono::hours(0)};
};

}  // namespace uk
