// uketsuke-pki: writes the test PKI and the card simulator's identities into a folder (see pki.h).
//   uketsuke-pki --out DIR       generate (replaces files; counters reset to each identity's initial state)
#include <cstdio>
#include <cstring>
#include <string>

#include "tools/pki/pki.h"

int main(int argc, char** argv) {
    std::string out;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            std::fprintf(stderr, "usage: uketsuke-pki --out DIR\n");
            return 2;
        }
    }
    if (out.empty()) {
        std::fprintf(stderr, "usage: uketsuke-pki --out DIR\n");
        return 2;
    }
    auto r = uk::pki::generate(out);
    if (!r) {
        std::fprintf(stderr, "uketsuke-pki: %s\n", r.error().c_str());
        return 1;
    }
    std::printf("test PKI written to %s\n", r->c_str());
    return 0;
}
