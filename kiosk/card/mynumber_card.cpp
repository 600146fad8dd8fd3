#include "kiosk/card/mynumber_card.h"

#include <cstdio>

#include "kiosk/card/ids.h"
#include "kiosk/card/status_words.h"
#include "kiosk/card/tlv.h"

namespace uk::card {

namespace {
constexpr std::size_t kMaxCertificateBytes = 8 * 1024;
constexpr std::size_t kMaxEntriesBytes = 0x7FFF;  // READ BINARY offsets are 15 bits
constexpr std::size_t kShortChunk = 256;
constexpr std::size_t kExtendedChunk = 65535 - 2;  // data + SW must fit vpcd's 16-bit frame

std::string fid_name(const char* what, std::uint16_t fid) {
    char b[64];
    std::snprintf(b, sizeof b, "%s %04X", what, fid);
    return b;
}
}  // namespace

// [SECTION] Selection state

MyNumberCard::MyNumberCard(CardTransport& transport, CardOptions options)
    : guard_(transport), channel_(guard_), options_(std::move(options)) {
    if (options_.log) channel_.set_log(options_.log);
    generation_ = guard_.card_generation();
}

void MyNumberCard::forget() {
    ap_ = Ap::None;
    ef_.reset();
    auth_verified_ = false;
}

void MyNumberCard::sync_generation() {
    if (guard_.card_generation() != generation_) {
        generation_ = guard_.card_generation();
        forget();
    }
}

CardResult<ResponseApdu> MyNumberCard::send(const CommandApdu& c) {
    auto r = channel_.transmit(c);
    if (!r) {
        forget();  // after a transport error nothing is known about the card's state
    }
    if (guard_.card_generation() != generation_) {
        sync_generation();
    }
    return r;
}

CardResult<Done> MyNumberCard::ensure_ap(Ap ap) {
    sync_generation();
    if (ap_ == ap) return Done{};
    const bool jpki = ap == Ap::Jpki;
    auto r = send(jpki ? select_aid(kAidJpki) : select_aid(kAidKenkaku));
    if (!r) return r.error();
    if (!r->ok()) {
        forget();
        if (r->sw == kSwFileNotFound || r->sw == kSwIncorrectP1P2) {
            return make_error(CardFault::Unreadable,
                              std::string("not a My Number card: no ") + (jpki ? "JPKI" : "card-face") +
                                  " application (SELECT answered " + std::string(sw_text(r->sw)) + ")",
                              r->sw);
        }
        return error_for_sw(r->sw, jpki ? "SELECT JPKI AP" : "SELECT card-face AP");
    }
    ap_ = ap;
    ef_.reset();
    auth_verified_ = false;  // the card resets the security state of the application left
    return Done{};
}

CardResult<Done> MyNumberCard::ensure_ef(std::uint16_t fid) {
    if (ef_ == fid) return Done{};
    auto r = send(select_ef(fid));
    if (!r) return r.error();
    if (!r->ok()) {
        ef_.reset();
        return error_for_sw(r->sw, fid_name("SELECT EF", fid));
    }
    ef_ = fid;
    return Done{};
}

// [SECTION] Reading files

CardResult<Bytes> MyNumberCard::read_sized_file(std::uint16_t fid, std::size_t max_size, const char* what) {
    // First READ BINARY: 256 bytes, enough for any TLV header; the header says how much more to read.
    auto first = send(read_binary(0, kShortChunk, false));
    if (!first) return first.error();
    if (!sw_success(first->sw)) return error_for_sw(first->sw, fid_name("READ BINARY", fid));
    Bytes data = std::move(first->data);
    auto header = parse_tlv_header(data);
    if (!header) return make_error(CardFault::Unreadable, std::string(what) + ": " + header.error());
    if (header->total_size() > max_size) {
        return make_error(CardFault::Unreadable, std::string(what) + ": header announces " +
                                                     std::to_string(header->total_size()) +
                                                     " bytes, more than " + std::to_string(max_size));
    }
    const std::size_t total = header->total_size();
    while (data.size() < total) {
        const std::size_t remaining = total - data.size();
        const bool ext = options_.extended_length;
        const std::size_t want = std::min(remaining, ext ? kExtendedChunk : kShortChunk);
        auto r =
            send(read_binary(static_cast<std::uint32_t>(data.size()), static_cast<std::uint32_t>(want), ext));
        if (!r) return r.error();
        if (ext && (r->sw == kSwWrongLength || r->sw == kSwInsNotSupported || r->sw == kSwIncorrectP1P2 ||
                    r->sw == kSwWrongParameters || r->sw == kSwFunctionNotSupported)) {
            options_.extended_length = false;  // this card wants short APDUs: retry in 256-byte chunks
            continue;
        }
        if (!sw_success(r->sw)) return error_for_sw(r->sw, fid_name("READ BINARY", fid));
        if (r->data.empty()) {
            return make_error(CardFault::Unreadable, std::string(what) + ": file ends at " +
                                                         std::to_string(data.size()) +
                                                         " bytes, header says " + std::to_string(total));
        }
        data.insert(data.end(), r->data.begin(), r->data.end());
    }
    data.resize(total);  // drop the padding after the object
    return data;
}

CardResult<CardCertificate> MyNumberCard::read_auth_certificate() {
    const Exclusive exclusive(guard_);
    sync_generation();
    if (auto r = ensure_ap(Ap::Jpki); !r) return r.error();
    if (auto r = ensure_ef(jpki_ef::kAuthCert); !r) return r.error();
    auto der = read_sized_file(jpki_ef::kAuthCert, kMaxCertificateBytes, "user-authentication certificate");
    if (!der && der.fault() == CardFault::Transport && options_.extended_length &&
        !der.error().refused_by_policy) {
        // Some readers fail an extended-length APDU at the transport level instead of answering 6700. The
        // certificate is read first in every flow, so it decides the mode for the rest of the session (the
        // photo is behind 照合番号B and could not be read again without a new VERIFY).
        options_.extended_length = false;
        sync_generation();
        if (auto r = ensure_ap(Ap::Jpki); !r) return r.error();
        if (auto r = ensure_ef(jpki_ef::kAuthCert); !r) return r.error();
        der = read_sized_file(jpki_ef::kAuthCert, kMaxCertificateBytes, "user-authentication certificate");
    }
    if (!der) return der.error();
    if (der->empty() || (*der)[0] != 0x30) {
        return make_error(CardFault::Unreadable, "user-authentication certificate: not a DER SEQUENCE");
    }
    auto cert = parse_certificate(*der);
    if (!cert) return make_error(CardFault::Unreadable, cert.error());
    return std::move(cert).value();
}

// [SECTION] PINs and signature

CardResult<int> MyNumberCard::tries_left(Ap ap, std::uint16_t pin_ef) {
    if (auto r = ensure_ap(ap); !r) return r.error();
    if (auto r = ensure_ef(pin_ef); !r) return r.error();
    auto r = send(verify_status());
    if (!r) return r.error();
    if (auto n = sw_tries_left(r->sw)) return *n;
    if (r->sw == kSwPinBlocked) return 0;
    if (r->ok()) return ap == Ap::Jpki ? kAuthPinMaxTries : kMatchCodeBMaxTries;  // already verified
    return error_for_sw(r->sw, fid_name("VERIFY (status) EF", pin_ef));
}

CardResult<int> MyNumberCard::auth_pin_tries_left() {
    const Exclusive exclusive(guard_);
    return tries_left(Ap::Jpki, jpki_ef::kAuthPin);
}

CardResult<int> MyNumberCard::match_code_b_tries_left() {
    const Exclusive exclusive(guard_);
    return tries_left(Ap::Kenkaku, kenkaku_ef::kMatchCodeB);
}

CardResult<Done> MyNumberCard::verify(Ap ap, std::uint16_t pin_ef, ByteView secret, const char* what) {
    if (auto r = ensure_ap(ap); !r) return r.error();
    if (auto r = ensure_ef(pin_ef); !r) return r.error();
    CommandApdu c = verify_status();
    c.data.assign(secret.begin(), secret.end());
    auto r = send(c);
    secure_wipe(c.data.data(), c.data.size());
    if (!r) return r.error();
    if (r->ok()) return Done{};
    return error_for_sw(r->sw, what);
}

CardResult<Done> MyNumberCard::verify_auth_pin(Pin& pin) {
    const Exclusive exclusive(guard_);
    if (pin.size() != Pin::capacity()) {
        pin.clear();
        return make_error(CardFault::WrongPin, "the PIN must have 4 digits; nothing was sent to the card", 0,
                          -1);
    }
    // Copy into the APDU, wipe the PIN object at once; verify() wipes the APDU after sending.
    std::array<std::uint8_t, Pin::capacity()> digits{};
    std::copy(pin.bytes().begin(), pin.bytes().end(), digits.begin());
    pin.clear();
    auto r = verify(Ap::Jpki, jpki_ef::kAuthPin, digits, "VERIFY user-authentication PIN");
    secure_wipe(digits.data(), digits.size());
    auth_verified_ = r.ok();
    return r;
}

CardResult<Done> MyNumberCard::verify_match_code_b(MatchCodeB& code) {
    const Exclusive exclusive(guard_);
    if (code.size() != MatchCodeB::capacity()) {
        code.clear();
        return make_error(CardFault::WrongPin, "照合番号B must have 14 digits; nothing was sent to the card",
                          0, -1);
    }
    std::array<std::uint8_t, MatchCodeB::capacity()> digits{};
    std::copy(code.bytes().begin(), code.bytes().end(), digits.begin());
    code.clear();
    auto r = verify(Ap::Kenkaku, kenkaku_ef::kMatchCodeB, digits, "VERIFY 照合番号B");
    secure_wipe(digits.data(), digits.size());
    return r;
}

CardResult<Bytes> MyNumberCard::sign_challenge(ByteView challenge) {
    const Exclusive exclusive(guard_);
    sync_generation();
    if (challenge.empty()) return make_error(CardFault::Unreadable, "empty challenge");
    if (ap_ != Ap::Jpki || !auth_verified_) {
        return make_error(CardFault::SecurityNotSatisfied, "signature requested before the PIN was verified");
    }
    if (auto r = ensure_ef(jpki_ef::kAuthKey); !r) return r.error();
    CommandApdu c;
    c.cla = 0x80;
    c.ins = ins::kComputeSignature;
    c.p1 = 0x00;
    c.p2 = 0x80;
    c.data = sha256_digest_info(challenge);
    c.le = 256;
    auto r = send(c);
    if (!r) return r.error();
    if (!r->ok()) return error_for_sw(r->sw, "COMPUTE DIGITAL SIGNATURE");
    if (r->data.size() != 256) {
        return make_error(CardFault::Unreadable, "signature of " + std::to_string(r->data.size()) +
                                                     " bytes, expected 256 (RSA-2048)");
    }
    return std::move(r->data);
}

// [SECTION] Card-face photo

CardResult<FacePhoto> MyNumberCard::read_face_photo() {
    const Exclusive exclusive(guard_);
    if (auto r = ensure_ap(Ap::Kenkaku); !r) return r.error();
    if (auto r = ensure_ef(kenkaku_ef::kEntries); !r) return r.error();
    auto file = read_sized_file(kenkaku_ef::kEntries, kMaxEntriesBytes, "card-face data");
    if (!file) return file.error();
    auto outer = parse_tlv_header(*file);
    if (!outer || outer->tag != kTagEntries) {
        return make_error(CardFault::Unreadable, "card-face data: does not start with tag FF20");
    }
    const ByteView value = ByteView(*file).subspan(outer->header_size, outer->value_size);
    auto items = parse_tlv_sequence(value);
    if (!items) return make_error(CardFault::Unreadable, "card-face data: " + items.error());
    for (const auto& t : *items) {
        if (t.header.tag != kTagFacePhoto) continue;
        auto info = parse_image_header(t.value);
        if (!info) return make_error(CardFault::Unreadable, info.error());
        return FacePhoto{Bytes(t.value.begin(), t.value.end()), *info};
    }
    return make_error(CardFault::NotFound, "card-face data: no face photo (tag DF27)");
}

}  // namespace uk::card
