// Writes the seed corpus of the fuzz targets (run once, output committed under corpus/): real answers of the
// simulated card (test identities, a synthetic gradient photo, never a face), the kiosk's own commands, and a
// few hand-made edge cases. Usage: uk_fuzz_make_corpus OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/card/mynumber_card.h"
#include "tools/cardsim/in_process_transport.h"
#include "tools/pki/pki.h"

namespace fs = std::filesystem;
using namespace uk::card;

namespace {

void write(const fs::path& p, ByteView b) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// Records every answer, length-prefixed, in the fuzz_card_session input format.
class Tape final : public CardTransport {
  public:
    explicit Tape(CardTransport& inner) : inner_(inner) {}
    CardResult<Bytes> transmit(ByteView c) override {
        auto r = inner_.transmit(c);
        if (r) {
            tape.push_back(static_cast<std::uint8_t>(r->size() >> 8));
            tape.push_back(static_cast<std::uint8_t>(r->size() & 0xFF));
            tape.insert(tape.end(), r->begin(), r->end());
        }
        return r;
    }
    std::uint64_t card_generation() const override { return inner_.card_generation(); }
    Bytes tape;

  private:
    CardTransport& inner_;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: uk_fuzz_make_corpus OUT_DIR\n");
        return 2;
    }
    const fs::path out = argv[1];
    const fs::path pki = fs::temp_directory_path() / "uk-fuzz-corpus-pki";
    auto g = uk::pki::ensure_generated(pki);
    if (!g) {
        std::fprintf(stderr, "%s\n", g.error().c_str());
        return 1;
    }
    cv::Mat gradient(40, 32, CV_8UC1);
    for (int y = 0; y < gradient.rows; ++y) {
        for (int x = 0; x < gradient.cols; ++x)
            gradient.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(x * 6 + y * 2);
    }
    std::vector<std::uint8_t> jp2;
    cv::imencode(".jp2", gradient, jp2);
    write(out / "fuzz_image_header/gradient.jp2", jp2);
    write(out / "fuzz_image_header/codestream.j2k", ByteView(jp2).subspan(jp2.size() > 85 ? 85 : 0));

    auto id = uk::cardsim::load_identity(pki, "yamada-taro");
    if (!id) {
        std::fprintf(stderr, "%s\n", id.error().c_str());
        return 1;
    }
    id->dir.clear();  // counters in memory only
    id->face_jp2 = Bytes(jp2.begin(), jp2.end());
    write(out / "fuzz_certificate/auth-cert.der", id->auth_cert);
    write(out / "fuzz_certificate/auth-ca.der", id->auth_ca_cert);
    write(out / "fuzz_certificate/truncated.der", ByteView(id->auth_cert).first(300));
    const Bytes face_file = uk::cardsim::build_card_face_file(*id);
    write(out / "fuzz_tlv/card-face.bin", face_file);
    write(out / "fuzz_tlv/cert-header.bin", ByteView(id->auth_cert).first(8));

    uk::cardsim::SimulatedCard card(*id);
    uk::cardsim::InProcessTransport sim(card);
    Tape tape(sim);
    RecordingTransport rec(tape);
    MyNumberCard s(rec);
    (void)s.read_auth_certificate();
    (void)s.auth_pin_tries_left();
    uk::Pin pin;
    for (char c : {'1', '2', '3', '4'})
        pin.push(c);
    (void)s.verify_auth_pin(pin);
    (void)s.sign_challenge(bytes_of("challenge"));
    (void)s.match_code_b_tries_left();
    uk::MatchCodeB code;
    for (char c : std::string_view("60041220344821"))
        code.push(c);
    (void)s.verify_match_code_b(code);
    (void)s.read_face_photo();
    write(out / "fuzz_card_session/full-session.bin", tape.tape);
    write(out / "fuzz_card_session/cut-short.bin", ByteView(tape.tape).first(tape.tape.size() / 3));
    int i = 0;
    for (const auto& c : rec.commands())
        write(out / ("fuzz_apdu/command-" + std::to_string(i++) + ".bin"), c);
    for (const char* h : {"9000", "6104", "6c03", "63c2", "6983", "0102039000", "aa6101"}) {
        write(out / (std::string("fuzz_apdu/response-") + h + ".bin"), *from_hex(h));
    }
    std::printf("corpus written to %s\n", out.c_str());
    return 0;
}
