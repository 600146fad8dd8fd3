#include "platform/pcsc/pcsc.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace uk::pcsc {

using card::make_error;
using uk::CardFault;

namespace {

constexpr const char* kPnpReader = "\\\\?PnP?\\Notification";

SCARDCONTEXT ctx_of(std::intptr_t v) {
    return static_cast<SCARDCONTEXT>(v);
}

std::string rv_text(long rv) {
    return std::string(pcsc_stringify_error(static_cast<LONG>(rv)));
}

bool service_gone(long rv) {
    return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED || rv == SCARD_E_INVALID_HANDLE ||
           rv == SCARD_F_COMM_ERROR;
}

Result<std::vector<std::string>> readers_of(SCARDCONTEXT ctx) {
    DWORD len = 0;
    LONG rv = SCardListReaders(ctx, nullptr, nullptr, &len);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
    if (rv != SCARD_S_SUCCESS) return Error{"cannot list card readers: " + rv_text(rv)};
    std::string buf(len, '\0');
    rv = SCardListReaders(ctx, nullptr, buf.data(), &len);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
    if (rv != SCARD_S_SUCCESS) return Error{"cannot list card readers: " + rv_text(rv)};
    std::vector<std::string> out;
    for (const char* p = buf.data(); p < buf.data() + len && *p != '\0'; p += std::strlen(p) + 1)
        out.emplace_back(p);
    return out;
}

}  // namespace

bool reader_matches(const std::string& reader, const std::string& pattern) {
    if (pattern.empty()) return true;
    if (pattern.find_first_of("*?") != std::string::npos)
        return fnmatch(pattern.c_str(), reader.c_str(), 0) == 0;
    return reader.find(pattern) != std::string::npos;
}

Result<std::vector<std::string>> list_readers() {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) return Error{"the PC/SC service (pcscd) is not reachable: " + rv_text(rv)};
    auto r = readers_of(ctx);
    SCardReleaseContext(ctx);
    return r;
}

