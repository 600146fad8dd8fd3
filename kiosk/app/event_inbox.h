// The one way device workers talk to the UI thread: they post flow events here (with the card epoch they
// started under), and the UI thread drains the inbox once per frame before ticking the flow. Never blocks the
// UI thread for longer than a swap of two vectors.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "kiosk/checkin/flow.h"

namespace uk::app {

struct Posted {
    checkin::Event event;
    std::uint64_t epoch = 0;  // 0 = not tied to a card operation (reader insert/remove, queue, staff)
};

class EventInbox {
  public:
    void post(checkin::Event e, std::uint64_t epoch = 0) {
        std::lock_guard lock(mu_);
        items_.push_back({std::move(e), epoch});
    }
    std::vector<Posted> drain() {
        std::vector<Posted> out;
        std::lock_guard lock(mu_);
        out.swap(items_);
        return out;
    }

  private:
    std::mutex mu_;
    std::vector<Posted> items_;
};

}  // namespace uk::app
