#include "kiosk/config/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <toml++/toml.h>

namespace uk::config {
namespace {

// [SECTION] Error collection

class Checker {
  public:
    explicit Checker(std::string file) : file_(std::move(file)) {}

    void error(const toml::node* at, std::string key, std::string problem, std::string fix) {
        int line = at ? static_cast<int>(at->source().begin.line) : 0;
        errors_.push_back({file_, line, std::move(key), std::move(problem), std::move(fix)});
    }
    // In the file's order (TOML tables come back sorted by name); problems of no one line last.
    std::vector<ConfigError> take() {
        std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
            return (a.line == 0 ? INT_MAX : a.line) < (b.line == 0 ? INT_MAX : b.line);
        });
        return std::move(errors_);
    }
    bool ok() const { return errors_.empty(); }

  private:
    std::string file_;
    std::vector<ConfigError> errors_;
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string did_you_mean(std::string_view key, const std::vector<std::string>& known) {
    std::string best;
    std::size_t best_d = 3;
    for (const auto& k : known) {
        std::size_t d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
    }
    if (!best.empty()) return "did you mean \"" + best + "\"?";
    std::string list;
    for (const auto& k : known)
        list += (list.empty() ? "" : ", ") + k;
    return "known keys here: " + list;
}

std::string quoted(const toml::node& n) {
    std::ostringstream s;
    n.visit([&s](const auto& v) {
        if constexpr (toml::is_string<decltype(v)>)
            s << '"' << v.get() << '"';
        else
            s << v;
    });
    return s.str();
}

// A section: known keys with a reader each; unknown keys are errors with a suggestion.
using KeyReader = std::function<void(const toml::node&, const std::string& key)>;

void read_section(Checker& c, const toml::table& root, const std::string& name,
                  const std::vector<std::pair<std::string, KeyReader>>& keys) {
    const toml::node* sec = root.get(name);
    if (!sec) return;
    const toml::table* t = sec->as_table();
    if (!t) return c.error(sec, name, "must be a table", "write it as a [" + name + "] section");
    std::vector<std::string> known;
    for (const auto& [k, _] : keys)
        known.push_back(k);
    for (auto&& [k, v] : *t) {
        std::string key(k.str());
        auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& p) { return p.first == key; });
        if (it == keys.end()) {
            c.error(&v, name + "." + key, "unknown key", did_you_mean(key, known));
            continue;
        }
        it->second(v, name + "." + key);
    }
}

// [SECTION] Typed readers

KeyReader string_into(Checker& c, std::string& out, std::function<std::string(const std::string&)> check = {},
                      std::string fix = "") {
    return [&c, &out, check, fix](const toml::node& n, const std::string& key) {
        if (!n.is_string())
            return c.error(&n, key, "expected a string, found " + quoted(n), "put the value in quotes");
        std::string v = n.value_or<std::string>("");
        if (check) {
            std::string problem = check(v);
            if (!problem.empty()) return c.error(&n, key, "\"" + v + "\" " + problem, fix);
        }
        out = v;
    };
}

KeyReader bool_into(Checker& c, bool& out) {
    return [&c, &out](const toml::node& n, const std::string& key) {
        if (!n.is_boolean())
            return c.error(&n, key, "expected true or false, found " + quoted(n), "write true or false");
        out = n.value_or(false);
    };
}

KeyReader seconds_into(Checker& c, std::chrono::seconds& out, int min, int max) {
    return [&c, &out, min, max](const toml::node& n, const std::string& key) {
        if (!n.is_integer())
            return c.error(&n, key, "expected a whole number of seconds, found " + quoted(n),
                           "write e.g. 60");
        auto v = n.value_or<int64_t>(0);
        if (v < min || v > max)
            return c.error(&n, key, std::to_string(v) + " is out of range",
                           "use " + std::to_string(min) + " to " + std::to_string(max) + " seconds");
        out = std::chrono::seconds(v);
    };
}

