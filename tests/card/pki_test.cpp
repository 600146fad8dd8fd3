// The test PKI generator: reproducible output, the 照合番号B era rules, and the certificates the card tests
// rely on.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "kiosk/card/certificate.h"
#include "tools/pki/pki.h"

namespace uk::pki {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(Pki, SameInputGivesByteIdenticalFiles) {
    const fs::path a = fs::temp_directory_path() / ("uk-pki-a-" + std::to_string(::getpid()));
    const fs::path b = fs::temp_directory_path() / ("uk-pki-b-" + std::to_string(::getpid()));
    auto ids = default_identities();
    ids.resize(1);
    ASSERT_TRUE(generate(a, ids).ok());
    ASSERT_TRUE(generate(b, ids).ok());
    for (const char* f :
         {"ca/auth-ca.der", "ca/auth-ca.key.pem", "ca/auth-ca.crl", "identities/yamada-taro/auth-cert.der",
          "identities/yamada-taro/auth-key.pem", "identities/yamada-taro/sign-cert.der"}) {
        const std::string x = slurp(a / f);
        EXPECT_FALSE(x.empty()) << f;
        EXPECT_EQ(x, slurp(b / f)) << f;
    }
    fs::remove_all(a);
    fs::remove_all(b);
}

TEST(Pki, DifferentLabelsGiveDifferentKeys) {
    EVP_PKEY* k1 = deterministic_rsa_key("one", 1024);
    EVP_PKEY* k2 = deterministic_rsa_key("two", 1024);
    ASSERT_NE(k1, nullptr);
    ASSERT_NE(k2, nullptr);
    EXPECT_EQ(EVP_PKEY_get_bits(k1), 1024);
    EXPECT_NE(EVP_PKEY_eq(k1, k2), 1);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(k2);
}

TEST(Pki, MatchCodeBUsesTheJapaneseEra) {
    IdentitySpec s;
    s.card_expiry_year = 2034;
    s.security_code = "4821";
    auto code = [&](const char* birth) {
        s.birth_date = birth;
        return match_code_b(s).value_or("none");
    };
    EXPECT_EQ(code("1985-04-12"), "60041220344821");  // 昭和60
    EXPECT_EQ(code("1989-01-07"), "64010720344821");  // 昭和64, the last day
    EXPECT_EQ(code("1989-01-08"), "01010820344821");  // 平成元年
    EXPECT_EQ(code("2019-04-30"), "31043020344821");  // 平成31
    EXPECT_EQ(code("2019-05-01"), "01050120344821");  // 令和元年
    EXPECT_EQ(code("1926-12-25"), "01122520344821");  // 昭和元年
    EXPECT_EQ(code("not a date"), "none");
    s.security_code = "48";
    EXPECT_EQ(code("1985-04-12"), "none");
}

}  // namespace
}  // namespace uk::pki
