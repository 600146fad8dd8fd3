#include "kiosk/core/record.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace uk {
namespace {

using nlohmann::json;

// [SECTION] Strict object reader: every access records the key; finish() rejects keys nobody asked for.

struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ObjectReader {
  public:
    ObjectReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) fail(path_.empty() ? "record" : path_, "expected an object");
    }

    const json* optional(const char* key) {
        seen_.insert(key);
        auto it = j_.find(key);
        if (it == j_.end() || it->is_null()) return nullptr;
        return &*it;
    }
    const json& required(const char* key) {
        const json* v = optional(key);
        if (!v) fail(field(key), "is required");
        return *v;
    }
    std::string string(const char* key, std::size_t max_len, bool allow_empty = false) {
        const json& v = required(key);
        if (!v.is_string()) fail(field(key), "expected a string");
        std::string s = v.get<std::string>();
        if (!allow_empty && s.empty()) fail(field(key), "must not be empty");
        if (s.size() > max_len) fail(field(key), "longer than " + std::to_string(max_len) + " bytes");
        return s;
    }
    std::string optional_string(const char* key, std::size_t max_len) {
        if (!optional(key)) return {};
        return string(key, max_len, true);
    }
    double number(const char* key) {
        const json& v = required(key);
        if (!v.is_number()) fail(field(key), "expected a number");
        double d = v.get<double>();
        if (!std::isfinite(d)) fail(field(key), "must be finite");
        return d;
    }
    long long integer(const char* key) {
        const json& v = required(key);
        if (!v.is_number_integer()) fail(field(key), "expected an integer");
        return v.get<long long>();
    }
    bool boolean(const char* key) {
        const json& v = required(key);
        if (!v.is_boolean()) fail(field(key), "expected true or false");
        return v.get<bool>();
    }
    WallTime time(const char* key) {
        std::string s = string(key, 40);
        auto t = parse_rfc3339(s);
        if (!t) fail(field(key), "expected an RFC 3339 UTC time like 2026-11-25T01:30:00.000Z");
        return *t;
    }
    std::string field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

    void finish() const {
        for (auto it = j_.begin(); it != j_.end(); ++it)
            if (!seen_.contains(it.key())) fail(field(it.key().c_str()), "unknown field");
    }

    [[noreturn]] static void fail(const std::string& where, const std::string& what) {
        throw ParseError(where + ": " + what);
    }

  private:
    const json& j_;
    std::string path_;
    std::set<std::string, std::less<>> seen_;
};

bool is_lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return !s.empty();
}

bool is_token(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
              c == '_' || c == '.'))
            return false;
    return !s.empty();
}

bool is_base64(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                  c == '/' || (c == '=' && i + 2 >= s.size());
        if (!ok) return false;
    }
    return true;
}

template <class E>
E enum_field(ObjectReader& r, const char* key, std::optional<E> (*parse)(std::string_view),
             const char* allowed) {
    std::string s = r.string(key, 32);
    auto v = parse(s);
    if (!v) ObjectReader::fail(r.field(key), "\"" + s + "\" is not one of " + allowed);
    return *v;
}

// [SECTION] Record <-> JSON

