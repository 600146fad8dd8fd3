// APDU codec, status words, TLV, image header, certificate parser, channel (61xx/6Cxx) and the allow-list
// guard, each against the rules it must enforce.
#include <gtest/gtest.h>

#include "kiosk/card/apdu.h"
#include "kiosk/card/application_guard.h"
#include "kiosk/card/certificate.h"
#include "kiosk/card/channel.h"
#include "kiosk/card/ids.h"
#include "kiosk/card/image_header.h"
#include "kiosk/card/status_words.h"
#include "kiosk/card/tlv.h"

namespace uk::card {
namespace {

Bytes hex(std::string_view s) {
    auto b = from_hex(s);
    EXPECT_TRUE(b.has_value()) << s;
    return b.value_or(Bytes{});
}

// [SECTION] APDU codec

TEST(Apdu, ShortCasesEncodeAsIso7816Says) {
    EXPECT_EQ(to_hex(select_aid(kAidJpki).encode()), "00a4040c0ad392f000260100000001");
    EXPECT_EQ(to_hex(select_ef(0x000A).encode()), "00a4020c02000a");
    EXPECT_EQ(to_hex(read_binary(0x0100, 256, false).encode()), "00b0010000");
    EXPECT_EQ(to_hex(verify_status().encode()), "00200080");
}

TEST(Apdu, ExtendedLengthEncodingForLargeLe) {
    EXPECT_EQ(to_hex(read_binary(0x0100, 0x0290, true).encode()), "00b00100000290");
    EXPECT_EQ(to_hex(read_binary(0, 65536, true).encode()), "00b00000000000");
}

TEST(Apdu, ParseRoundTripsEveryCase) {
    for (const char* h : {"00200080", "00b0000010", "00a4020c02000a", "802a0080040102030400",
                          "00b00100000290", "00a4040c000003aabbcc", "802a0080000003aabbcc0100"}) {
        auto c = parse_command(hex(h));
        ASSERT_TRUE(c.ok()) << h << ": " << c.error();
        EXPECT_EQ(to_hex(c->encode()), h);
    }
}

struct BadBytes {
    const char* name;
    const char* hex;
};

class MalformedCommand : public ::testing::TestWithParam<BadBytes> {};
TEST_P(MalformedCommand, IsRejected) {
    EXPECT_FALSE(parse_command(hex(GetParam().hex)).ok());
}
INSTANTIATE_TEST_SUITE_P(Rows, MalformedCommand,
                         ::testing::Values(BadBytes{"HeaderTooShort", "00a404"},
                                           BadBytes{"LcLongerThanData", "00a4040c0ad392f0"},
                                           BadBytes{"TrailingBytes", "00a4020c02000a0000"},
                                           BadBytes{"ExtendedTruncated", "00b000000001"},
                                           BadBytes{"ExtendedLcMismatch", "00a4040c000005aabb"}),
                         [](const auto& row) { return std::string(row.param.name); });

TEST(Apdu, DescribeNeverShowsVerifyData) {
    CommandApdu c = verify_status();
    c.data = bytes_of("1234");
    const std::string s = describe(c);
    EXPECT_EQ(s.find("31323334"), std::string::npos);
    EXPECT_NE(s.find("redacted"), std::string::npos);
}

TEST(Apdu, ResponseNeedsTwoBytes) {
    EXPECT_FALSE(parse_response(hex("90")).ok());
    auto r = parse_response(hex("01029000"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->sw, 0x9000);
    EXPECT_EQ(r->data, hex("0102"));
}

// [SECTION] Status words

TEST(StatusWords, MapToTheFaultsTheFlowUnderstands) {
    EXPECT_EQ(error_for_sw(0x63C2, "x").fault, CardFault::WrongPin);
    EXPECT_EQ(error_for_sw(0x63C2, "x").tries_left, 2);
    EXPECT_EQ(error_for_sw(0x63C0, "x").fault, CardFault::PinBlocked);
    EXPECT_EQ(error_for_sw(0x6983, "x").fault, CardFault::PinBlocked);
    EXPECT_EQ(error_for_sw(0x6983, "x").tries_left, 0);
    EXPECT_EQ(error_for_sw(0x6982, "x").fault, CardFault::SecurityNotSatisfied);
    EXPECT_EQ(error_for_sw(0x6A82, "x").fault, CardFault::NotFound);
    EXPECT_EQ(error_for_sw(0x6A86, "x").fault, CardFault::NotFound);
    for (std::uint16_t sw : {0x6700, 0x6B00, 0x6D00, 0x6E00, 0x6F00, 0x1234}) {
        EXPECT_EQ(error_for_sw(sw, "x").fault, CardFault::Unreadable) << std::hex << sw;
    }
    EXPECT_NE(error_for_sw(0x6A82, "SELECT EF 000A").message.find("6A82"), std::string::npos);
}

// [SECTION] TLV

TEST(Tlv, SizesADerCertificateFromItsFirstFourBytes) {
    auto h = parse_tlv_header(hex("3082038a"));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->tag, 0x30u);
    EXPECT_TRUE(h->constructed);
    EXPECT_EQ(h->total_size(), 0x38Au + 4);
}

TEST(Tlv, ReadsTwoByteTagsOfTheCardFaceFile) {
    auto h = parse_tlv_header(hex("ff208203e8"));
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->tag, 0xFF20u);
    EXPECT_EQ(h->value_size, 1000u);
    const Bytes file = hex("df2102aabbdf2781020102ffff");
    auto seq = parse_tlv_sequence(file);
    ASSERT_TRUE(seq.ok()) << seq.error();
    ASSERT_EQ(seq->size(), 2u);
    EXPECT_EQ((*seq)[1].header.tag, 0xDF27u);
    EXPECT_EQ(to_hex((*seq)[1].value), "0102");
}

class MalformedTlv : public ::testing::TestWithParam<BadBytes> {};
TEST_P(MalformedTlv, IsRejected) {
    EXPECT_FALSE(parse_tlv_sequence(hex(GetParam().hex)).ok());
}
INSTANTIATE_TEST_SUITE_P(
    Rows, MalformedTlv,
    ::testing::Values(BadBytes{"IndefiniteLength", "3080"}, BadBytes{"FiveByteLength", "30850000000001"},
                      BadBytes{"TruncatedLength", "3082"}, BadBytes{"ValuePastEnd", "df2705aabb"},
                      BadBytes{"TagTooLong", "1f818181"}, BadBytes{"MissingLength", "df27"}),
    [](const auto& row) { return std::string(row.param.name); });

// [SECTION] Image header

TEST(ImageHeader, ReadsACodestreamSizMarker) {
    // SOC, SIZ: Lsiz=41 (1 component), Rsiz, Xsiz=240, Ysiz=320, offsets 0, tile 240x320, tile offsets 0,
    // Csiz=1.
    const Bytes b =
        hex("ff4fff5100290000000000f00000014000000000000000000000"
            "00f0000001400000000000000000"
            "0001070101");
    auto info = parse_image_header(b);
    ASSERT_TRUE(info.ok()) << info.error();
    EXPECT_EQ(info->width, 240u);
    EXPECT_EQ(info->height, 320u);
    EXPECT_EQ(info->components, 1);
}

TEST(ImageHeader, RefusesOtherFormatsAndTruncation) {
    EXPECT_FALSE(parse_image_header(hex("89504e470d0a1a0a0000000d49484452")).ok());  // PNG
    EXPECT_FALSE(parse_image_header(hex("ffd8ffe000104a464946")).ok());              // JPEG
    EXPECT_FALSE(parse_image_header(hex("0000000c6a5020200d0a870a")).ok());          // JP2 signature only
    EXPECT_FALSE(parse_image_header(hex("0000000c6a5020200d0a870a00000014667479706a703220")).ok());
    EXPECT_FALSE(parse_image_header(hex("ff4fff51")).ok());
}

// [SECTION] Certificate

TEST(Certificate, RefusesGarbageAndTrailingBytes) {
    EXPECT_FALSE(parse_certificate(hex("3082000a0102030405")).ok());
    EXPECT_FALSE(parse_certificate(Bytes{}).ok());
}

TEST(Certificate, DigestInfoIsTheSha256Prefix) {
    const Bytes di = sha256_digest_info(bytes_of("abc"));
    ASSERT_EQ(di.size(), 51u);
    EXPECT_EQ(to_hex(ByteView(di).first(19)), "3031300d060960864801650304020105000420");
    EXPECT_EQ(to_hex(ByteView(di).subspan(19)),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// [SECTION] Channel

TEST(Channel, FollowsGetResponseChains) {
    int calls = 0;
    FunctionTransport t([&](ByteView cmd) -> CardResult<Bytes> {
        ++calls;
        if (cmd[1] == 0xB0) return hex("6104");
        if (cmd[1] == 0xC0 && calls == 2) return hex("01026102");
        if (cmd[1] == 0xC0) return hex("03049000");
        return hex("6d00");
    });
    CardChannel ch(t);
    auto r = ch.transmit(read_binary(0, 4, false));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->sw, 0x9000);
    EXPECT_EQ(to_hex(r->data), "01020304");
    EXPECT_EQ(ch.apdu_count(), 3u);
}

TEST(Channel, ResendsWithTheLengthA6CxxAsksFor) {
    std::vector<Bytes> seen;
    FunctionTransport t([&](ByteView cmd) -> CardResult<Bytes> {
        seen.emplace_back(cmd.begin(), cmd.end());
        if (cmd.back() == 0x00) return hex("6c03");
        return hex("aabbcc9000");
    });
    CardChannel ch(t);
    auto r = ch.transmit(read_binary(0, 256, false));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(r->data), "aabbcc");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(to_hex(seen[1]), "00b0000003");
}

TEST(Channel, OneByteAnswerIsUnreadableNotACrash) {
    FunctionTransport t([](ByteView) -> CardResult<Bytes> { return Bytes{0x90}; });
    CardChannel ch(t);
    auto r = ch.transmit(verify_status());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.fault(), CardFault::Unreadable);
}

