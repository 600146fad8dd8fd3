// uketsuke-qualification: administration of the qualification simulator (the insured-persons database, kiosk
// statement keys, the audit log, the レセコン request folder). Every change to insured data is audited.
//
//   uketsuke-qualification [--data DIR] seed --pki PKI_DIR     seed from the test PKI (idempotent), copy CA +
//   CRL uketsuke-qualification [--data DIR] list                   one JSON line per insured person
//   uketsuke-qualification [--data DIR] show ID
//   uketsuke-qualification [--data DIR] set ID FIELD=VALUE...  e.g. lost_on=2026-11-01 loss_reason=03,
//                                                              valid_until=,
//                                                              limit=A03:2026-04-01:2027-03-31|none
//   uketsuke-qualification [--data DIR] kiosk-key KIOSK_ID PUBLIC_KEY_PEM_FILE
//   uketsuke-qualification [--data DIR] audit verify | audit list [SUBJECT]
//   uketsuke-qualification [--data DIR] process-requests        answer <receipt>/req/*.xml into res/
// DIR defaults to $XDG_DATA_HOME/uketsuke-reception/qualification (else ~/.local/share/...).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reception/qualification/reception_hook.h"
#include "reception/qualification/seed.h"
#include "reception/qualification/simulator.h"

namespace {

using namespace uk::qualification;
namespace fs = std::filesystem;

class SystemClock final : public uk::Clock {
  public:
    uk::SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    uk::WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

fs::path default_dir() {
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        return fs::path(x) / "uketsuke-reception/qualification";
    const char* home = std::getenv("HOME");
    return fs::path(home ? home : ".") / ".local/share/uketsuke-reception/qualification";
}

int usage() {
    std::fprintf(stderr,
                 "usage: uketsuke-qualification [--data DIR] seed --pki PKI_DIR | list | show ID |\n"
                 "       set ID FIELD=VALUE... | kiosk-key KIOSK_ID PUBLIC_KEY_PEM_FILE |\n"
                 "       audit verify | audit list [SUBJECT] | process-requests\n");
    return 2;
}

int fail(const std::string& msg) {
    std::fprintf(stderr, "uketsuke-qualification: %s\n", msg.c_str());
    return 1;
}

// The admin tool also shows the database id `set` takes.
nlohmann::json person_json(const InsuredPerson& p) {
    nlohmann::json j = insured_person_json(p);
    j["id"] = p.id;
    return j;
}

bool is_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

bool digits(const std::string& s, std::size_t n) {
    if (s.size() != n) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// Applies FIELD=VALUE; returns an error message naming the field, or "".
std::string apply_field(InsuredPerson& p, const std::string& kv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) return kv + ": expected FIELD=VALUE";
    const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    auto date = [&](std::string& field, bool allow_empty) -> std::string {
        if ((v.empty() && allow_empty) || is_date(v)) {
            field = v;
            return "";
        }
        return k + ": expected a date YYYY-MM-DD" + (allow_empty ? " or nothing" : "");
    };
    if (k == "insurer_number") {
        if (!digits(v, 8)) return "insurer_number: expected 8 digits (保険者番号)";
        p.insurer_number = v;
    } else if (k == "insurer_name") {
        p.insurer_name = v;
    } else if (k == "card_symbol") {
        p.card_symbol = v;
    } else if (k == "card_number") {
        if (v.empty()) return "card_number: must not be empty";
        p.card_number = v;
    } else if (k == "branch_number") {
        if (!v.empty() && !digits(v, 2)) return "branch_number: expected 2 digits (枝番) or nothing";
        p.branch_number = v;
    } else if (k == "personal_family") {
        if (v != "1" && v != "2") return "personal_family: expected 1 (本人) or 2 (家族)";
        p.personal_family = v;
    } else if (k == "name") {
        p.name = v;
    } else if (k == "name_kana") {
        p.name_kana = v;
    } else if (k == "sex") {
        if (v != "1" && v != "2") return "sex: expected 1 or 2";
        p.sex = v;
    } else if (k == "birth_date") {
        return date(p.birth_date, false);
    } else if (k == "burden_percent") {
        if (v != "10" && v != "20" && v != "30") return "burden_percent: expected 10, 20 or 30";
        p.burden_percent = std::stoi(v);
    } else if (k == "valid_from") {
        return date(p.valid_from, false);
    } else if (k == "valid_until") {
        return date(p.valid_until, true);
    } else if (k == "lost_on") {
        return date(p.lost_on, true);
    } else if (k == "loss_reason") {
        if (!v.empty() && v != "01" && v != "02" && v != "03" && v != "99")
            return "loss_reason: expected 01 (死亡), 02 (生活保護), 03 (他の保険の資格取得) or 99 (その他)";
        p.loss_reason = v;
    } else if (k == "limit") {
        if (v == "none") {
            p.limit.reset();
            return "";
        }
        // CATEGORY:FROM:UNTIL
        const auto a = v.find(':'), b = v.rfind(':');
        if (a == std::string::npos || a == b) return "limit: expected CATEGORY:FROM:UNTIL or none";
        LimitCertificate l;
        l.category = v.substr(0, a);
        l.valid_from = v.substr(a + 1, b - a - 1);
        l.valid_until = v.substr(b + 1);
        if (l.category.size() != 3 || !is_date(l.valid_from) || !is_date(l.valid_until))
            return "limit: expected e.g. A03:2026-04-01:2027-03-31";
        p.limit = l;
    } else {
        return k + ": unknown field";
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    fs::path dir = default_dir();
    if (args.size() >= 2 && args[0] == "--data") {
        dir = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty()) return usage();
    const std::string cmd = args[0];
    if (cmd != "seed" && cmd != "list" && cmd != "show" && cmd != "set" && cmd != "kiosk-key" &&
        cmd != "audit" && cmd != "process-requests")
        return usage();
    SimulatorConfig cfg = default_simulator_config(dir);
    SystemClock clock;

    if (cmd == "seed") {
        if (args.size() != 3 || args[1] != "--pki") return usage();
        if (auto r = install_trust_anchor(args[2], cfg.ca, cfg.crl); !r) return fail(r.error());
        auto db = SimDb::open(cfg.database);
        if (!db) return fail(db.error());
        auto s = seed_from_pki(**db, args[2]);
        if (!s) return fail(s.error());
        std::printf("{\"persons\":%d,\"linked_certificates\":%d,\"medications\":%d,\"checkups\":%d}\n",
                    s->persons, s->linked_certificates, s->medications, s->checkups);
        return 0;
    }

    auto svc = SimulatedQualificationService::open(cfg, clock);
    if (!svc)
        return fail(svc.error() + " (run `uketsuke-qualification --data DIR seed --pki PKI_DIR` first)");
    SimDb& db = (*svc)->db();
    AuditLog& audit = (*svc)->audit();

    if (cmd == "list" && args.size() == 1) {
        auto ps = db.list_persons();
        if (!ps) return fail(ps.error());
        for (const auto& p : *ps)
            std::cout << person_json(p).dump() << "\n";
        return 0;
    }
    if (cmd == "show" && args.size() == 2) {
        auto p = db.get_person(std::atoll(args[1].c_str()));
        if (!p) return fail(p.error());
        if (!*p) return fail("no insured person with id " + args[1]);
        std::cout << person_json(**p).dump(2) << "\n";
        return 0;
    }
    if (cmd == "set" && args.size() >= 3) {
        auto p = db.get_person(std::atoll(args[1].c_str()));
        if (!p) return fail(p.error());
        if (!*p) return fail("no insured person with id " + args[1]);
        InsuredPerson person = **p;
        std::string changed;
        for (std::size_t i = 2; i < args.size(); ++i) {
            if (std::string e = apply_field(person, args[i]); !e.empty()) return fail(e);
            changed += (changed.empty() ? "" : ",") + args[i].substr(0, args[i].find('='));
        }
        if (!person.lost_on.empty() && person.loss_reason.empty())
            return fail("lost_on needs loss_reason too (01, 02, 03 or 99)");
        const char* user = std::getenv("USER");
        if (auto a = audit.append(std::string("admin-cli:") + (user ? user : "?"), "admin", "person.update",
                                  "person:" + args[1], "fields " + changed, clock.wall_now());
            !a)
            return fail(a.error());
        if (auto r = db.put_person(person); !r) return fail(r.error());
        std::cout << person_json(person).dump() << "\n";
        return 0;
    }
    if (cmd == "kiosk-key" && args.size() == 3) {
        std::ifstream f(args[2]);
        if (!f) return fail("cannot read " + args[2]);
        const std::string pem((std::istreambuf_iterator<char>(f)), {});
        if (!verify_ed25519(pem, "", std::string(64, '\0')) &&
            pem.find("BEGIN PUBLIC KEY") == std::string::npos)
            return fail(args[2] + " is not an Ed25519 public key (PEM)");
        if (auto r = db.put_kiosk_key(args[1], pem); !r) return fail(r.error());
        audit.append("admin-cli", "admin", "kiosk.key", "kiosk:" + args[1], "statement key registered",
                     clock.wall_now());
        std::printf("kiosk %s: face-statement key registered\n", args[1].c_str());
        return 0;
    }
    if (cmd == "audit" && args.size() >= 2) {
        if (args[1] == "verify") {
            auto v = audit.verify();
            if (!v) return fail(v.error());
            std::printf("%s\nhead %s\n", v->message.c_str(), v->head.c_str());
            return v->ok ? 0 : 3;
        }
        if (args[1] == "list") {
            auto es = audit.entries(args.size() > 2 ? args[2] : "");
            if (!es) return fail(es.error());
            for (const auto& e : *es)
                std::cout << nlohmann::json{{"seq", e.seq},       {"at", e.at},
                                            {"actor", e.actor},   {"role", e.role},
                                            {"action", e.action}, {"subject", e.subject},
                                            {"detail", e.detail}, {"hash", e.hash}}
                                 .dump()
                          << "\n";
            return 0;
        }
    }
    if (cmd == "process-requests" && args.size() == 1) {
        auto n = (*svc)->process_requests();
        if (!n) return fail(n.error());
        std::printf("answered %d request(s)\n", *n);
        return 0;
    }
    return usage();
}
