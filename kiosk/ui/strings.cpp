#include "kiosk/ui/strings.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace uk::ui {

namespace {
constexpr std::array<std::string_view, 6> kLanguageOrder = {"ja", "en", "zh-Hans", "ko", "vi", "pt-BR"};

bool is_easy_key(std::string_view key) {
    return key.size() >= 5 && key.substr(key.size() - 5) == ".easy";
}
}  // namespace

Result<Strings> Strings::from_json_texts(const std::map<std::string, std::string>& texts) {
    Strings s;
    for (const auto& [lang, text] : texts) {
        nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) return Error{"locale " + lang + ": not valid JSON"};
        if (!j.is_object()) return Error{"locale " + lang + ": expected one flat JSON object of strings"};
        Table t;
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (!it.value().is_string())
                return Error{"locale " + lang + ": key \"" + it.key() + "\" must be a string"};
            std::string v = it.value().get<std::string>();
            if (v.empty()) return Error{"locale " + lang + ": key \"" + it.key() + "\" is empty"};
            t.emplace(it.key(), std::move(v));
        }
        s.tables_.emplace(lang, std::move(t));
    }
    if (!s.tables_.contains(kFallbackLanguage))
        return Error{"locales: the Japanese table (ja.json) is missing"};
    return s;
}

Result<Strings> Strings::from_dir(const std::string& dir) {
    std::map<std::string, std::string> texts;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        texts.emplace(entry.path().stem().string(), ss.str());
    }
    if (ec) return Error{"locales folder " + dir + ": " + ec.message()};
    return from_json_texts(texts);
}

const Strings& Strings::embedded() {
    static const Strings s = [] {
        auto r = from_json_texts(embedded_locale_texts());
        // The embedded tables are checked by the locale test at build time; a broken one is a build defect.
        if (!r) return Strings{};
        return std::move(r).value();
    }();
    return s;
}

const std::string& Strings::get(std::string_view lang, std::string_view key) const {
    if (auto t = tables_.find(lang); t != tables_.end())
        if (auto it = t->second.find(key); it != t->second.end()) return it->second;
    if (auto t = tables_.find(kFallbackLanguage); t != tables_.end())
        if (auto it = t->second.find(key); it != t->second.end()) return it->second;
    // Unknown everywhere: remember the key so that the reference stays valid.
    static thread_local std::map<std::string, std::string, std::less<>> unknown;
    auto [it, _] = unknown.try_emplace(std::string(key), std::string(key));
    return it->second;
}

bool Strings::has(std::string_view lang, std::string_view key) const {
    auto t = tables_.find(lang);
    return t != tables_.end() && t->second.contains(key);
}

std::vector<std::string> Strings::missing_keys(std::string_view lang) const {
    std::vector<std::string> out;
    auto ja = tables_.find(kFallbackLanguage);
    if (ja == tables_.end()) return out;
    auto t = tables_.find(lang);
    for (const auto& [k, _] : ja->second) {
        if (is_easy_key(k) && lang != kFallbackLanguage) continue;
        if (t == tables_.end() || !t->second.contains(k)) out.push_back(k);
    }
    return out;
}

std::vector<std::string> Strings::unknown_keys(std::string_view lang) const {
    std::vector<std::string> out;
    auto ja = tables_.find(kFallbackLanguage);
    auto t = tables_.find(lang);
    if (ja == tables_.end() || t == tables_.end()) return out;
    for (const auto& [k, _] : t->second)
        if (!ja->second.contains(k)) out.push_back(k);
    return out;
}

std::vector<std::string> Strings::languages() const {
    std::vector<std::string> out;
    for (auto code : kLanguageOrder)
        if (tables_.contains(code)) out.emplace_back(code);
    for (const auto& [code, _] : tables_)
        if (std::find(out.begin(), out.end(), code) == out.end()) out.push_back(code);
    return out;
}

std::vector<std::string> Strings::texts_for(std::string_view lang) const {
    std::vector<std::string> out;
    auto ja = tables_.find(kFallbackLanguage);
    if (ja == tables_.end()) return out;
    for (const auto& [k, _] : ja->second) {
        if (is_easy_key(k) && lang != kFallbackLanguage) continue;
        out.push_back(get(lang, k));
    }
    if (auto t = tables_.find(lang); t != tables_.end())
        for (const auto& [k, v] : t->second)
            if (!ja->second.contains(k)) out.push_back(v);
    return out;
}

std::string format(std::string_view tmpl,
                   std::initializer_list<std::pair<std::string_view, std::string>> args) {
    std::string out;
    out.reserve(tmpl.size() + 8);
    std::size_t i = 0;
    while (i < tmpl.size()) {
        if (tmpl[i] == '{') {
            auto close = tmpl.find('}', i);
            if (close != std::string_view::npos) {
                std::string_view name = tmpl.substr(i + 1, close - i - 1);
                auto it =
                    std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.first == name; });
                if (it != args.end()) {
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += tmpl[i++];
    }
    return out;
}

}  // namespace uk::ui
