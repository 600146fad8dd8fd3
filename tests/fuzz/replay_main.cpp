// main() for the fuzz targets when built without libFuzzer (gcc, ctest): feeds every file of the given
// directories (or the given files) to LLVMFuzzerTestOneInput once, as a regression test of the corpus
// (after OpenSC src/tests/fuzzing/fuzzer.c).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t n = 0;
    auto run = [&](const fs::path& p) {
        std::ifstream f(p, std::ios::binary);
        const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                                              std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
        ++n;
    };
    for (int i = 1; i < argc; ++i) {
        const fs::path p = argv[i];
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p)) {
                if (e.is_regular_file()) run(e.path());
            }
        } else if (fs::exists(p)) {
            run(p);
        } else {
            std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
            return 1;
        }
    }
    if (n == 0) {
        std::fprintf(stderr, "empty corpus\n");
        return 1;
    }
    std::printf("replayed %zu inputs\n", n);
    return 0;
}
