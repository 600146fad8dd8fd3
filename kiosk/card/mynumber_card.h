// MyNumberCard: one session with a My Number card, as the check-in flow needs it. Call from one worker thread
// (the card is slow and blocking); one instance per inserted card, or keep it: it notices a new card through
// CardTransport::card_generation() and forgets its selection state.
//
// What it does, and the APDUs (the fewest the card allows; nothing is re-selected while still selected):
//  - read_auth_certificate(): SELECT JPKI AP, SELECT EF 000A, READ BINARY 256, READ BINARY rest (sized
//    from the DER header). Never cached: a card swapped while no APDU was sent must not give the old one.
//  - auth_pin_tries_left(): SELECT EF 0018, VERIFY without data -> 63Cx (spends no try).
//  - verify_auth_pin(pin): SELECT EF 0018, VERIFY 4 digits. The PIN object is wiped right after the APDU is
//    built, the APDU buffer right after it is sent.
//  - sign_challenge(bytes): SELECT EF 0017, COMPUTE DIGITAL SIGNATURE over the SHA-256 DigestInfo of the
//    challenge (the card pads PKCS#1 v1.5). Needs verify_auth_pin first.
//  - match_code_b_tries_left(): SELECT kenkaku AP, SELECT EF 0012, VERIFY without data.
//  - verify_match_code_b(code): SELECT EF 0012, VERIFY 14 digits; wiped like the PIN.
//  - read_face_photo(): SELECT EF 0002, READ BINARY (size from the FF20 header), TLV DF27 = JPEG 2000.
// Everything goes through ApplicationGuard: the My Number application cannot be reached from here.
//
// Errors (CardError.fault): WrongPin (+tries_left), PinBlocked, SecurityNotSatisfied, NotFound, Removed,
// Transport, Unreadable (garbage, truncated data, a certificate or photo that does not parse).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "kiosk/card/application_guard.h"
#include "kiosk/card/bytes.h"
#include "kiosk/card/certificate.h"
#include "kiosk/card/channel.h"
#include "kiosk/card/image_header.h"
#include "kiosk/core/secure.h"

namespace uk::card {

struct CardOptions {
    // Read the rest of a file with one extended-length READ BINARY (the card supports it; jsapdu reads whole
    // files that way). Falls back to 256-byte reads by itself if a card refuses extended length.
    bool extended_length = true;
    CardChannel::LogFn log;  // APDU log lines (VERIFY data redacted); empty = no log
};

struct FacePhoto {
    Bytes jpeg2000;  // the DF27 value as stored on the card
    ImageInfo info;
};

class MyNumberCard {
  public:
    explicit MyNumberCard(CardTransport& transport, CardOptions options = {});
    MyNumberCard(const MyNumberCard&) = delete;
    MyNumberCard& operator=(const MyNumberCard&) = delete;

    CardResult<CardCertificate> read_auth_certificate();
    CardResult<int> auth_pin_tries_left();  // 0 = blocked
    CardResult<Done> verify_auth_pin(Pin& pin);
    CardResult<Bytes> sign_challenge(ByteView challenge);
    CardResult<int> match_code_b_tries_left();  // 0 = blocked
    CardResult<Done> verify_match_code_b(MatchCodeB& code);
    CardResult<FacePhoto> read_face_photo();

    std::size_t apdu_count() const { return channel_.apdu_count(); }
    const ApplicationGuard& guard() const { return guard_; }

  private:
    enum class Ap { None, Jpki, Kenkaku };
    struct Exclusive {  // one PC/SC transaction per public operation
        CardTransport& t;
        explicit Exclusive(CardTransport& transport) : t(transport) { t.begin_exclusive(); }
        ~Exclusive() { t.end_exclusive(); }
        Exclusive(const Exclusive&) = delete;
        Exclusive& operator=(const Exclusive&) = delete;
    };
    void sync_generation();
    void forget();
    CardResult<Done> ensure_ap(Ap ap);
    CardResult<Done> ensure_ef(std::uint16_t fid);
    CardResult<ResponseApdu> send(const CommandApdu& c);
    CardResult<Bytes> read_sized_file(std::uint16_t fid, std::size_t max_size, const char* what);
    CardResult<int> tries_left(Ap ap, std::uint16_t pin_ef);
    CardResult<Done> verify(Ap ap, std::uint16_t pin_ef, ByteView secret, const char* what);

    ApplicationGuard guard_;
    CardChannel channel_;
    CardOptions options_;
    std::uint64_t generation_ = 0;
    Ap ap_ = Ap::None;
    std::optional<std::uint16_t> ef_;
    bool auth_verified_ = false;
};

}  // namespace uk::card
