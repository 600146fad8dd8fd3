// Test data for the card tests: the test PKI and identities (tools/pki) with face photos made from
// ../shared/data/faces, generated once per build tree under a lock (parallel ctest processes share it), and a
// private copy per test because the simulator persists retry counters.
#pragma once

#include <filesystem>
#include <string>

#include "tools/cardsim/identity.h"

namespace uk::cardtest {

// UK_BINARY_DIR/testdata/card/base: generated on first use.
const std::filesystem::path& base_data_dir();

// A private copy of base_data_dir(), deleted again by the destructor.
class DataDir {
  public:
    DataDir();
    ~DataDir();
    DataDir(const DataDir&) = delete;
    DataDir& operator=(const DataDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    cardsim::Identity identity(const std::string& name) const;  // fails the test if it does not load

  private:
    std::filesystem::path path_;
};

// The face image each identity's photo was made from (for the face tests of later issues).
std::filesystem::path face_source_for(const std::string& identity);

}  // namespace uk::cardtest
