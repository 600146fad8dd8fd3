#include "kiosk/cardfront/match_code.h"

#include <optional>
#include <vector>

namespace uk::cardfront {

using namespace std::chrono;

// [SECTION] Text normalisation

namespace {

// UTF-8 -> code points; invalid bytes become U+FFFD (they can never match a digit or an era).
std::u32string decode(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int len = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            len = 1;
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07;
        } else {
            out.push_back(U'\uFFFD');
            ++i;
            continue;
        }
        if (i + static_cast<std::size_t>(len) > s.size()) {
            out.push_back(U'\uFFFD');
            break;
        }
        bool ok = true;
        for (int k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((c & 0xC0) != 0x80) ok = false;
            cp = (cp << 6) | (c & 0x3F);
        }
        out.push_back(ok ? cp : U'\uFFFD');
        i += ok ? static_cast<std::size_t>(len) : 1;
    }
    return out;
}

// Full-width digits -> ASCII; all white space (ASCII, ideographic) removed.
std::u32string normalise(std::string_view s) {
    std::u32string in = decode(s), out;
    out.reserve(in.size());
    for (char32_t c : in) {
        if (c >= U'\uFF10' && c <= U'\uFF19') c = U'0' + (c - U'\uFF10');
        if (c == U' ' || c == U'\t' || c == U'\n' || c == U'\r' || c == U'\u3000' || c == U'\f') continue;
        out.push_back(c);
    }
    return out;
}

bool is_digit(char32_t c) {
    return c >= U'0' && c <= U'9';
}

// Reads 1..max_len digits starting at i; returns the value and advances i.
std::optional<int> read_number(const std::u32string& s, std::size_t& i, std::size_t max_len) {
    std::size_t n = 0;
    int v = 0;
    while (i + n < s.size() && is_digit(s[i + n])) {
        if (n == max_len) return std::nullopt;  // too many digits
        v = v * 10 + static_cast<int>(s[i + n] - U'0');
        ++n;
    }
    if (n == 0) return std::nullopt;
    i += n;
    return v;
}

// "M月D日" at i (after 年). Returns month, day.
std::optional<std::pair<unsigned, unsigned>> read_month_day(const std::u32string& s, std::size_t i) {
    auto m = read_number(s, i, 2);
    if (!m || i >= s.size() || s[i] != U'月') return std::nullopt;
    ++i;
    auto d = read_number(s, i, 2);
    if (!d || i >= s.size() || s[i] != U'日') return std::nullopt;
    return std::pair{static_cast<unsigned>(*m), static_cast<unsigned>(*d)};
}

// The era named by up to two characters before the year. Exact names win; otherwise a character that belongs
// to one era only (OCR may garble the other). "和" alone is ambiguous (昭和, 令和).
std::optional<Era> era_before(const std::u32string& s, std::size_t year_pos) {
    struct Name {
        char32_t a, b;
        Era era;
    };
    static constexpr Name kNames[] = {{U'明', U'治', Era::Meiji},
                                      {U'大', U'正', Era::Taisho},
                                      {U'昭', U'和', Era::Showa},
                                      {U'平', U'成', Era::Heisei},
                                      {U'令', U'和', Era::Reiwa}};
    const char32_t c2 = year_pos >= 1 ? s[year_pos - 1] : 0;
    const char32_t c1 = year_pos >= 2 ? s[year_pos - 2] : 0;
    for (const auto& n : kNames) {
        if (c1 == n.a && c2 == n.b) return n.era;
    }
    std::optional<Era> found;
    for (char32_t c : {c1, c2}) {
        if (c == 0 || c == U'和') continue;
        for (const auto& n : kNames) {
            if (c == n.a || c == n.b) {
                if (found && *found != n.era) return std::nullopt;
                found = n.era;
            }
        }
    }
    return found;
}

struct DateHit {
    int year;  // era year, or Gregorian year when !era
    std::optional<Era> era;
    bool era_text;  // the year was written in an era (digits or 元), even if the era name was unreadable
    unsigned month, day;
    std::size_t end;  // index just after 日
};

// Every "<year>年<month>月<day>日" in the text, year being 元 / 1-2 digits (era) or 4 digits (Western).
std::vector<DateHit> find_dates(const std::u32string& s) {
    std::vector<DateHit> hits;
    for (std::size_t k = 0; k < s.size(); ++k) {
        if (s[k] != U'年') continue;
        std::size_t start = k;
        int year = 0;
        bool era_text = false;
        if (k >= 1 && s[k - 1] == U'元') {
            start = k - 1;
            year = 1;
            era_text = true;
        } else {
            while (start > 0 && is_digit(s[start - 1]) && k - start < 5)
                --start;
            const std::size_t n = k - start;
            if (n == 0 || n == 3 || n > 4) continue;
            if (start > 0 && is_digit(s[start - 1])) continue;  // more than four digits
            for (std::size_t j = start; j < k; ++j)
                year = year * 10 + static_cast<int>(s[j] - U'0');
            era_text = n <= 2;
        }
        auto md = read_month_day(s, k + 1);
        if (!md) continue;
        std::size_t end = k + 1;
        while (end < s.size() && s[end] != U'日')
            ++end;
        DateHit h{year,   era_text ? era_before(s, start) : std::nullopt, era_text, md->first, md->second,
                  end + 1};
        hits.push_back(h);
    }
    return hits;
}

std::string two(unsigned v) {
    std::string s(2, '0');
    s[0] = static_cast<char>('0' + (v / 10) % 10);
    s[1] = static_cast<char>('0' + v % 10);
    return s;
}

}  // namespace

