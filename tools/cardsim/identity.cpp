#include "tools/cardsim/identity.h"

#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace uk::cardsim {

namespace fs = std::filesystem;

namespace {

std::optional<Bytes> read_all(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return std::nullopt;
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

KeyPtr read_key(const fs::path& p) {
    auto bytes = read_all(p);
    if (!bytes) return nullptr;
    BIO* bio = BIO_new_mem_buf(bytes->data(), static_cast<int>(bytes->size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (k == nullptr) return nullptr;
    return KeyPtr(k, PkeyDeleter{});
}

Counters counters_from(const nlohmann::json& j) {
    Counters c;
    c.auth_pin_tries_left = std::clamp(j.value("auth_pin_tries_left", 3), 0, 3);
    c.sign_pin_tries_left = std::clamp(j.value("sign_pin_tries_left", 5), 0, 5);
    c.match_code_b_tries_left = std::clamp(j.value("match_code_b_tries_left", 10), 0, 10);
    return c;
}

}  // namespace

Result<std::vector<std::string>> list_identities(const fs::path& data_dir) {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(data_dir / "identities", ec)) {
        if (e.is_directory() && fs::exists(e.path() / "identity.json"))
            names.push_back(e.path().filename().string());
    }
    if (ec)
        return Error{"cannot list identities in " + (data_dir / "identities").string() + ": " + ec.message()};
    std::sort(names.begin(), names.end());
    return names;
}

Result<Identity> load_identity(const fs::path& data_dir, const std::string& name,
                               const std::optional<fs::path>& photo) {
    if (name.empty() || name.find('/') != std::string::npos || name.find("..") != std::string::npos) {
        return Error{"identity name \"" + name + "\" is not a plain name"};
    }
    Identity id;
    id.name = name;
    id.dir = data_dir / "identities" / name;
    std::ifstream jf(id.dir / "identity.json");
    if (!jf) return Error{"no identity \"" + name + "\" in " + data_dir.string() + " (see --list)"};
    auto j = nlohmann::json::parse(jf, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return Error{(id.dir / "identity.json").string() + " is not valid JSON"};
    try {
        id.display_name = j.at("display_name").get<std::string>();
        id.kana = j.at("kana").get<std::string>();
        id.sex = j.at("sex").get<std::string>();
        id.birth_date = j.at("birth_date").get<std::string>();
        id.address = j.at("address").get<std::string>();
        id.card_expiry_year = j.at("card_expiry_year").get<int>();
        id.security_code = j.at("security_code").get<std::string>();
        id.match_code_b = j.at("match_code_b").get<std::string>();
        id.pin = j.at("pin").get<std::string>();
        id.sign_password = j.at("sign_password").get<std::string>();
        id.cert_state = j.at("cert_state").get<std::string>();
        id.initial = counters_from(j.at("initial"));
    } catch (const nlohmann::json::exception& e) {
        return Error{(id.dir / "identity.json").string() + ": " + e.what()};
    }
    if (id.pin.size() != 4 || id.match_code_b.size() != 14) {
        return Error{(id.dir / "identity.json").string() + ": PIN must be 4 digits, 照合番号B 14 digits"};
    }
    id.counters = id.initial;
    std::ifstream sf(id.dir / "state.json");
    if (sf) {
        auto s = nlohmann::json::parse(sf, nullptr, false);
        if (s.is_discarded() || !s.is_object())
            return Error{(id.dir / "state.json").string() + " is not valid JSON"};
        id.counters = counters_from(s);
    }
    auto need = [&](const fs::path& p, Bytes& out) -> bool {
        auto b = read_all(p);
        if (!b || b->empty()) return false;
        out = std::move(*b);
        return true;
    };
    if (!need(id.dir / "auth-cert.der", id.auth_cert) || !need(id.dir / "sign-cert.der", id.sign_cert) ||
        !need(data_dir / "ca/auth-ca.der", id.auth_ca_cert) ||
        !need(data_dir / "ca/sign-ca.der", id.sign_ca_cert)) {
        return Error{"certificates of \"" + name + "\" missing under " + data_dir.string() +
                     " (run uketsuke-pki)"};
    }
    id.auth_key = read_key(id.dir / "auth-key.pem");
    id.sign_key = read_key(id.dir / "sign-key.pem");
    if (!id.auth_key || !id.sign_key) return Error{"keys of \"" + name + "\" missing or unreadable"};
    const fs::path photo_path = photo ? *photo : id.dir / "face.jp2";
    if (photo || fs::exists(photo_path)) {
        auto b = read_all(photo_path);
        if (!b || b->empty()) return Error{"cannot read the face photo " + photo_path.string()};
        id.face_jp2 = std::move(*b);
    }
    return id;
}

Result<bool> save_counters(const Identity& id) {
    if (id.dir.empty()) return true;
    const nlohmann::json j = {{"auth_pin_tries_left", id.counters.auth_pin_tries_left},
                              {"sign_pin_tries_left", id.counters.sign_pin_tries_left},
                              {"match_code_b_tries_left", id.counters.match_code_b_tries_left}};
    const fs::path tmp = id.dir / "state.json.tmp";
    {
        std::ofstream f(tmp, std::ios::trunc);
        f << j.dump(2) << "\n";
        f.flush();
        if (!f) return Error{"cannot write " + tmp.string()};
    }
    std::error_code ec;
    fs::rename(tmp, id.dir / "state.json", ec);
    if (ec) return Error{"cannot replace " + (id.dir / "state.json").string() + ": " + ec.message()};
    return true;
}

Result<bool> reset_counters(Identity& id) {
    id.counters = id.initial;
    return save_counters(id);
}

}  // namespace uk::cardsim
