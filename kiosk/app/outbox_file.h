// A durable local outbox for finished check-ins: one JSON line per record, appended and fsync'ed before the
// patient is told "done". Used while the kiosk has no reception connection (kiosk/queue's SQLite outbox and
// HTTPS pusher take over when they are wired in; see docs/ui.md). Runs on its own worker thread so the UI
// never waits on the disk.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "kiosk/app/event_inbox.h"
#include "kiosk/core/record.h"

namespace uk::app {

class OutboxFile {
  public:
    OutboxFile(std::filesystem::path path, EventInbox& inbox, std::function<void(const std::string&)> log);
    ~OutboxFile();
    OutboxFile(const OutboxFile&) = delete;
    OutboxFile& operator=(const OutboxFile&) = delete;
    void submit(CheckinRecord record);
    const std::filesystem::path& path() const { return path_; }

  private:
    void run();
    bool append(const CheckinRecord& r, std::string* error);
    std::filesystem::path path_;
    EventInbox& inbox_;
    std::function<void(const std::string&)> log_;
    int ticket_ = 0;
    std::string last_record_id_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<CheckinRecord> pending_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace uk::app
