#include "kiosk/card/application_guard.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "kiosk/card/apdu.h"
#include "kiosk/card/ids.h"
#include "kiosk/core/secure.h"

namespace uk::card {

namespace {

// [SECTION] Allowed files per application
constexpr std::array kJpkiReadable = {jpki_ef::kAuthCert, jpki_ef::kAuthCaCert};
constexpr std::array kJpkiSelectable = {jpki_ef::kAuthCert, jpki_ef::kAuthCaCert, jpki_ef::kAuthKey,
                                        jpki_ef::kAuthPin};
constexpr std::array kKenkakuReadable = {kenkaku_ef::kEntries};
constexpr std::array kKenkakuSelectable = {kenkaku_ef::kEntries, kenkaku_ef::kMatchCodeB};

template <class A>
bool contains(const A& a, std::uint16_t v) {
    return std::find(a.begin(), a.end(), v) != a.end();
}

std::string fid_hex(std::uint16_t fid) {
    char b[8];
    std::snprintf(b, sizeof b, "%04X", fid);
    return b;
}

}  // namespace

bool ApplicationGuard::aid_allowed(ByteView aid) {
    return equal(aid, kAidJpki) || equal(aid, kAidKenkaku);
}

CardResult<Bytes> ApplicationGuard::refuse(std::string why) {
    ++refused_;
    last_refusal_ = why;
    CardError e = make_error(CardFault::Transport, "refused by the application allow-list: " + why);
    e.refused_by_policy = true;
    return e;
}

std::optional<std::string> ApplicationGuard::check(ByteView command) {
    pending_select_ = false;
    auto parsed = parse_command(command);
    if (!parsed) return "malformed command APDU (" + parsed.error() + ")";
    const CommandApdu& c = *parsed;
    // The parsed copy may hold a PIN (VERIFY data): wipe it whatever the verdict.
    struct Wipe {
        Bytes& b;
        ~Wipe() { secure_wipe(b.data(), b.size()); }
    } wipe{parsed->data};
    switch (c.ins) {
        case ins::kSelect: {
            if (c.cla != 0x00) return "SELECT with CLA other than 00";
            if (c.p2 != 0x0C && c.p2 != 0x00) return "SELECT with an unexpected P2";
            if (c.p1 == 0x04) {
                if (equal(c.data, kAidJpki)) {
                    pending_ap_ = Ap::Jpki;
                } else if (equal(c.data, kAidKenkaku)) {
                    pending_ap_ = Ap::Kenkaku;
                } else {
                    return "SELECT of an application that is not on the allow-list (DF name " +
                           to_hex(c.data) + ")";
                }
                pending_ef_.reset();
                pending_select_ = true;
                return std::nullopt;
            }
            if (c.p1 == 0x02) {
                if (c.data.size() != 2) return "SELECT EF with a file id that is not 2 bytes";
                const auto fid = static_cast<std::uint16_t>(c.data[0] << 8 | c.data[1]);
                const bool ok = (ap_ == Ap::Jpki && contains(kJpkiSelectable, fid)) ||
                                (ap_ == Ap::Kenkaku && contains(kKenkakuSelectable, fid));
                if (!ok)
                    return "SELECT of file " + fid_hex(fid) + " is not allowed in the current application";
                pending_ap_ = ap_;
                pending_ef_ = fid;
                pending_select_ = true;
                return std::nullopt;
            }
            return "SELECT with P1 other than 04 (DF name) or 02 (EF id)";
        }
        case ins::kReadBinary: {
            if (c.cla != 0x00) return "READ BINARY with CLA other than 00";
            if (c.p1 & 0x80) return "READ BINARY by short file id";
            const bool ok = ef_ && ((ap_ == Ap::Jpki && contains(kJpkiReadable, *ef_)) ||
                                    (ap_ == Ap::Kenkaku && contains(kKenkakuReadable, *ef_)));
            if (!ok) return "READ BINARY of a file that is not readable by the kiosk";
            return std::nullopt;
        }
        case ins::kVerify: {
            if (c.cla != 0x00 || c.p1 != 0x00 || c.p2 != 0x80) return "VERIFY with unexpected CLA/P1/P2";
            const bool ok = ef_ && ((ap_ == Ap::Jpki && *ef_ == jpki_ef::kAuthPin) ||
                                    (ap_ == Ap::Kenkaku && *ef_ == kenkaku_ef::kMatchCodeB));
            if (!ok) return "VERIFY against a PIN file that is not allowed";
            return std::nullopt;
        }
        case ins::kComputeSignature: {
            if (c.cla != 0x80 || c.p1 != 0x00 || c.p2 != 0x80)
                return "COMPUTE DIGITAL SIGNATURE with unexpected CLA/P1/P2";
            if (!(ap_ == Ap::Jpki && ef_ == jpki_ef::kAuthKey))
                return "signature with a key other than user-authentication";
            return std::nullopt;
        }
        case ins::kGetResponse:
            if (c.cla != 0x00 || c.p1 != 0 || c.p2 != 0 || !c.data.empty()) return "malformed GET RESPONSE";
            return std::nullopt;
        default: {
            char b[48];
            std::snprintf(b, sizeof b, "instruction %02X is not on the allow-list", c.ins);
            return std::string(b);
        }
    }
}

CardResult<Bytes> ApplicationGuard::transmit(ByteView command) {
    if (inner_.card_generation() != generation_) {  // new card or reset: nothing is selected
        generation_ = inner_.card_generation();
        ap_ = Ap::None;
        ef_.reset();
    }
    if (auto why = check(command)) return refuse(*why);
    const bool selecting = pending_select_;
    auto r = inner_.transmit(command);
    if (inner_.card_generation() != generation_) {
        generation_ = inner_.card_generation();
        ap_ = Ap::None;
        ef_.reset();
        return r;
    }
    if (!r) {
        ap_ = Ap::None;  // unknown state after a transport error
        ef_.reset();
        return r;
    }
    if (selecting) {
        const Bytes& b = *r;
        const bool ok = b.size() >= 2 && b[b.size() - 2] == 0x90 && b[b.size() - 1] == 0x00;
        if (ok) {
            ap_ = pending_ap_;
            ef_ = pending_ef_;
        } else if (!pending_ef_) {
            ap_ = Ap::None;  // a failed application SELECT: assume nothing
            ef_.reset();
        } else {
            ef_.reset();
        }
    }
    return r;
}

}  // namespace uk::card
