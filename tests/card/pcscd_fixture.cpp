#include "tests/card/pcscd_fixture.h"

#include <PCSC/winscard.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <thread>

extern char** environ;

namespace uk::cardtest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = -1;
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

int stop_process(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) return -1;
    ::kill(pid, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(20ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

namespace {

std::uint16_t free_port() {
    std::mt19937 rng(static_cast<unsigned>(::getpid()));
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = static_cast<std::uint16_t>(41000 + rng() % 2000);
        bool ok = true;
        for (std::uint16_t p :
             {port, static_cast<std::uint16_t>(port + 1)}) {  // vpcd opens two readers: P, P+1
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(p);
            a.sin_addr.s_addr = htonl(INADDR_ANY);
            ok = ok && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            ::close(fd);
        }
        if (ok) return port;
    }
    return 41999;
}

bool pcscd_alive_elsewhere() {
    std::ifstream f("/run/pcscd/pcscd.pid");
    pid_t other = 0;
    if (!(f >> other) || other <= 0) return false;
    return ::kill(other, 0) == 0;
}

}  // namespace

int lock_pcscd_machine_wide(std::chrono::seconds wait) {
    int fd = ::open(kPcscdLockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::close(fd);
            return -1;
        }
        std::this_thread::sleep_for(100ms);
    }
    return fd;
}

Result<std::unique_ptr<Pcscd>> Pcscd::start() {
    auto p = std::unique_ptr<Pcscd>(new Pcscd());
    p->lock_fd_ = lock_pcscd_machine_wide();
    if (p->lock_fd_ < 0)
        return Error{std::string("cannot take the machine-wide pcscd lock ") + kPcscdLockFile};
    std::random_device rd;
    p->dir_ =
        fs::temp_directory_path() / ("uk-pcscd-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(p->dir_ / "reader.conf.d");
    p->port_ = free_port();
    char conf[512];
    std::snprintf(conf, sizeof conf,
                  "FRIENDLYNAME \"Uketsuke Test VPCD\"\nDEVICENAME   /dev/null:0x%04X\n"
                  "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%04X\n",
                  p->port_, p->port_);
    std::ofstream(p->dir_ / "reader.conf.d" / "vpcd") << conf;
    auto r = p->launch();
    if (!r) return Error{r.error()};
    return p;
}

Result<bool> Pcscd::launch() {
    if (pcscd_alive_elsewhere()) {
        return Error{
            "another pcscd is running (see /run/pcscd/pcscd.pid); the card integration tests need their own"};
    }
    std::error_code ec;
    fs::remove("/run/pcscd/pcscd.comm", ec);
    fs::remove("/run/pcscd/pcscd.pid", ec);
    pid_ = spawn({"/usr/sbin/pcscd", "-f", "-c", (dir_ / "reader.conf.d").string()}, dir_ / "pcscd.log");
    if (pid_ <= 0) return Error{"cannot start /usr/sbin/pcscd"};
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto readers = pcsc::list_readers();
        if (readers) {
            for (const auto& r : *readers) {
                if (r == kReaderName) return true;
            }
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            std::ifstream log(dir_ / "pcscd.log");
            return Error{"pcscd exited at start: " +
                         std::string(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>())};
        }
        std::this_thread::sleep_for(20ms);
    }
    return Error{"pcscd did not list the vpcd reader within 10 s"};
}

void Pcscd::stop() {
    if (pid_ > 0) stop_process(pid_);
    pid_ = -1;
}

Result<bool> Pcscd::restart() {
    stop();
    return launch();
}

Pcscd::~Pcscd() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

SimCard::SimCard(const fs::path& data, const std::string& identity, std::uint16_t port,
                 const std::vector<std::string>& extra) {
    log_ = data / ("cardsim-" + identity + "-" + std::to_string(port) + ".log");
    std::vector<std::string> argv = {UK_CARDSIM_EXE, "--identity",        identity, "--data", data.string(),
                                     "--port",       std::to_string(port)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = spawn(argv, log_);
}

SimCard::~SimCard() {
    remove();
}

int SimCard::remove() {
    const int status = stop_process(pid_);
    pid_ = -1;
    return status;
}

std::string SimCard::log() const {
    std::ifstream f(log_);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

pcsc::CardMonitor::Callback EventLog::callback() {
    return [this](pcsc::CardMonitor::Event e, const std::string&) {
        {
            std::lock_guard lock(m_);
            events_.push_back(e);
        }
        cv_.notify_all();
    };
}

int EventLog::wait_for(pcsc::CardMonitor::Event e, std::chrono::milliseconds timeout, int after) {
    std::unique_lock lock(m_);
    int found = -1;
    cv_.wait_for(lock, timeout, [&] {
        for (int i = after + 1; i < static_cast<int>(events_.size()); ++i) {
            if (events_[static_cast<std::size_t>(i)] == e) {
                found = i;
                return true;
            }
        }
        return false;
    });
    return found;
}

std::size_t EventLog::size() {
    std::lock_guard lock(m_);
    return events_.size();
}

bool wait_card_state(bool present, std::chrono::milliseconds timeout) {
    SCARDCONTEXT ctx = 0;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) return false;
    SCARD_READERSTATE s{};
    s.szReader = Pcscd::kReaderName;
    s.dwCurrentState = SCARD_STATE_UNAWARE;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool ok = false;
    while (std::chrono::steady_clock::now() < deadline) {
        const LONG rv = SCardGetStatusChange(ctx, 200, &s, 1);
        if (rv == SCARD_S_SUCCESS || rv == SCARD_E_TIMEOUT) {
            const bool now = (s.dwEventState & SCARD_STATE_PRESENT) != 0;
            if (rv == SCARD_S_SUCCESS)
                s.dwCurrentState = s.dwEventState & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
            if (now == present && rv == SCARD_S_SUCCESS) {
                ok = true;
                break;
            }
        } else {
            std::this_thread::sleep_for(50ms);
        }
    }
    SCardReleaseContext(ctx);
    return ok;
}

}  // namespace uk::cardtest
