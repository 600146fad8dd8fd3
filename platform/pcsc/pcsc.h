// PC/SC adapters for the card (pcsc-lite through pcscd):
//  - list_readers(): the reader names pcscd knows.
//  - PcscTransport: a card::CardTransport on a real reader. Chooses the reader by configured name or pattern
//    (substring, or a glob with * and ?), else the first reader with a card; connects shared, T=0 or T=1.
//    61xx/6Cxx are resolved above it by card::CardChannel, for every transport alike.
//  - CardMonitor: a thread on SCardGetStatusChange that reports card inserted / removed / reader gone /
//    service lost, re-establishing the context with back-off when pcscd restarts; stop() uses SCardCancel.
//
// Errors PcscTransport::transmit returns (pcsc-lite's @retval lists, mapped):
//   CardFault::Removed    SCARD_W_REMOVED_CARD, SCARD_E_NO_SMARTCARD, or a failed exchange with the card gone
//   CardFault::Transport  SCARD_E_NO_SERVICE / SERVICE_STOPPED (pcscd gone: the next call re-establishes),
//                         SCARD_E_READER_UNAVAILABLE / UNKNOWN_READER (unplugged), SCARD_W_RESET_CARD
//                         (another application reset the card: card_generation() changes, the session
//                         re-selects), SCARD_E_NOT_TRANSACTED, time-outs, no reader, no card
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiosk/card/transport.h"
#include "kiosk/core/result.h"

namespace uk::pcsc {

Result<std::vector<std::string>> list_readers();

// Every reader pcscd sees, with whether a card is on it (one status query, no connection to the card).
struct ReaderStatus {
    std::string name;
    bool card_present = false;
    bool card_mute = false;  // a card that does not answer (upside down, broken)
};
Result<std::vector<ReaderStatus>> reader_statuses();

// True when `reader` matches `pattern` (empty matches all; * and ? make it a glob, else a substring).
bool reader_matches(const std::string& reader, const std::string& pattern);

class PcscTransport final : public card::CardTransport {
  public:
    explicit PcscTransport(std::string reader_pattern = {});
    ~PcscTransport() override;
    PcscTransport(const PcscTransport&) = delete;
    PcscTransport& operator=(const PcscTransport&) = delete;

    // Connects to the card in the chosen reader (done lazily by transmit() too). Returns the reader's name.
    card::CardResult<std::string> connect();
    void disconnect();
    card::CardResult<card::Bytes> transmit(card::ByteView command) override;
    std::uint64_t card_generation() const override { return generation_; }
    void begin_exclusive() override;  // SCardBeginTransaction (connects first if needed)
    void end_exclusive() override;    // SCardEndTransaction, leaving the card as it is

    const std::string& reader() const { return reader_; }
    const card::Bytes& atr() const { return atr_; }
    int protocol() const { return protocol_; }  // 0 = T=0, 1 = T=1, -1 = not connected

  private:
    card::CardError fail(long rv, const char* what);
    bool ensure_context();
    void release_context();

    std::string pattern_;
    std::intptr_t context_ = 0;
    bool have_context_ = false;
    std::intptr_t card_ = 0;
    bool connected_ = false;
    bool in_transaction_ = false;
    unsigned long active_protocol_ = 0;
    int protocol_ = -1;
    std::string reader_;
    card::Bytes atr_;
    std::uint64_t generation_ = 1;
};

class CardMonitor {
  public:
    enum class Event { CardInserted, CardRemoved, ReaderGone, ServiceLost };
    using Callback = std::function<void(Event, const std::string& reader)>;

    // Watches the readers matching `reader_pattern` (all readers when empty). The callback runs on the
    // monitor's thread: keep it short (post to the flow's queue).
    CardMonitor(std::string reader_pattern, Callback callback);
    ~CardMonitor();
    CardMonitor(const CardMonitor&) = delete;
    CardMonitor& operator=(const CardMonitor&) = delete;

    void start();
    void stop();  // SCardCancel + join; safe to call twice

  private:
    void run();
    std::string pattern_;
    Callback callback_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::intptr_t context_ = 0;
    bool have_context_ = false;
};

const char* to_string(CardMonitor::Event e);

}  // namespace uk::pcsc