TEST(Channel, EndlessGetResponseIsCut) {
    FunctionTransport t([](ByteView) -> CardResult<Bytes> { return hex("aa6101"); });
    CardChannel ch(t);
    auto r = ch.transmit(read_binary(0, 256, false));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.fault(), CardFault::Unreadable);
}

TEST(Channel, MoreDataThanLeIsUnreadable) {
    FunctionTransport t([](ByteView) -> CardResult<Bytes> { return hex("0102039000"); });
    CardChannel ch(t);
    auto r = ch.transmit(read_binary(0, 2, false));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.fault(), CardFault::Unreadable);
}

// [SECTION] Application guard

class Guard : public ::testing::Test {
  protected:
    std::vector<Bytes> reached;
    FunctionTransport inner{[this](ByteView cmd) -> CardResult<Bytes> {
        reached.emplace_back(cmd.begin(), cmd.end());
        return hex("9000");
    }};
    ApplicationGuard guard{inner};

    bool sends(std::string_view h) {
        const std::size_t before = reached.size();
        auto r = guard.transmit(hex(h));
        if (!r.ok()) {
            EXPECT_TRUE(r.error().refused_by_policy);
        }
        return r.ok() && reached.size() == before + 1;
    }
};

TEST_F(Guard, LetsTheKioskSequenceThrough) {
    EXPECT_TRUE(sends("00a4040c0ad392f000260100000001"));
    EXPECT_TRUE(sends("00a4020c02000a"));
    EXPECT_TRUE(sends("00b0000000"));
    EXPECT_TRUE(sends("00a4020c020018"));
    EXPECT_TRUE(sends("00200080"));
    EXPECT_TRUE(sends("002000800431323334"));
    EXPECT_TRUE(sends("00a4020c020017"));
    EXPECT_TRUE(sends("802a008003aabbcc00"));
    EXPECT_TRUE(sends("00a4040c0ad3921000310001010402"));
    EXPECT_TRUE(sends("00a4020c020012"));
    EXPECT_TRUE(sends("00a4020c020002"));
    EXPECT_TRUE(sends("00b000000000ff"));
}