KeyReader int_into(Checker& c, int& out, int min, int max) {
    return [&c, &out, min, max](const toml::node& n, const std::string& key) {
        if (!n.is_integer())
            return c.error(&n, key, "expected a whole number, found " + quoted(n), "write e.g. 3");
        auto v = n.value_or<int64_t>(0);
        if (v < min || v > max)
            return c.error(&n, key, std::to_string(v) + " is out of range",
                           "use " + std::to_string(min) + " to " + std::to_string(max));
        out = static_cast<int>(v);
    };
}

std::vector<std::string> string_list(Checker& c, const toml::node& n, const std::string& key) {
    std::vector<std::string> out;
    const toml::array* a = n.as_array();
    if (!a) {
        c.error(&n, key, "expected a list, found " + quoted(n), "write e.g. [\"ja\", \"en\"]");
        return out;
    }
    for (const auto& el : *a) {
        if (!el.is_string()) {
            c.error(&el, key, "list holds " + quoted(el) + ", not a string", "put each value in quotes");
            continue;
        }
        out.push_back(el.value_or<std::string>(""));
    }
    return out;
}

bool is_known_language(std::string_view l) {
    return std::find(std::begin(kKnownLanguages), std::end(kKnownLanguages), l) != std::end(kKnownLanguages);
}

std::string languages_list() {
    std::string s;
    for (auto l : kKnownLanguages)
        s += (s.empty() ? "" : ", ") + std::string(l);
    return s;
}

// [SECTION] The schema

