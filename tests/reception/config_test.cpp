// The reception's configuration: defaults, the TOML file, and errors that name the file, key and reason.
#include <fstream>

#include "reception/server/config.h"
#include "tests/reception/test_support.h"

namespace uk::reception {
namespace {

std::string write(const uk::testing::TempDir& d, const std::string& text) {
    std::string p = d.file("reception.toml");
    std::ofstream(p) << text;
    return p;
}

TEST(Config, DefaultsServeOnLoopbackWithTheEmbeddedStore) {
    ServiceConfig c;
    ASSERT_TRUE(finish_config(c).ok());
    EXPECT_EQ(c.host, "127.0.0.1");
    EXPECT_EQ(c.port, 8443);
    EXPECT_EQ(c.store, "sqlite");
    EXPECT_NE(c.data_dir.find("uketsuke-reception"), std::string::npos);
    EXPECT_LT(c.max_event_streams, c.threads);
}

TEST(Config, FileOverridesDefaults) {
    uk::testing::TempDir d;
    auto c = load_config_file(write(d,
                                    "listen = \"0.0.0.0:9443\"\ndata_dir = \"/srv/uk\"\n"
                                    "[store]\nbackend = \"postgres\"\npostgres = \"dbname=uk\"\n"
                                    "[limits]\nthreads = 32\nmax_event_streams = 10\n"));
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->host, "0.0.0.0");
    EXPECT_EQ(c->port, 9443);
    EXPECT_EQ(c->store, "postgres");
    EXPECT_EQ(c->threads, 32);
    EXPECT_TRUE(finish_config(*c).ok());
}

TEST(Config, MistakesAreErrorsNamingFileKeyAndReason) {
    uk::testing::TempDir d;
    struct Row {
        const char* text;
        const char* must_contain;
    };
    const Row rows[] = {
        {"lisen = \"1.2.3.4:1\"\n", "lisen: unknown key"},
        {"listen = \"nohost\"\n", "listen"},
        {"listen = \"h:99999\"\n", "above 65535"},
        {"[store]\nbackend = \"mysql\"\n", "store.backend"},
        {"[limits]\nthreads = 2\n", "limits.threads"},
        {"[limits]\nthreads = \"many\"\n", "expected an integer"},
        {"[tls]\ncert = 5\n", "tls.cert"},
        {"listen = \n", "reception.toml:1"},
        {"[log]\nlevel = \"loud\"\n", "log.level"},
        {"[log]\nfiles = 0\n", "log.files"},
        {"[log]\nmax_bytes = 10\n", "log.max_bytes"},
        {"[log]\nrotate = true\n", "log.rotate: unknown key"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        auto c = load_config_file(write(d, r.text));
        ASSERT_FALSE(c.ok());
        EXPECT_NE(c.error().find(r.must_contain), std::string::npos) << c.error();
        EXPECT_NE(c.error().find("reception.toml"), std::string::npos) << c.error();
    }
    ServiceConfig pg;
    pg.store = "postgres";
    EXPECT_FALSE(finish_config(pg).ok()) << "postgres without a connection string";
    ServiceConfig streams;
    streams.threads = 8;
    streams.max_event_streams = 8;
    EXPECT_FALSE(finish_config(streams).ok()) << "streams would take every worker";
}

TEST(Config, LogSection) {
    uk::testing::TempDir d;
    auto c = load_config_file(
        write(d, "[log]\nlevel = \"warn\"\nfile = \"/var/log/uk.log\"\nmax_bytes = 65536\nfiles = 3\n"));
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->log_level, "warn");
    EXPECT_EQ(c->log_file, "/var/log/uk.log");
    EXPECT_EQ(c->log_max_bytes, 65536);
    EXPECT_EQ(c->log_files, 3);
}

TEST(Config, ListenTakesIpv6InBrackets) {
    ServiceConfig c;
    ASSERT_TRUE(apply_listen(c, "[::1]:8443").ok());
    EXPECT_EQ(c.host, "::1");
    EXPECT_FALSE(apply_listen(c, ":8443").ok());
}

TEST(Tls, SelfSignedCertificateIsMadeOnceWithAPrivateKey) {
    uk::testing::TempDir d;
    auto a = ensure_self_signed(d.file("tls"), "192.168.1.20");
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_TRUE(a->created);
    struct stat st {};
    ASSERT_EQ(::stat(a->key_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto fp1 = certificate_fingerprint(a->cert_path);
    ASSERT_TRUE(fp1.ok());
    auto b = ensure_self_signed(d.file("tls"), "192.168.1.20");
    EXPECT_FALSE(b->created);
    EXPECT_EQ(*certificate_fingerprint(b->cert_path), *fp1) << "a restart keeps the identity kiosks pinned";
    EXPECT_FALSE(certificate_fingerprint(d.file("missing.pem")).ok());
}

TEST(Auth, TokensAreRandomAndHashesAreStable) {
    ASSERT_TRUE(init_crypto());
    auto a = random_token(32), b = random_token(32);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 43u);
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(secret_equal("x1", "x1"));
    EXPECT_FALSE(secret_equal("x1", "x2"));
    EXPECT_FALSE(secret_equal("x1", "x12"));
    auto h = hash_password("correct horse");
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(verify_password(*h, "correct horse"));
    EXPECT_FALSE(verify_password(*h, "correct horsf"));
    EXPECT_FALSE(check_password_rules("short").ok());
    EXPECT_FALSE(check_password_rules("aaaaaaaaaa").ok());
    EXPECT_TRUE(check_password_rules("correct horse").ok());
}

}  // namespace
}  // namespace uk::reception
