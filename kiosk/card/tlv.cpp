#include "kiosk/card/tlv.h"

namespace uk::card {

Result<TlvHeader> parse_tlv_header(ByteView b) {
    TlvHeader h;
    std::size_t i = 0;
    if (b.empty()) return Error{"TLV: empty input"};
    const std::uint8_t first = b[i++];
    h.constructed = (first & 0x20) != 0;
    std::uint32_t tag = first;
    if ((first & 0x1F) == 0x1F) {  // multi-byte tag
        int extra = 0;
        while (true) {
            if (i >= b.size()) return Error{"TLV: truncated tag"};
            const std::uint8_t t = b[i++];
            tag = tag << 8 | t;
            if (++extra > 2) return Error{"TLV: tag longer than 3 bytes"};
            if ((t & 0x80) == 0) break;
        }
    }
    h.tag = tag;
    if (i >= b.size()) return Error{"TLV: missing length"};
    const std::uint8_t l0 = b[i++];
    if (l0 < 0x80) {
        h.value_size = l0;
    } else if (l0 == 0x80) {
        return Error{"TLV: indefinite length not allowed"};
    } else {
        const int n = l0 & 0x7F;
        if (n > 4) return Error{"TLV: length field longer than 4 bytes"};
        std::size_t len = 0;
        for (int k = 0; k < n; ++k) {
            if (i >= b.size()) return Error{"TLV: truncated length"};
            len = len << 8 | b[i++];
        }
        h.value_size = len;
    }
    h.header_size = i;
    return h;
}

Result<std::vector<Tlv>> parse_tlv_sequence(ByteView b) {
    std::vector<Tlv> out;
    std::size_t pos = 0;
    while (pos < b.size()) {
        if (b[pos] == 0x00 || b[pos] == 0xFF) {
            // Padding: only when the rest is padding too (FF is also the first byte of tags such as FF20).
            bool all_pad = true;
            for (std::size_t k = pos; k < b.size(); ++k) {
                if (b[k] != 0x00 && b[k] != 0xFF) {
                    all_pad = false;
                    break;
                }
            }
            if (all_pad) break;
        }
        auto h = parse_tlv_header(b.subspan(pos));
        if (!h) return Error{h.error()};
        if (h->value_size > b.size() - pos - h->header_size) {
            return Error{"TLV: value of tag " + std::to_string(h->tag) + " runs past the end of the data"};
        }
        out.push_back(Tlv{*h, b.subspan(pos + h->header_size, h->value_size)});
        pos += h->total_size();
    }
    return out;
}

std::optional<ByteView> find_tlv(ByteView sequence, std::uint32_t tag) {
    auto items = parse_tlv_sequence(sequence);
    if (!items) return std::nullopt;
    for (const auto& t : *items) {
        if (t.header.tag == tag) return t.value;
    }
    return std::nullopt;
}

}  // namespace uk::card