void read_config(Checker& c, const toml::table& root, KioskConfig& cfg, bool setup_file = false) {
    static const std::vector<std::string> kSections = {"facility",  "kiosk",    "card", "camera",
                                                       "reception", "timeouts", "face", "methods"};
    for (auto&& [k, v] : root) {
        std::string key(k.str());
        if (std::find(kSections.begin(), kSections.end(), key) == kSections.end())
            c.error(&v, key, "unknown section or key", did_you_mean(key, kSections));
    }
    auto& flow = cfg.flow;

    read_section(
        c, root, "facility",
        {{"code",
          string_into(
              c, flow.facility.code,
              [](const std::string& v) { return is_valid_facility_code(v) ? "" : "is not 10 digits"; },
              "use the facility's 10-digit 医療機関コード / 薬局コード (2 prefecture + 1 table + 7 number)")},
         {"name", string_into(
                      c, flow.facility.name, [](const std::string& v) { return v.empty() ? "is empty" : ""; },
                      "write the facility's name as patients know it")},
         {"type",
          [&](const toml::node& n, const std::string& key) {
              std::string v;
              string_into(
                  c, v,
                  [](const std::string& s) { return parse_facility_type(s) ? "" : "is not a facility type"; },
                  "use one of clinic, hospital, dental_clinic, pharmacy")(n, key);
              if (auto t = parse_facility_type(v)) flow.facility.type = *t;
          }},
         {"consent_items", [&](const toml::node& n, const std::string& key) {
              flow.facility.enabled_optional_items.clear();  // the list is the whole choice
              for (const auto& item : string_list(c, n, key)) {
                  auto ci = parse_consent_item(item);
                  if (!ci) {
                      c.error(&n, key, "\"" + item + "\" is not a consent item",
                              "use medical_treatment or surgery (medication and health_checkup are always "
                              "asked)");
                      continue;
                  }
                  if (consent_offer(flow.facility.type, *ci) == ConsentOffer::Always)
                      continue;  // nothing to enable
                  flow.facility.enabled_optional_items.insert(*ci);
              }
          }}});

    read_section(
        c, root, "kiosk",
        {{"id", string_into(
                    c, flow.kiosk_id,
                    [](const std::string& v) {
                        bool ok =
                            !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char ch) {
                                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' ||
                                       ch == '_' || ch == '.';
                            });
                        return ok ? "" : "is not a valid kiosk id";
                    },
                    "use 1-64 letters, digits, '-', '_' or '.', e.g. \"kiosk-1\"")},
         {"languages",
          [&](const toml::node& n, const std::string& key) {
              auto langs = string_list(c, n, key);
              std::vector<std::string> ok;
              for (const auto& l : langs) {
                  if (!is_known_language(l))
                      c.error(&n, key, "\"" + l + "\" has no locale file", "use some of " + languages_list());
                  else
                      ok.push_back(l);
              }
              if (langs.empty()) c.error(&n, key, "is empty", "list at least \"ja\"");
              if (!ok.empty()) cfg.languages = ok;
          }},
         {"default_language",
          string_into(
              c, flow.default_language,
              [](const std::string& v) { return is_known_language(v) ? "" : "has no locale file"; },
              "use one of " + languages_list())},
         {"admin_pin_hash", string_into(
                                c, cfg.admin_pin_hash,
                                [](const std::string& v) {
                                    return v.rfind("$argon2id$", 0) == 0 ? "" : "is not an Argon2id hash";
                                },
                                "set it with `uketsuke-kiosk --set-admin-pin`, never a plain PIN")}});

    read_section(c, root, "methods",
                 {{"face", bool_into(c, flow.face_enabled)},
                  {"pin", bool_into(c, flow.pin_enabled)},
                  {"staff_visual", bool_into(c, flow.staff_visual_enabled)},
                  {"max_face_attempts", int_into(c, flow.max_face_attempts, 1, 5)}});

    read_section(c, root, "card",
                 {{"transport", string_into(
                                    c, cfg.card.transport,
                                    [](const std::string& v) {
                                        return v == "pcsc" || v == "sim" ? "" : "is not a card transport";
                                    },
                                    "use \"pcsc\" for a real reader or \"sim\" for the demo card")},
                  {"reader", string_into(c, cfg.card.reader)},
                  {"sim_identity", string_into(c, cfg.card.sim_identity)}});

    read_section(c, root, "camera",
                 {{"device",
                   string_into(
                       c, cfg.camera.device, [](const std::string& v) { return v.empty() ? "is empty" : ""; },
                       "use \"auto\", a device index like \"0\", /dev/video0 or a video file")},
                  {"card_front_device", string_into(c, cfg.camera.card_front_device)},
                  {"enabled", bool_into(c, cfg.camera.enabled)}});

    read_section(
        c, root, "reception",
        {{"url", string_into(
                     c, cfg.reception.url,
                     [](const std::string& v) {
                         return v.rfind("https://", 0) == 0 && v.size() > 8 ? "" : "is not an https:// URL";
                     },
                     "use the reception's https:// address, e.g. \"https://reception.local:8443\" "
                     "(check-ins carry personal data: plain http is refused)")},
         {"token_file", string_into(c, cfg.reception.token_file)},
         {"ca_file", string_into(c, cfg.reception.ca_file)}});

    auto& t = flow.timeouts;
    read_section(c, root, "timeouts",
                 {{"interaction_s", seconds_into(c, t.interaction, 15, 600)},
                  {"waiting_for_card_s", seconds_into(c, t.waiting_for_card, 10, 600)},
                  {"card_operation_s", seconds_into(c, t.card_operation, 5, 60)},
                  {"card_front_s", seconds_into(c, t.card_front, 10, 120)},
                  {"face_capture_s", seconds_into(c, t.face_capture, 10, 120)},
                  {"staff_s", seconds_into(c, t.staff, 30, 1800)},
                  {"done_s", seconds_into(c, t.done, 3, 60)}});

    read_section(
        c, root, "face",
        {{"model", string_into(c, cfg.face.model)},
         {"threshold",
          [&](const toml::node& n, const std::string& key) {
              if (!n.is_number())
                  return c.error(&n, key, "expected a number, found " + quoted(n), "write e.g. 0.42");
              double v = n.value_or(0.0);
              if (v <= 0.0 || v >= 2.0)
                  return c.error(&n, key, std::to_string(v) + " is out of range",
                                 "use a value between 0 and 2 measured for the chosen model (docs/face.md)");
              cfg.face.threshold = v;
          }},
         {"landmark_model", string_into(c, cfg.face.landmark_model)},
         {"models_dir", string_into(c, cfg.face.models_dir)}});

    // Cross-field checks.
    if (std::find(cfg.languages.begin(), cfg.languages.end(), flow.default_language) == cfg.languages.end()) {
        const toml::node* n = root.at_path("kiosk.default_language").node();
        c.error(n, "kiosk.default_language", "\"" + flow.default_language + "\" is not in kiosk.languages",
                "add it to kiosk.languages or choose one of them");
    }
    if (!flow.face_enabled && !flow.pin_enabled && !flow.staff_visual_enabled)
        c.error(root.get("methods"), "methods", "every verification method is turned off",
                "turn on at least one of face, pin, staff_visual");
    if (!setup_file && cfg.card.transport == "pcsc" && !root.at_path("facility.code"))
        c.error(nullptr, "facility.code", "is required with a real card reader",
                "add [facility] code = \"<your 10-digit 医療機関コード>\"");
}

