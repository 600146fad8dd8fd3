// Real components for the integration tests: pcscd with the vpcd driver on a private reader.conf directory
// and port, and uketsuke-cardsim processes as cards. Both are started here and stopped by PID (SIGTERM, then
// SIGKILL after a grace period); never by name. Only one pcscd can run per machine: ctest runs these tests
// under RESOURCE_LOCK pcscd, and across ctest runs (two build trees on one machine) a Pcscd holds the
// machine-wide lock below from start to destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "platform/pcsc/pcsc.h"

namespace uk::cardtest {

// Starts `argv` with stdout+stderr to `log`; returns the PID or -1.
pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log);
// SIGTERM, wait up to `grace`, then SIGKILL; returns the exit status (or -1).
int stop_process(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

// flock(2) on kPcscdLockFile, waiting up to `wait`; returns the open descriptor (closing it releases the
// lock) or -1. tests/ui/e2e/pcsc_path.sh and the doctor tests take the same lock.
inline constexpr const char* kPcscdLockFile = "/tmp/uketsuke-pcscd.lock";
int lock_pcscd_machine_wide(std::chrono::seconds wait = std::chrono::seconds(900));

class Pcscd {
  public:
    static constexpr const char* kReaderName = "Uketsuke Test VPCD 00 00";
    // Writes a reader.conf for vpcd on a free port into a temporary folder and starts pcscd on it.
    static Result<std::unique_ptr<Pcscd>> start();
    ~Pcscd();
    Result<bool> restart();  // stop and start again on the same port (simulates a pcscd restart)
    void stop();
    std::uint16_t port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    Result<bool> launch();
    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
    int lock_fd_ = -1;
};

// A card: uketsuke-cardsim --identity NAME --data DIR --port P [extra...].
class SimCard {
  public:
    SimCard(const std::filesystem::path& data, const std::string& identity, std::uint16_t port,
            const std::vector<std::string>& extra = {});
    ~SimCard();
    bool running() const { return pid_ > 0; }
    int remove();  // SIGTERM = take the card out
    std::string log() const;

  private:
    pid_t pid_ = -1;
    std::filesystem::path log_;
};

// Collects CardMonitor events so a test can wait for one.
class EventLog {
  public:
    pcsc::CardMonitor::Callback callback();
    // Waits until an event of this kind (for any reader) arrives after the given index; returns its index or
    // -1.
    int wait_for(pcsc::CardMonitor::Event e, std::chrono::milliseconds timeout, int after = -1);
    std::size_t size();

  private:
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<pcsc::CardMonitor::Event> events_;
};

// Waits until the reader reports a card (present = true) or none; false on time-out.
bool wait_card_state(bool present, std::chrono::milliseconds timeout);

}  // namespace uk::cardtest
