// SimulatedCard: the My Number card as a pure APDU handler - bytes in, bytes out - with the applications,
// files, access conditions, retry counters and status words described in docs/card.md. The same object serves
// the in-process transport (unit tests, demo) and the vpcd socket client (real pcscd). Fault injection for
// tests: slow answers, removal after N APDUs, garbage or truncated answers, forced status words, T=0-style
// 61xx chaining, refusal of extended-length APDUs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/card/apdu.h"
#include "tools/cardsim/identity.h"

namespace uk::cardsim {

struct Faults {
    std::chrono::milliseconds delay{0};              // before every answer
    std::size_t remove_after = 0;                    // the card leaves after this many APDUs (0 = never)
    std::optional<std::size_t> garbage_from;         // from this APDU index (0-based) on, answer random bytes
    std::optional<std::size_t> truncate_from;        // from this APDU index on, answer only the first byte
    std::map<std::uint8_t, std::uint16_t> force_sw;  // INS -> status word answered instead of the real one
    bool t0_get_response = false;  // answer data as 61xx + GET RESPONSE, 256 bytes at a time
    bool no_extended = false;      // refuse extended-length APDUs with 6700
};

class SimulatedCard {
  public:
    explicit SimulatedCard(Identity identity, Faults faults = {});

    // One command APDU -> one response APDU (data + SW1 SW2).
    Bytes process(card::ByteView command);
    // Power-on / reset: selection and security state are cleared (counters persist).
    void reset();
    card::Bytes atr() const;

    // True once remove_after APDUs were answered: the transport must then act as if the card left.
    bool removal_due() const { return faults_.remove_after != 0 && apdus_ >= faults_.remove_after; }
    std::size_t apdu_count() const { return apdus_; }
    // How often an application other than JPKI / kenkaku was selected (the security tests check it stays 0).
    std::size_t forbidden_selects() const { return forbidden_selects_; }
    const Identity& identity() const { return id_; }
    Faults& faults() { return faults_; }

  private:
    enum class Ap { None, Mf, Jpki, Kenkaku, Kenhojo, Juki };
    enum class PinId { None, Auth, Sign, MatchB };
    enum class Kind { Binary, Pin, Key };
    struct File {
        Kind kind = Kind::Binary;
        Bytes content;
        PinId read_needs = PinId::None;  // Binary: PIN that must be verified first
        PinId pin = PinId::None;         // Pin: which PIN; Key: which PIN unlocks it
    };

    Bytes handle(const card::CommandApdu& c);
    Bytes select(const card::CommandApdu& c);
    Bytes read_binary(const card::CommandApdu& c);
    Bytes verify(const card::CommandApdu& c);
    Bytes sign(const card::CommandApdu& c);
    Bytes get_response(const card::CommandApdu& c);
    Bytes respond(card::Bytes data, std::uint16_t sw);
    const File* find(Ap ap, std::uint16_t fid) const;
    int& counter(PinId p);
    const std::string& secret(PinId p) const;
    int max_tries(PinId p) const;
    void persist();

    Identity id_;
    Faults faults_;
    std::map<std::uint16_t, File> jpki_, kenkaku_;
    Ap ap_ = Ap::None;
    std::optional<std::uint16_t> ef_;
    bool verified_[4] = {false, false, false, false};
    Bytes pending_;  // T=0 GET RESPONSE remainder
    std::uint16_t pending_sw_ = 0x9000;
    std::size_t apdus_ = 0;
    std::size_t forbidden_selects_ = 0;
    std::uint32_t noise_ = 0x2545F491;
};

// The card-face confirmation AP's EF 0002 for an identity: FF20 { DF21 DF22 DF23 DF27 DF29 } (see
// docs/card.md).
Bytes build_card_face_file(const Identity& id);

}  // namespace uk::cardsim