void wipe(std::string& s) {
    if (s.capacity() > 0) secure_wipe(s.data(), s.capacity());
    s.clear();
}

FrontText::~FrontText() {
    wipe(birth);
    wipe(expiry);
    wipe(security_code);
}

// [SECTION] Fields

Result<BirthDate> parse_birth_date(std::string_view text) {
    const auto s = normalise(text);
    std::vector<DateHit> era_hits, western_hits;
    for (const auto& h : find_dates(s))
        (h.era_text ? era_hits : western_hits).push_back(h);
    if (era_hits.size() > 1) return Error{"birth date: more than one date was read"};
    if (era_hits.size() == 1) {
        const auto& h = era_hits.front();
        if (!h.era) return Error{"birth date: the era (昭和, 平成, 令和 ...) could not be read"};
        EraDate d{*h.era, h.year, h.month, h.day};
        auto g = to_gregorian(d);
        if (!g) return Error{"birth date: " + g.error()};
        return BirthDate{d, *g, true};
    }
    if (western_hits.size() != 1) {
        return Error{western_hits.empty() ? "birth date: no date was read"
                                          : "birth date: more than one date was read"};
    }
    const auto& h = western_hits.front();
    const year_month_day g{year{h.year}, month{h.month}, day{h.day}};
    if (!g.ok()) return Error{"birth date: the date does not exist in the calendar"};
    auto e = to_era(g);
    if (!e) return Error{"birth date: " + e.error()};
    return BirthDate{*e, g, false};
}

Result<year_month_day> parse_expiry_date(std::string_view text) {
    const auto s = normalise(text);
    std::vector<DateHit> hits;
    for (const auto& h : find_dates(s)) {
        if (!h.era_text) hits.push_back(h);
    }
    if (hits.size() > 1) {
        // The line may catch a second date (the certificate's box below it): the card's own says まで有効.
        std::vector<DateHit> until;
        for (const auto& h : hits) {
            if (h.end < s.size() && s[h.end] == U'ま') until.push_back(h);
        }
        hits = until;
    }
    if (hits.size() != 1) return Error{"expiry date: no single date with a four-digit year was read"};
    const auto& h = hits.front();
    const year_month_day g{year{h.year}, month{h.month}, day{h.day}};
    if (!g.ok()) return Error{"expiry date: the date does not exist in the calendar"};
    return g;
}

Result<SecurityCode> parse_security_code(std::string_view text) {
    const auto s = normalise(text);
    SecurityCode code;
    for (char32_t c : s) {
        if (!is_digit(c) || !code.push(static_cast<char>(c))) {
            code.clear();
            return Error{"security code: not exactly four digits"};
        }
    }
    if (code.size() != 4) {
        code.clear();
        return Error{"security code: not exactly four digits"};
    }
    return code;
}

// [SECTION] Assembly

bool expiry_is_birthday(const BirthDate& birth, year_month_day expiry) {
    // The card is valid until a birthday (29 February: 28 February or 1 March in other years).
    const auto& b = birth.gregorian;
    if (expiry.month() == b.month() && expiry.day() == b.day()) return true;
    const bool leap_day = b.month() == February && b.day() == day{29};
    return leap_day && ((expiry.month() == February && expiry.day() == day{28}) ||
                        (expiry.month() == March && expiry.day() == day{1}));
}

Result<MatchCodeB> make_match_code_b(const BirthDate& birth, year_month_day expiry, const SecurityCode& code,
                                     year_month_day today) {
    if (!birth.gregorian.ok() || !expiry.ok() || !today.ok()) return Error{"not a calendar date"};
    const auto born = sys_days{birth.gregorian};
    if (born > sys_days{today}) return Error{"birth date: in the future"};
    if (birth.gregorian.year() < today.year() - years{130})
        return Error{"birth date: more than 130 years ago"};
    if (sys_days{expiry} <= born) return Error{"expiry date: not after the birth date"};
    if (sys_days{expiry} < sys_days{today}) return Error{"expiry date: the card has expired"};
    if (expiry.year() > today.year() + years{10}) return Error{"expiry date: more than 10 years ahead"};
    const bool birthday = expiry_is_birthday(birth, expiry);
    if (!birthday) return Error{"expiry date: not the birthday printed in the birth date"};
    if (code.size() != 4) return Error{"security code: not exactly four digits"};
    if (birth.era_date.year < 1 || birth.era_date.year > 99)
        return Error{"birth date: era year out of range"};

    MatchCodeB out;
    std::string digits = two(static_cast<unsigned>(birth.era_date.year)) + two(birth.era_date.month) +
                         two(birth.era_date.day) + std::to_string(static_cast<int>(expiry.year()));
    for (char c : digits)
        out.push(c);
    wipe(digits);
    for (auto b : code.bytes())
        out.push(static_cast<char>(b));
    if (out.size() != MatchCodeB::capacity()) {
        out.clear();
        return Error{"照合番号B: not 14 digits"};
    }
    return out;
}

Result<MatchCodeB> parse_front(const FrontText& text, year_month_day today) {
    auto birth = parse_birth_date(text.birth);
    if (!birth) return Error{birth.error()};
    auto expiry = parse_expiry_date(text.expiry);
    if (!expiry) return Error{expiry.error()};
    auto code = parse_security_code(text.security_code);
    if (!code) return Error{code.error()};
    return make_match_code_b(*birth, *expiry, *code, today);
}

}  // namespace uk::cardfront