Result<std::vector<ReaderStatus>> reader_statuses() {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) return Error{"the PC/SC service (pcscd) is not reachable: " + rv_text(rv)};
    auto names = readers_of(ctx);
    if (!names) {
        SCardReleaseContext(ctx);
        return Error{names.error()};
    }
    std::vector<SCARD_READERSTATE> states(names->size());
    for (std::size_t i = 0; i < names->size(); ++i) {
        states[i].szReader = (*names)[i].c_str();
        states[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
    if (!states.empty()) rv = SCardGetStatusChange(ctx, 0, states.data(), static_cast<DWORD>(states.size()));
    SCardReleaseContext(ctx);
    if (!states.empty() && rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
        return Error{"cannot read the readers' status: " + rv_text(rv)};
    std::vector<ReaderStatus> out;
    for (std::size_t i = 0; i < names->size(); ++i)
        out.push_back({(*names)[i], (states[i].dwEventState & SCARD_STATE_PRESENT) != 0,
                       (states[i].dwEventState & SCARD_STATE_MUTE) != 0});
    return out;
}

// [SECTION] PcscTransport

PcscTransport::PcscTransport(std::string reader_pattern) : pattern_(std::move(reader_pattern)) {}

PcscTransport::~PcscTransport() {
    disconnect();
    release_context();
}

bool PcscTransport::ensure_context() {
    if (have_context_) return true;
    SCARDCONTEXT ctx = 0;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) return false;
    context_ = static_cast<std::intptr_t>(ctx);
    have_context_ = true;
    return true;
}

void PcscTransport::release_context() {
    if (have_context_) SCardReleaseContext(ctx_of(context_));
    have_context_ = false;
}

void PcscTransport::disconnect() {
    if (connected_) SCardDisconnect(static_cast<SCARDHANDLE>(card_), SCARD_LEAVE_CARD);
    connected_ = false;
    in_transaction_ = false;
    protocol_ = -1;
}

card::CardError PcscTransport::fail(long rv, const char* what) {
    const std::string where = std::string(what) + " on \"" + reader_ + "\": " + rv_text(rv);
    if (rv == SCARD_W_RESET_CARD) {
        // Another application reset the card: reconnect, and make the session re-select from scratch.
        DWORD proto = 0;
        if (SCardReconnect(static_cast<SCARDHANDLE>(card_), SCARD_SHARE_SHARED,
                           SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD,
                           &proto) != SCARD_S_SUCCESS) {
            disconnect();
        }
        ++generation_;
        return make_error(CardFault::Transport, where + " (card reset by another application)");
    }
    const bool gone_card = rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD;
    if (!gone_card && connected_) {
        // A failed exchange: find out whether the card is still there.
        DWORD state = 0, proto = 0, atr_len = 0;
        const LONG st =
            SCardStatus(static_cast<SCARDHANDLE>(card_), nullptr, nullptr, &state, &proto, nullptr, &atr_len);
        if (st == SCARD_W_REMOVED_CARD || st == SCARD_E_NO_SMARTCARD ||
            (st == SCARD_S_SUCCESS && !(state & SCARD_PRESENT))) {
            disconnect();
            ++generation_;
            return make_error(CardFault::Removed, where + " (the card was removed)");
        }
    }
    disconnect();
    ++generation_;
    if (gone_card) return make_error(CardFault::Removed, where);
    if (service_gone(rv)) release_context();  // pcscd restarted or gone: re-establish next time
    return make_error(CardFault::Transport, where);
}

card::CardResult<std::string> PcscTransport::connect() {
    if (connected_) return reader_;
    if (!ensure_context()) {
        return make_error(CardFault::Transport, "the PC/SC service (pcscd) is not reachable");
    }
    auto readers = readers_of(ctx_of(context_));
    if (!readers) {
        release_context();
        return make_error(CardFault::Transport, readers.error());
    }
    std::vector<std::string> candidates;
    for (const auto& r : *readers) {
        if (reader_matches(r, pattern_)) candidates.push_back(r);
    }
    if (candidates.empty()) {
        return make_error(CardFault::Transport, pattern_.empty()
                                                    ? "no card reader connected"
                                                    : "no card reader matches \"" + pattern_ + "\"");
    }
    LONG last = SCARD_E_NO_SMARTCARD;
    for (const auto& name : candidates) {
        SCARDHANDLE h = 0;
        DWORD proto = 0;
        last = SCardConnect(ctx_of(context_), name.c_str(), SCARD_SHARE_SHARED,
                            SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
        if (last != SCARD_S_SUCCESS) {
            if (service_gone(last)) {
                release_context();
                break;
            }
            continue;
        }
        card_ = static_cast<std::intptr_t>(h);
        connected_ = true;
        active_protocol_ = proto;
        protocol_ = proto == SCARD_PROTOCOL_T0 ? 0 : 1;
        reader_ = name;
        BYTE atr[MAX_ATR_SIZE];
        DWORD atr_len = sizeof atr, state = 0, p2 = 0;
        DWORD name_len = 0;
        if (SCardStatus(h, nullptr, &name_len, &state, &p2, atr, &atr_len) == SCARD_S_SUCCESS) {
            atr_.assign(atr, atr + atr_len);
        }
        // No generation bump here: a connect during transmit() must not make the guard forget the SELECT it
        // is sending. Every way a card can go away (removal, reset, lost service) bumps it in fail().
        return reader_;
    }
    if (last == SCARD_E_NO_SMARTCARD || last == SCARD_W_REMOVED_CARD) {
        return make_error(CardFault::Removed, "no card in " + candidates.front());
    }
    return make_error(CardFault::Transport, "cannot connect to the card: " + rv_text(last));
}

void PcscTransport::begin_exclusive() {
    if (!connected_ && !connect()) return;
    if (SCardBeginTransaction(static_cast<SCARDHANDLE>(card_)) == SCARD_S_SUCCESS) in_transaction_ = true;
}

void PcscTransport::end_exclusive() {
    if (in_transaction_ && connected_) SCardEndTransaction(static_cast<SCARDHANDLE>(card_), SCARD_LEAVE_CARD);
    in_transaction_ = false;
}

card::CardResult<card::Bytes> PcscTransport::transmit(card::ByteView command) {
    if (!connected_) {
        auto c = connect();
        if (!c) return c.error();
    }
    card::Bytes buf(MAX_BUFFER_SIZE_EXTENDED);
    DWORD len = static_cast<DWORD>(buf.size());
    const SCARD_IO_REQUEST* pci = active_protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    const LONG rv = SCardTransmit(static_cast<SCARDHANDLE>(card_), pci, command.data(),
                                  static_cast<DWORD>(command.size()), nullptr, buf.data(), &len);
    if (rv != SCARD_S_SUCCESS) return fail(rv, "SCardTransmit");
    if (len < 2) {
        // vpcd and some readers report a card that left mid-command as an empty answer, not as an error.
        return fail(SCARD_E_NOT_TRANSACTED, "SCardTransmit (empty answer)");
    }
    buf.resize(len);
    return buf;
}

// [SECTION] CardMonitor

const char* to_string(CardMonitor::Event e) {
    switch (e) {
        case CardMonitor::Event::CardInserted:
            return "card_inserted";
        case CardMonitor::Event::CardRemoved:
            return "card_removed";
        case CardMonitor::Event::ReaderGone:
            return "reader_gone";
        case CardMonitor::Event::ServiceLost:
            return "service_lost";
    }
    return "?";
}

CardMonitor::CardMonitor(std::string reader_pattern, Callback callback)
    : pattern_(std::move(reader_pattern)), callback_(std::move(callback)) {}

CardMonitor::~CardMonitor() {
    stop();
}

void CardMonitor::start() {
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { run(); });
}

void CardMonitor::stop() {
    stop_ = true;
    {
        std::lock_guard lock(mutex_);
        if (have_context_) SCardCancel(ctx_of(context_));
    }
    if (thread_.joinable()) thread_.join();
}

void CardMonitor::run() {
    std::map<std::string, bool> present;  // reader -> card present, as last reported
    std::chrono::milliseconds backoff(100);
    bool service_ok = true;
    while (!stop_) {
        SCARDCONTEXT ctx = 0;
        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx) != SCARD_S_SUCCESS) {
            if (service_ok) {
                service_ok = false;
                for (auto& [reader, was] : present) {
                    if (was) callback_(Event::CardRemoved, reader);
                }
                present.clear();
                callback_(Event::ServiceLost, "");
            }
            // pcscd is down or restarting: try again, waiting longer each time (up to 2 s).
            for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_;
                 waited += std::chrono::milliseconds(50)) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
            continue;
        }
        backoff = std::chrono::milliseconds(100);
        service_ok = true;
        {
            std::lock_guard lock(mutex_);
            context_ = static_cast<std::intptr_t>(ctx);
            have_context_ = true;
        }
        bool relist = true;
        std::vector<std::string> names;
        std::vector<SCARD_READERSTATE> states;
        while (!stop_) {
            if (relist) {
                relist = false;
                auto readers = readers_of(ctx);
                if (!readers) break;
                names.clear();
                for (const auto& r : *readers) {
                    if (reader_matches(r, pattern_)) names.push_back(r);
                }
                for (auto it = present.begin(); it != present.end();) {  // readers that disappeared
                    if (std::find(names.begin(), names.end(), it->first) == names.end()) {
                        if (it->second) callback_(Event::CardRemoved, it->first);
                        callback_(Event::ReaderGone, it->first);
                        it = present.erase(it);
                    } else {
                        ++it;
                    }
                }
                states.assign(names.size() + 1, SCARD_READERSTATE{});
                for (std::size_t i = 0; i < names.size(); ++i) {
                    states[i].szReader = names[i].c_str();
                    states[i].dwCurrentState = SCARD_STATE_UNAWARE;
                }
                states.back().szReader = kPnpReader;
                states.back().dwCurrentState = SCARD_STATE_UNAWARE;
            }
            const LONG rv = SCardGetStatusChange(ctx, 1000, states.data(), static_cast<DWORD>(states.size()));
            if (rv == SCARD_E_TIMEOUT) continue;
            if (rv == SCARD_E_CANCELLED) break;
            if (rv != SCARD_S_SUCCESS) {
                if (service_gone(rv) || rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE) {
                    relist = !service_gone(rv);
                    if (!relist) break;  // re-establish the context
                    continue;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                continue;
            }
            for (std::size_t i = 0; i < states.size(); ++i) {
                SCARD_READERSTATE& s = states[i];
                const DWORD ev = s.dwEventState;
                s.dwCurrentState = ev & ~static_cast<DWORD>(SCARD_STATE_CHANGED);
                if (i + 1 == states.size()) {
                    if (ev & SCARD_STATE_CHANGED) relist = true;  // a reader was plugged or unplugged
                    continue;
                }
                if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE)) {
                    relist = true;
                    continue;
                }
                const bool now = (ev & SCARD_STATE_PRESENT) != 0 && (ev & SCARD_STATE_MUTE) == 0;
                const std::string name = names[i];
                auto it = present.find(name);
                const bool was = it != present.end() && it->second;
                if (now != was) callback_(now ? Event::CardInserted : Event::CardRemoved, name);
                present[name] = now;
            }
        }
        {
            std::lock_guard lock(mutex_);
            have_context_ = false;
        }
        SCardReleaseContext(ctx);
    }
}

}  // namespace uk::pcsc