// [SECTION] The set-up file

// The keys the kiosk's set-up pages write; anything else in the set-up file is an error.
const std::vector<std::string> kSetupKeys = {
    "card.reader",           "camera.device",          "camera.card_front_device",
    "kiosk.languages",       "kiosk.default_language", "kiosk.admin_pin_hash",
    "facility.consent_items"};

// Reports and drops every key the set-up file may not hold.
void keep_setup_keys(Checker& c, toml::table& root) {
    std::vector<std::string> sections;
    for (auto&& [k, v] : root)
        sections.emplace_back(k.str());
    for (const auto& sec : sections) {
        toml::node* node = root.get(sec);
        toml::table* t = node->as_table();
        if (!t) {
            c.error(node, sec, "does not belong in the kiosk's set-up file",
                    "set it in the configuration file (kiosk.toml)");
            root.erase(sec);
            continue;
        }
        std::vector<std::string> keys;
        for (auto&& [k, v] : *t)
            keys.emplace_back(k.str());
        for (const auto& k : keys) {
            std::string dotted = sec + "." + k;
            if (std::find(kSetupKeys.begin(), kSetupKeys.end(), dotted) != kSetupKeys.end()) continue;
            c.error(t->get(k), dotted, "is not set on the kiosk's set-up pages",
                    "set it in the configuration file (kiosk.toml), or delete this file and run the set-up "
                    "again");
            t->erase(k);
        }
    }
}

LoadResult finish(Checker& c, KioskConfig cfg) {
    LoadResult r;
    r.errors = c.take();
    if (r.errors.empty()) r.config = std::move(cfg);
    return r;
}

}  // namespace

std::string ConfigError::message() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!key.empty()) s += key + ": ";
    s += problem + ".";
    if (!fix.empty()) s += " Fix: " + fix;
    return s;
}

LoadResult parse_kiosk_config(std::string_view text, const std::string& file_name) {
    Checker c(file_name);
    KioskConfig cfg;
    cfg.source = file_name;
    toml::table root;
    try {
        root = toml::parse(text, file_name);
    } catch (const toml::parse_error& e) {
        ConfigError err{
            file_name, static_cast<int>(e.source().begin.line), "", std::string(e.description()),
            "correct the TOML syntax at this line (strings need quotes, sections [name], key = value)"};
        return LoadResult{std::nullopt, {err}};
    }
    read_config(c, root, cfg);
    return finish(c, std::move(cfg));
}