TEST_F(Guard, NeverLetsTheMyNumberApplicationThrough) {
    const Bytes kenhojo(kAidKenhojoForbidden.begin(), kAidKenhojoForbidden.end());
    for (std::size_t n = 1; n <= kenhojo.size(); ++n) {  // the AID and every prefix of it (partial DF names)
        CommandApdu c = select_aid(ByteView(kenhojo).first(n));
        for (std::uint8_t p2 : {0x0C, 0x00, 0x04}) {
            c.p2 = p2;
            EXPECT_FALSE(guard.transmit(c.encode()).ok()) << n;
            c.extended = true;
            EXPECT_FALSE(guard.transmit(c.encode()).ok()) << n;
            c.extended = false;
        }
    }
    Bytes longer = kenhojo;
    longer.push_back(0x00);
    EXPECT_FALSE(guard.transmit(select_aid(longer).encode()).ok());
    EXPECT_FALSE(guard.transmit(select_aid(kAidJukiForbidden).encode()).ok());
    EXPECT_TRUE(reached.empty());
    EXPECT_GT(guard.refused_count(), 30u);
}

TEST_F(Guard, RefusesOtherWaysToReachFiles) {
    EXPECT_FALSE(sends("00a4000c023f00"));                // MF / by file id under MF
    EXPECT_FALSE(sends("00a4080c04d3921000"));            // by path
    EXPECT_FALSE(sends("00a4020c02000a"));                // EF before any application
    EXPECT_FALSE(sends("00a4040c09d392f0002601000000"));  // partial JPKI name
    EXPECT_TRUE(sends("00a4040c0ad392f000260100000001"));
    EXPECT_FALSE(sends("00a4020c020001"));      // signing certificate (name, address)
    EXPECT_FALSE(sends("00a4020c02001b"));      // signing password
    EXPECT_FALSE(sends("00b0810000"));          // READ BINARY by short file id
    EXPECT_FALSE(sends("00b0000000"));          // nothing readable selected
    EXPECT_FALSE(sends("002401800431323334"));  // CHANGE REFERENCE DATA
    EXPECT_FALSE(sends("00d6000001ff"));        // UPDATE BINARY
    EXPECT_TRUE(sends("00a4040c0ad3921000310001010402"));
    EXPECT_FALSE(sends("00a4020c020013"));  // 照合番号A = the My Number
    EXPECT_FALSE(sends("00a4020c020005"));  // the My Number image
    EXPECT_FALSE(sends("00a4020c020011"));
    EXPECT_FALSE(sends("00200080"));                        // VERIFY with no PIN file selected
    EXPECT_FALSE(sends("a0a4040c0ad392f000260100000001"));  // odd CLA
}

TEST_F(Guard, ForgetsTheSelectionWhenTheCardChanges) {
    EXPECT_TRUE(sends("00a4040c0ad392f000260100000001"));
    EXPECT_TRUE(sends("00a4020c02000a"));
    inner.bump_generation();
    EXPECT_FALSE(sends("00b0000000"));
}

}  // namespace
}  // namespace uk::card
