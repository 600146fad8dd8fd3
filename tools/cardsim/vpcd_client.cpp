#include "tools/cardsim/vpcd_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "kiosk/core/secure.h"

namespace uk::cardsim {

namespace {

void quickack(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

// Reads exactly n bytes; false on close or error.
bool read_exact(int fd, std::uint8_t* buf, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
        quickack(fd);
        const ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r == 0) return false;
        if (r < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        got += static_cast<std::size_t>(r);
    }
    quickack(fd);
    return true;
}

bool send_frame(int fd, const card::Bytes& payload) {
    card::Bytes frame;
    frame.reserve(payload.size() + 2);
    frame.push_back(static_cast<std::uint8_t>(payload.size() >> 8));
    frame.push_back(static_cast<std::uint8_t>(payload.size() & 0xFF));
    frame.insert(frame.end(), payload.begin(), payload.end());
    std::size_t sent = 0;
    while (sent < frame.size()) {
        const ssize_t r = send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (r < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        sent += static_cast<std::size_t>(r);
    }
    return true;
}

int connect_to(const VpcdOptions& o, const std::atomic<bool>& stop, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const std::string port = std::to_string(o.port);
    if (int rc = getaddrinfo(o.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
        error = "cannot resolve " + o.host + ": " + gai_strerror(rc);
        return -1;
    }
    const auto deadline = std::chrono::steady_clock::now() + o.connect_timeout;
    int fd = -1;
    while (!stop) {
        for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
            fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
            if (fd < 0) continue;
            if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
                close(fd);
                fd = -1;
            }
        }
        if (fd >= 0 || std::chrono::steady_clock::now() > deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    freeaddrinfo(res);
    if (fd < 0)
        error =
            "cannot connect to vpcd at " + o.host + ":" + port + " (is pcscd with the vpcd driver running?)";
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

}  // namespace

Result<std::string> serve_vpcd(SimulatedCard& card, const VpcdOptions& options,
                               const std::atomic<bool>& stop) {
    std::string error;
    const int fd = connect_to(options, stop, error);
    if (fd < 0) {
        if (stop) return std::string("stopped");
        return Error{error};
    }
    card.reset();
    std::string why = "stopped";
    while (!stop) {
        if (card.removal_due()) {
            why = "removed by fault";
            break;
        }
        pollfd p{fd, POLLIN, 0};
        const int pr = poll(&p, 1, 100);
        if (pr < 0 && errno != EINTR) {
            why = "poll failed";
            break;
        }
        if (pr <= 0) continue;
        std::uint8_t len[2];
        if (!read_exact(fd, len, 2)) {
            why = "vpcd closed";
            break;
        }
        const std::size_t n = static_cast<std::size_t>(len[0] << 8 | len[1]);
        card::Bytes payload(n);
        if (n > 0 && !read_exact(fd, payload.data(), n)) {
            why = "vpcd closed";
            break;
        }
        if (n == 1) {
            switch (payload[0]) {
                case 0:  // power off
                case 1:  // power on
                case 2:  // reset
                    card.reset();
                    break;
                case 4:  // ATR
                    if (!send_frame(fd, card.atr())) why = "vpcd closed";
                    break;
                default:
                    break;
            }
            continue;
        }
        card::Bytes answer = card.process(payload);
        uk::secure_wipe(payload.data(), payload.size());  // it may have been a VERIFY
        if (card.removal_due() && card.apdu_count() > 0 && card.faults().remove_after == card.apdu_count()) {
            // The card leaves while the reader waits for this answer: close without answering.
            why = "removed by fault";
            break;
        }
        if (!send_frame(fd, answer)) {
            why = "vpcd closed";
            break;
        }
    }
    shutdown(fd, SHUT_RDWR);
    close(fd);
    return why;
}

}  // namespace uk::cardsim