SetupChoices setup_choices_of(const KioskConfig& cfg) {
    SetupChoices s;
    s.reader = cfg.card.reader;
    s.camera = cfg.camera.enabled ? cfg.camera.device : "none";
    s.card_front_camera = cfg.camera.card_front_device;
    s.languages = cfg.languages;
    s.default_language = cfg.flow.default_language;
    s.consent_items = cfg.flow.facility.enabled_optional_items;
    return s;
}

std::string render_setup_file(const SetupChoices& ch, std::string_view written_at) {
    toml::array langs, items;
    for (const auto& l : ch.languages)
        langs.push_back(l);
    for (auto i : ch.consent_items)
        items.push_back(std::string(to_string(i)));
    toml::table kiosk{{"languages", langs}, {"default_language", ch.default_language}};
    if (!ch.admin_pin_hash.empty()) kiosk.insert("admin_pin_hash", ch.admin_pin_hash);
    toml::table root{
        {"card", toml::table{{"reader", ch.reader}}},
        {"camera", toml::table{{"device", ch.camera}, {"card_front_device", ch.card_front_camera}}},
        {"facility", toml::table{{"consent_items", items}}},
        {"kiosk", std::move(kiosk)}};
    std::ostringstream out;
    out << "# Written by the kiosk's set-up pages on " << written_at
        << ". These keys override the configuration file.\n"
           "# Change them on the kiosk (admin menu -> 設定 Set-up); delete this file to run the set-up "
           "again.\n\n"
        << root << "\n";
    return out.str();
}

std::vector<ConfigError> apply_setup_text(KioskConfig& cfg, std::string_view text,
                                          const std::string& file_name) {
    Checker c(file_name);
    toml::table root;
    try {
        root = toml::parse(text, file_name);
    } catch (const toml::parse_error& e) {
        return {{file_name, static_cast<int>(e.source().begin.line), "", std::string(e.description()),
                 "delete this file and run the set-up again (admin menu -> 設定 Set-up)"}};
    }
    keep_setup_keys(c, root);
    KioskConfig merged = cfg;
    read_config(c, root, merged, true);
    // A camera chosen on the kiosk is a camera in use, even where kiosk.toml had turned the camera off.
    if (auto dev = root.at_path("camera.device").value<std::string>(); dev && *dev != "none")
        merged.camera.enabled = true;
    auto errors = c.take();
    if (errors.empty()) cfg = std::move(merged);
    return errors;
}

std::vector<ConfigError> apply_setup_file(KioskConfig& cfg, const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return {{file.string(), 0, "", "cannot be read (no permission)",
                 "give the kiosk's user read access to its data folder"}};
    std::stringstream ss;
    ss << in.rdbuf();
    return apply_setup_text(cfg, ss.str(), file.string());
}

std::string save_setup_file(const std::filesystem::path& file, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    std::filesystem::path tmp = file;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return "cannot write " + tmp.string() + ": " + std::strerror(errno);
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = std::strerror(errno);
            ::close(fd);
            std::filesystem::remove(tmp, ec);
            return "cannot write " + tmp.string() + ": " + why;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(tmp.c_str(), file.c_str()) != 0) {
        std::string why = std::strerror(errno);
        std::filesystem::remove(tmp, ec);
        return "cannot save " + file.string() + ": " + why;
    }
    return "";
}

LoadResult load_kiosk_config_with_setup(const std::filesystem::path& config_file,
                                        const std::filesystem::path& data_dir) {
    LoadResult r;
    if (config_file.empty())
        r.config = KioskConfig{};
    else
        r = load_kiosk_config(config_file);
    if (!r.config) return r;
    r.errors = apply_setup_file(*r.config, data_dir / kSetupFileName);
    if (!r.errors.empty()) r.config.reset();
    return r;
}

LoadResult load_kiosk_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        ConfigError err{file.string(), 0, "", "cannot be read (missing or no permission)",
                        "check the path, or run without --config to use the demo defaults"};
        return LoadResult{std::nullopt, {err}};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_kiosk_config(ss.str(), file.string());
}

}  // namespace uk::config
