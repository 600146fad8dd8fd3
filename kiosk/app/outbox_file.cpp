#include "kiosk/app/outbox_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace uk::app {

namespace ev = checkin::ev;

OutboxFile::OutboxFile(std::filesystem::path path, EventInbox& inbox,
                       std::function<void(const std::string&)> log)
    : path_(std::move(path)), inbox_(inbox), log_(std::move(log)) {
    // Queue numbers continue after the highest one written today (UTC day).
    std::ifstream in(path_);
    std::string line;
    std::string today = format_rfc3339(std::chrono::system_clock::now()).substr(0, 10);
    while (std::getline(in, line)) {
        auto r = parse_checkin_record(line);
        if (r && format_rfc3339(r->completed_at).substr(0, 10) == today)
            ticket_ = std::max(ticket_, r->kiosk_ticket);
    }
    thread_ = std::thread([this] { run(); });
}

OutboxFile::~OutboxFile() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void OutboxFile::submit(CheckinRecord record) {
    {
        std::lock_guard lock(mu_);
        pending_.push_back(std::move(record));
    }
    cv_.notify_all();
}

bool OutboxFile::append(const CheckinRecord& r, std::string* error) {
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = "cannot open " + path_.string() + ": " + std::strerror(errno);
        return false;
    }
    std::string line = to_json_string(r) + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    if (!ok) *error = "cannot write " + path_.string() + ": " + std::strerror(errno);
    ::close(fd);
    return ok;
}

void OutboxFile::run() {
    for (;;) {
        CheckinRecord r;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !pending_.empty(); });
            if (stop_ && pending_.empty()) return;
            r = std::move(pending_.front());
            pending_.pop_front();
        }
        std::string error;
        // The queue number goes into the record (the reception shows it to staff). A record submitted again
        // (the patient's "try again") keeps its number.
        const bool again = r.record_id == last_record_id_;
        r.kiosk_ticket = again ? ticket_ : ticket_ + 1;
        if (append(r, &error)) {
            if (!again) ++ticket_;
            last_record_id_ = r.record_id;
            if (log_) log_("record " + r.record_id + " stored in the outbox " + path_.string());
            inbox_.post(ev::SubmitQueued{ticket_});
        } else {
            if (log_) log_("record " + r.record_id + " NOT stored: " + error);
            inbox_.post(ev::SubmitFailed{});
        }
    }
}

}  // namespace uk::app