CheckinRecord read_record(const json& j) {
    ObjectReader r(j, "");
    CheckinRecord rec;
    if (r.integer("schema") != kRecordSchemaVersion)
        ObjectReader::fail(
            "schema", "unsupported version (this build reads " + std::to_string(kRecordSchemaVersion) + ")");
    rec.record_id = r.string("record_id", 36);
    if (!is_uuid(rec.record_id)) ObjectReader::fail("record_id", "expected a lowercase UUID");
    rec.facility_code = r.string("facility_code", 10);
    if (!is_valid_facility_code(rec.facility_code)) ObjectReader::fail("facility_code", "expected 10 digits");
    rec.facility_type = enum_field<FacilityType>(r, "facility_type", parse_facility_type,
                                                 "clinic, hospital, dental_clinic, pharmacy");
    rec.kiosk_id = r.string("kiosk_id", 64);
    if (!is_token(rec.kiosk_id)) ObjectReader::fail("kiosk_id", "use letters, digits, '-', '_' or '.'");
    rec.started_at = r.time("started_at");
    rec.completed_at = r.time("completed_at");
    if (rec.completed_at < rec.started_at) ObjectReader::fail("completed_at", "is before started_at");
    rec.language = r.string("language", 16);
    if (!is_token(rec.language))
        ObjectReader::fail("language", "expected a language tag such as ja or pt-BR");
    long long ticket = r.integer("kiosk_ticket");
    if (ticket < 0 || ticket > 9999) ObjectReader::fail("kiosk_ticket", "must be 0..9999");
    rec.kiosk_ticket = static_cast<int>(ticket);

    {
        ObjectReader v(r.required("verification"), "verification");
        rec.verification.method =
            enum_field<VerificationMethod>(v, "method", parse_verification_method, "face, pin, staff_visual");
        if (const json* f = v.optional("face")) {
            ObjectReader fr(*f, "verification.face");
            FaceEvidence e;
            e.distance = fr.number("distance");
            e.threshold = fr.number("threshold");
            if (e.distance < 0) ObjectReader::fail("verification.face.distance", "must not be negative");
            if (e.threshold <= 0) ObjectReader::fail("verification.face.threshold", "must be positive");
            e.model = fr.string("model", 64);
            e.liveness_passed = fr.boolean("liveness_passed");
            e.liveness_challenge = fr.optional_string("liveness_challenge", 64);
            fr.finish();
            rec.verification.face = e;
        }
        if (const json* p = v.optional("pin")) {
            ObjectReader pr(*p, "verification.pin");
            PinEvidence e;
            e.challenge_id = pr.string("challenge_id", 64);
            e.signature = pr.string("signature", 1024);
            if (!is_base64(e.signature)) ObjectReader::fail("verification.pin.signature", "expected base64");
            pr.finish();
            rec.verification.pin = e;
        }
        if (const json* s = v.optional("staff")) {
            ObjectReader sr(*s, "verification.staff");
            rec.verification.staff = StaffEvidence{sr.string("staff_id", 64)};
            sr.finish();
        }
        v.finish();
        const auto& ver = rec.verification;
        switch (ver.method) {
            case VerificationMethod::Face:
                if (!ver.face) ObjectReader::fail("verification.face", "is required when method is face");
                if (!ver.face->liveness_passed)
                    ObjectReader::fail("verification.face.liveness_passed",
                                       "must be true for a completed check-in");
                if (ver.face->distance > ver.face->threshold)
                    ObjectReader::fail("verification.face.distance", "is above the threshold: not a match");
                break;
            case VerificationMethod::Pin:
                if (!ver.pin) ObjectReader::fail("verification.pin", "is required when method is pin");
                break;
            case VerificationMethod::StaffVisual:
                if (!ver.staff)
                    ObjectReader::fail("verification.staff", "is required when method is staff_visual");
                break;
        }
        if ((ver.face && ver.method != VerificationMethod::Face) ||
            (ver.pin && ver.method != VerificationMethod::Pin) ||
            (ver.staff && ver.method != VerificationMethod::StaffVisual))
            ObjectReader::fail("verification", "holds evidence for another method than \"" +
                                                   std::string(to_string(ver.method)) + "\"");
    }

    {
        const json& c = r.required("consents");
        if (!c.is_object()) ObjectReader::fail("consents", "expected an object of item: agreed|refused");
        for (auto it = c.begin(); it != c.end(); ++it) {
            std::string path = "consents." + it.key();
            auto item = parse_consent_item(it.key());
            if (!item) ObjectReader::fail(path, "unknown consent item");
            if (!it->is_string()) ObjectReader::fail(path, "expected \"agreed\" or \"refused\"");
            auto answer = parse_consent_answer(it->get<std::string>());
            if (!answer) ObjectReader::fail(path, "expected \"agreed\" or \"refused\"");
            rec.consents.push_back({*item, *answer});
        }
        // JSON objects carry no order; the record keeps consents in the policy's display order.
        std::sort(rec.consents.begin(), rec.consents.end(),
                  [](const ConsentEntry& a, const ConsentEntry& b) { return a.item < b.item; });
    }

    if (const json* c = r.optional("certificate")) {
        ObjectReader cr(*c, "certificate");
        CertificateRef ref;
        ref.serial_hex = cr.string("serial", 64);
        if (!is_lower_hex(ref.serial_hex)) ObjectReader::fail("certificate.serial", "expected lowercase hex");
        ref.issuer = cr.string("issuer", 512);
        ref.not_after = cr.string("not_after", 40);
        if (!parse_rfc3339(ref.not_after))
            ObjectReader::fail("certificate.not_after", "expected an RFC 3339 UTC time");
        cr.finish();
        rec.certificate = ref;
    } else if (rec.verification.method == VerificationMethod::Pin) {
        ObjectReader::fail("certificate",
                           "is required when method is pin (the signature is checked against it)");
    }

    {
        ObjectReader q(r.required("qualification"), "qualification");
        rec.qualification.status = enum_field<QualificationStatus>(q, "status", parse_qualification_status,
                                                                   "pending, valid, invalid");
        rec.qualification.reason = q.optional_string("reason", 512);
        rec.qualification.checked_at = q.optional_string("checked_at", 40);
        if (!rec.qualification.checked_at.empty() && !parse_rfc3339(rec.qualification.checked_at))
            ObjectReader::fail("qualification.checked_at", "expected an RFC 3339 UTC time");
        q.finish();
    }
    r.finish();
    return rec;
}

}  // namespace

