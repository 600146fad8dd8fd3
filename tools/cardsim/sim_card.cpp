#include "tools/cardsim/sim_card.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <thread>

#include "kiosk/card/ids.h"
#include "kiosk/card/status_words.h"

namespace uk::cardsim {

using namespace uk::card;

namespace {

constexpr std::size_t kCertFileSize = 2048;       // fixed-size certificate files, FF after the DER
constexpr std::size_t kMaxFrameData = 65535 - 2;  // vpcd frames carry at most 65535 bytes

void put_tlv(Bytes& out, std::uint16_t tag, ByteView value) {
    if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
    out.push_back(static_cast<std::uint8_t>(tag & 0xFF));
    const std::size_t n = value.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n <= 0xFF) {
        out.push_back(0x81);
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(0x82);
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n & 0xFF));
    }
    out.insert(out.end(), value.begin(), value.end());
}

Bytes padded(ByteView content, std::size_t min_size) {
    Bytes b(content.begin(), content.end());
    const std::size_t size = std::max(min_size, (b.size() + 255) / 256 * 256);
    b.resize(size, 0xFF);
    return b;
}

bool digits_only(ByteView b) {
    return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c >= '0' && c <= '9'; });
}

}  // namespace

// [SECTION] Card-face file

Bytes build_card_face_file(const Identity& id) {
    Bytes inner;
    const std::string birth =
        id.birth_date.size() == 10
            ? id.birth_date.substr(0, 4) + id.birth_date.substr(5, 2) + id.birth_date.substr(8, 2)
            : id.birth_date;
    const std::string expiry =
        std::to_string(id.card_expiry_year) + (birth.size() == 8 ? birth.substr(4) : "0101");
    // DF21: offsets of the items (kept as a header as on the card; values are informative here).
    const Bytes offsets = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    put_tlv(inner, 0xDF21, offsets);
    put_tlv(inner, 0xDF22, bytes_of(birth));
    put_tlv(inner, 0xDF23, bytes_of(id.sex));
    if (id.face_jp2) put_tlv(inner, 0xDF27, *id.face_jp2);
    put_tlv(inner, 0xDF29, bytes_of(expiry));
    Bytes file;
    put_tlv(file, 0xFF20, inner);
    return file;
}

// [SECTION] File system and state

SimulatedCard::SimulatedCard(Identity identity, Faults faults)
    : id_(std::move(identity)), faults_(std::move(faults)) {
    jpki_[jpki_ef::kSignCert] =
        File{Kind::Binary, padded(id_.sign_cert, kCertFileSize), PinId::Sign, PinId::None};
    jpki_[jpki_ef::kSignCaCert] =
        File{Kind::Binary, padded(id_.sign_ca_cert, kCertFileSize), PinId::None, PinId::None};
    jpki_[jpki_ef::kAuthCert] =
        File{Kind::Binary, padded(id_.auth_cert, kCertFileSize), PinId::None, PinId::None};
    jpki_[jpki_ef::kAuthCaCert] =
        File{Kind::Binary, padded(id_.auth_ca_cert, kCertFileSize), PinId::None, PinId::None};
    jpki_[jpki_ef::kAuthKey] = File{Kind::Key, {}, PinId::None, PinId::Auth};
    jpki_[jpki_ef::kAuthPin] = File{Kind::Pin, {}, PinId::None, PinId::Auth};
    jpki_[jpki_ef::kSignKey] = File{Kind::Key, {}, PinId::None, PinId::Sign};
    jpki_[jpki_ef::kSignPin] = File{Kind::Pin, {}, PinId::None, PinId::Sign};
    kenkaku_[kenkaku_ef::kEntries] =
        File{Kind::Binary, padded(build_card_face_file(id_), 0), PinId::MatchB, PinId::None};
    kenkaku_[kenkaku_ef::kMatchCodeB] = File{Kind::Pin, {}, PinId::None, PinId::MatchB};
}

Bytes SimulatedCard::atr() const {
    return Bytes(kMyNumberAtr.begin(), kMyNumberAtr.end());
}

void SimulatedCard::reset() {
    ap_ = Ap::None;
    ef_.reset();
    std::fill(std::begin(verified_), std::end(verified_), false);
    pending_.clear();
}

int& SimulatedCard::counter(PinId p) {
    switch (p) {
        case PinId::Auth:
            return id_.counters.auth_pin_tries_left;
        case PinId::Sign:
            return id_.counters.sign_pin_tries_left;
        default:
            return id_.counters.match_code_b_tries_left;
    }
}

const std::string& SimulatedCard::secret(PinId p) const {
    switch (p) {
        case PinId::Auth:
            return id_.pin;
        case PinId::Sign:
            return id_.sign_password;
        default:
            return id_.match_code_b;
    }
}

int SimulatedCard::max_tries(PinId p) const {
    switch (p) {
        case PinId::Auth:
            return kAuthPinMaxTries;
        case PinId::Sign:
            return kSignPinMaxTries;
        default:
            return kMatchCodeBMaxTries;
    }
}

