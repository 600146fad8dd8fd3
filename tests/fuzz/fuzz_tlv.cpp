// Fuzz target: BER-TLV headers and sequences as read from the card-face file.
#include <cstddef>
#include <cstdint>

#include "kiosk/card/ids.h"
#include "kiosk/card/tlv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace uk::card;
    const ByteView in(data, size);
    if (auto h = parse_tlv_header(in); h && h->header_size <= size) {
        const std::size_t avail = size - h->header_size;
        const ByteView value = in.subspan(h->header_size, h->value_size < avail ? h->value_size : avail);
        (void)parse_tlv_sequence(value);
        (void)find_tlv(value, kTagFacePhoto);
    }
    if (auto seq = parse_tlv_sequence(in)) {
        for (const auto& t : *seq) {
            if (t.value.data() < in.data() || t.value.data() + t.value.size() > in.data() + in.size())
                __builtin_trap();
        }
    }
    return 0;
}