json to_json(const CheckinRecord& r) {
    json j;
    j["schema"] = kRecordSchemaVersion;
    j["record_id"] = r.record_id;
    j["facility_code"] = r.facility_code;
    j["facility_type"] = to_string(r.facility_type);
    j["kiosk_id"] = r.kiosk_id;
    j["started_at"] = format_rfc3339(r.started_at);
    j["completed_at"] = format_rfc3339(r.completed_at);
    j["language"] = r.language;
    j["kiosk_ticket"] = r.kiosk_ticket;
    json v;
    v["method"] = to_string(r.verification.method);
    if (const auto& f = r.verification.face) {
        v["face"] = {{"distance", f->distance},
                     {"threshold", f->threshold},
                     {"model", f->model},
                     {"liveness_passed", f->liveness_passed}};
        if (!f->liveness_challenge.empty()) v["face"]["liveness_challenge"] = f->liveness_challenge;
    }
    if (const auto& p = r.verification.pin)
        v["pin"] = {{"challenge_id", p->challenge_id}, {"signature", p->signature}};
    if (const auto& s = r.verification.staff) v["staff"] = {{"staff_id", s->staff_id}};
    j["verification"] = v;
    json c = json::object();
    for (const auto& e : r.consents)
        c[std::string(to_string(e.item))] = to_string(e.answer);
    j["consents"] = c;
    if (const auto& cert = r.certificate)
        j["certificate"] = {
            {"serial", cert->serial_hex}, {"issuer", cert->issuer}, {"not_after", cert->not_after}};
    json q;
    q["status"] = to_string(r.qualification.status);
    if (!r.qualification.reason.empty()) q["reason"] = r.qualification.reason;
    if (!r.qualification.checked_at.empty()) q["checked_at"] = r.qualification.checked_at;
    j["qualification"] = q;
    return j;
}

std::string to_json_string(const CheckinRecord& r) {
    return to_json(r).dump();
}

Result<CheckinRecord> record_from_json(const json& j) {
    try {
        return read_record(j);
    } catch (const ParseError& e) {
        return Error{e.what()};
    }
}

Result<CheckinRecord> parse_checkin_record(std::string_view text) {
    if (text.size() > kMaxRecordJsonBytes)
        return Error{"record: larger than " + std::to_string(kMaxRecordJsonBytes) + " bytes"};
    // Every string of the record is shown to staff and written back out: reject bytes that are not UTF-8
    // here, before they can make a later dump() throw.
    if (auto bad = first_invalid_utf8(text); bad != std::string_view::npos)
        return Error{"record: invalid UTF-8 at byte " + std::to_string(bad)};
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return Error{std::string("record: malformed JSON (") + e.what() + ")"};
    }
    return record_from_json(j);
}

// [SECTION] Time and ids

std::string format_rfc3339(WallTime t) {
    using namespace std::chrono;
    auto ms = floor<milliseconds>(t);
    auto days = floor<std::chrono::days>(ms);
    year_month_day ymd{days};
    hh_mm_ss hms{ms - days};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

std::optional<WallTime> parse_rfc3339(std::string_view s) {
    using namespace std::chrono;
    // YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z
    auto digits = [&](std::size_t pos, std::size_t n, int& out) {
        if (pos + n > s.size()) return false;
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    int Y, M, D, h, m, sec;
    if (s.size() < 20 || !digits(0, 4, Y) || s[4] != '-' || !digits(5, 2, M) || s[7] != '-' ||
        !digits(8, 2, D) || s[10] != 'T' || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, m) ||
        s[16] != ':' || !digits(17, 2, sec))
        return std::nullopt;
    std::size_t pos = 19;
    long long nanos = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        long long scale = 100000000;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (pos - start >= 9) return std::nullopt;
            nanos += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
    year_month_day ymd{year{Y}, month{static_cast<unsigned>(M)}, day{static_cast<unsigned>(D)}};
    if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return std::nullopt;
    auto tp = sys_days{ymd} + hours{h} + minutes{m} + seconds{sec} + nanoseconds{nanos};
    return time_point_cast<WallTime::duration>(tp);
}

std::size_t first_invalid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) return i;
        std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return i;
        i += len;
    }
    return std::string_view::npos;
}

std::string uuid_v4_from_bytes(const unsigned char (&in)[16]) {
    unsigned char b[16];
    for (int i = 0; i < 16; ++i)
        b[i] = in[i];
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
        s.push_back(kHex[b[i] >> 4]);
        s.push_back(kHex[b[i] & 0x0F]);
    }
    return s;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace uk