void SimulatedCard::persist() {
    (void)save_counters(id_);  // a read-only data folder only loses persistence, never the answer
}

const SimulatedCard::File* SimulatedCard::find(Ap ap, std::uint16_t fid) const {
    const auto* files = ap == Ap::Jpki ? &jpki_ : ap == Ap::Kenkaku ? &kenkaku_ : nullptr;
    if (files == nullptr) return nullptr;
    auto it = files->find(fid);
    return it == files->end() ? nullptr : &it->second;
}

Bytes SimulatedCard::respond(Bytes data, std::uint16_t sw) {
    if (faults_.t0_get_response && !data.empty()) {
        pending_ = std::move(data);
        pending_sw_ = sw;
        const std::size_t n = std::min<std::size_t>(pending_.size(), 256);
        return encode_response({}, static_cast<std::uint16_t>(0x6100 | (n == 256 ? 0 : n)));
    }
    if (data.size() > kMaxFrameData) data.resize(kMaxFrameData);
    return encode_response(data, sw);
}

// [SECTION] Dispatch and fault injection

Bytes SimulatedCard::process(ByteView command) {
    const std::size_t index = apdus_++;
    if (faults_.delay.count() > 0) std::this_thread::sleep_for(faults_.delay);
    Bytes out;
    auto parsed = parse_command(command);
    if (!parsed) {
        out = encode_response({}, kSwWrongLength);
    } else if (parsed->extended && faults_.no_extended) {
        out = encode_response({}, kSwWrongLength);
    } else if (auto f = faults_.force_sw.find(parsed->ins); f != faults_.force_sw.end()) {
        out = encode_response({}, f->second);
    } else {
        out = handle(*parsed);
        if (parsed->ins == ins::kVerify) OPENSSL_cleanse(parsed->data.data(), parsed->data.size());
    }
    if (faults_.truncate_from && index >= *faults_.truncate_from && !out.empty()) out.resize(1);
    if (faults_.garbage_from && index >= *faults_.garbage_from) {
        const std::size_t n = 1 + (noise_ % 7);
        out.clear();
        for (std::size_t i = 0; i < n; ++i) {
            noise_ ^= noise_ << 13;
            noise_ ^= noise_ >> 17;
            noise_ ^= noise_ << 5;
            out.push_back(static_cast<std::uint8_t>(noise_));
        }
        if (n >= 2) out[n - 2] = 0x6F;  // never a valid 9000 by accident
    }
    return out;
}

Bytes SimulatedCard::handle(const CommandApdu& c) {
    if (c.ins != ins::kGetResponse) pending_.clear();
    if (c.cla != 0x00 && c.cla != 0x80) return encode_response({}, kSwClaNotSupported);
    switch (c.ins) {
        case ins::kSelect:
            return select(c);
        case ins::kReadBinary:
            return read_binary(c);
        case ins::kVerify:
            return verify(c);
        case ins::kComputeSignature:
            return sign(c);
        case ins::kGetResponse:
            return get_response(c);
        default:
            return encode_response({}, kSwInsNotSupported);
    }
}

// [SECTION] Commands

Bytes SimulatedCard::select(const CommandApdu& c) {
    if (c.cla != 0x00) return encode_response({}, kSwClaNotSupported);
    if (c.p2 != 0x0C && c.p2 != 0x00) return encode_response({}, kSwIncorrectP1P2);
    if (c.p1 == 0x04) {
        Ap next = Ap::None;
        if (equal(c.data, kAidJpki)) next = Ap::Jpki;
        if (equal(c.data, kAidKenkaku)) next = Ap::Kenkaku;
        if (equal(c.data, kAidKenhojoForbidden)) next = Ap::Kenhojo;
        if (equal(c.data, kAidJukiForbidden)) next = Ap::Juki;
        if (next == Ap::None) return encode_response({}, kSwFileNotFound);
        if (next == Ap::Kenhojo || next == Ap::Juki) ++forbidden_selects_;
        ap_ = next;
        ef_.reset();
        std::fill(std::begin(verified_), std::end(verified_), false);  // security state belongs to the AP
        return encode_response({}, kSwOk);
    }
    if (c.p1 == 0x00) {
        if (c.data.empty() || (c.data.size() == 2 && c.data[0] == 0x3F && c.data[1] == 0x00)) {
            ap_ = Ap::Mf;
            ef_.reset();
            std::fill(std::begin(verified_), std::end(verified_), false);
            return encode_response({}, kSwOk);
        }
        return encode_response({}, kSwFileNotFound);
    }
    if (c.p1 == 0x02) {
        if (c.data.size() != 2) return encode_response({}, kSwWrongLength);
        const auto fid = static_cast<std::uint16_t>(c.data[0] << 8 | c.data[1]);
        if (find(ap_, fid) == nullptr) return encode_response({}, kSwFileNotFound);
        ef_ = fid;
        return encode_response({}, kSwOk);
    }
    return encode_response({}, kSwIncorrectP1P2);
}

