#include "tests/card/card_test_data.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <fstream>
#include <random>

#include "tools/cardsim/photo.h"
#include "tools/pki/pki.h"

namespace uk::cardtest {

namespace fs = std::filesystem;

namespace {

const char* const kFaces[] = {"HiranoShow.png",    "KamioFuju.png",      "KitamutaTakumi.png",
                              "MinakamiKouji.png", "NakagawaTaishi.png", "SanoHayato.png"};

fs::path generate_base() {
    const fs::path root = fs::path(UK_BINARY_DIR) / "testdata" / "card";
    const fs::path base = root / "base";
    fs::create_directories(root);
    const int lock = ::open((root / "lock").c_str(), O_CREAT | O_RDWR, 0600);
    if (lock >= 0) ::flock(lock, LOCK_EX);
    if (!fs::exists(base / "complete")) {
        const fs::path tmp = root / ("base.tmp." + std::to_string(::getpid()));
        fs::remove_all(tmp);
        auto g = pki::generate(tmp);
        if (!g) throw std::runtime_error("test PKI: " + g.error());
        const auto names = pki::default_identities();
        for (std::size_t i = 0; i < names.size(); ++i) {
            const fs::path img = face_source_for(names[i].name);
            auto jp2 = cardsim::card_photo_from_image(img);
            if (!jp2) throw std::runtime_error("test photo: " + jp2.error());
            std::ofstream(tmp / "identities" / names[i].name / "face.jp2", std::ios::binary)
                .write(reinterpret_cast<const char*>(jp2->data()), static_cast<std::streamsize>(jp2->size()));
        }
        std::ofstream(tmp / "complete") << "ok\n";
        fs::remove_all(base);
        fs::rename(tmp, base);
    }
    if (lock >= 0) {
        ::flock(lock, LOCK_UN);
        ::close(lock);
    }
    return base;
}

}  // namespace

fs::path face_source_for(const std::string& identity) {
    const auto names = pki::default_identities();
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i].name == identity) {
            return fs::path(UK_SHARED_DIR) / "data/faces/japanese_actors" / kFaces[i % std::size(kFaces)];
        }
    }
    return {};
}

const fs::path& base_data_dir() {
    static const fs::path base = generate_base();
    return base;
}

DataDir::DataDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("uk-card-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::copy(base_data_dir(), path_, fs::copy_options::recursive);
}

DataDir::~DataDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

cardsim::Identity DataDir::identity(const std::string& name) const {
    auto id = cardsim::load_identity(path_, name);
    if (!id) {
        ADD_FAILURE() << id.error();
        return {};
    }
    return std::move(id).value();
}

}  // namespace uk::cardtest