Bytes SimulatedCard::read_binary(const CommandApdu& c) {
    if (c.cla != 0x00) return encode_response({}, kSwClaNotSupported);
    std::uint32_t offset = 0;
    if (c.p1 & 0x80) {  // short EF id in P1, offset in P2
        const std::uint16_t sfi = c.p1 & 0x1F;
        if (find(ap_, sfi) == nullptr) return encode_response({}, kSwFileNotFound);
        ef_ = sfi;
        offset = c.p2;
    } else {
        offset = static_cast<std::uint32_t>(c.p1 << 8 | c.p2);
    }
    if (!ef_) return encode_response({}, 0x6986);
    const File* f = find(ap_, *ef_);
    if (f == nullptr) return encode_response({}, 0x6986);
    if (f->kind != Kind::Binary) return encode_response({}, 0x6981);
    if (f->read_needs != PinId::None && !verified_[static_cast<int>(f->read_needs)]) {
        return encode_response({}, kSwSecurityNotSatisfied);
    }
    if (offset > f->content.size()) return encode_response({}, kSwWrongParameters);
    const std::size_t want = c.le ? *c.le : 256;
    const std::size_t available = f->content.size() - offset;
    const std::size_t n = std::min({want, available, kMaxFrameData});
    Bytes data(f->content.begin() + offset, f->content.begin() + static_cast<std::ptrdiff_t>(offset + n));
    return respond(std::move(data), n < want && n == available ? kSwEndOfFile : kSwOk);
}

Bytes SimulatedCard::verify(const CommandApdu& c) {
    if (c.p1 != 0x00 || c.p2 != 0x80) return encode_response({}, kSwIncorrectP1P2);
    if (!ef_) return encode_response({}, 0x6986);
    const File* f = find(ap_, *ef_);
    if (f == nullptr || f->kind != Kind::Pin) return encode_response({}, 0x6981);
    const PinId p = f->pin;
    int& tries = counter(p);
    bool& verified = verified_[static_cast<int>(p)];
    if (c.data.empty()) {  // status query: spends nothing
        if (tries <= 0) return encode_response({}, kSwPinBlocked);
        if (verified) return encode_response({}, kSwOk);
        return encode_response({}, static_cast<std::uint16_t>(0x63C0 | tries));
    }
    if (tries <= 0) return encode_response({}, kSwPinBlocked);
    const std::string& want = secret(p);
    const bool shape_ok = p == PinId::Sign ? (c.data.size() >= 6 && c.data.size() <= 16)
                                           : (c.data.size() == want.size() && digits_only(c.data));
    if (!shape_ok) return encode_response({}, kSwWrongLength);
    const bool match =
        c.data.size() == want.size() && CRYPTO_memcmp(c.data.data(), want.data(), want.size()) == 0;
    if (match) {
        tries = max_tries(p);
        verified = true;
        persist();
        return encode_response({}, kSwOk);
    }
    tries = std::max(0, tries - 1);
    verified = false;
    persist();
    return encode_response({}, static_cast<std::uint16_t>(0x63C0 | tries));
}

Bytes SimulatedCard::sign(const CommandApdu& c) {
    if (c.cla != 0x80) return encode_response({}, kSwClaNotSupported);
    if (c.p1 != 0x00 || c.p2 != 0x80) return encode_response({}, kSwIncorrectP1P2);
    if (!ef_) return encode_response({}, 0x6986);
    const File* f = find(ap_, *ef_);
    if (f == nullptr || f->kind != Kind::Key) return encode_response({}, 0x6981);
    if (!verified_[static_cast<int>(f->pin)]) return encode_response({}, kSwSecurityNotSatisfied);
    EVP_PKEY* key = (f->pin == PinId::Auth ? id_.auth_key : id_.sign_key).get();
    if (c.data.empty() || c.data.size() > 245) return encode_response({}, kSwWrongLength);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
    Bytes sig(256);
    std::size_t len = sig.size();
    const bool ok = ctx != nullptr && EVP_PKEY_sign_init(ctx) == 1 &&
                    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
                    EVP_PKEY_sign(ctx, sig.data(), &len, c.data.data(), c.data.size()) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return encode_response({}, kSwNoPreciseDiagnosis);
    sig.resize(len);
    return respond(std::move(sig), kSwOk);
}

Bytes SimulatedCard::get_response(const CommandApdu& c) {
    if (pending_.empty()) return encode_response({}, kSwConditionsNotSatisfied);
    const std::size_t want = c.le ? *c.le : 256;
    const std::size_t n = std::min(want, pending_.size());
    Bytes part(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    if (pending_.empty()) return encode_response(part, pending_sw_);
    const std::size_t next = std::min<std::size_t>(pending_.size(), 256);
    return encode_response(part, static_cast<std::uint16_t>(0x6100 | (next == 256 ? 0 : next)));
}

}  // namespace uk::cardsim
