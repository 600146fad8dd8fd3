#include "reception/qualification/seed.h"

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "reception/qualification/crypto.h"

namespace uk::qualification {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(f), {});
}

struct SeedRow {
    InsuredPerson insurance;  // name, kana, sex and birth date come from the identity
    std::vector<MedicationEntry> medications;
    std::vector<CheckupEntry> checkups;
};

// The simulated insurance data of each test identity (docs/qualification.md lists them).
std::map<std::string, SeedRow> insurance_table() {
    std::map<std::string, SeedRow> t;
    auto ins = [](std::string insurer, std::string insurer_name, std::string symbol, std::string number,
                  std::string branch, std::string family, int burden, std::string from, std::string until) {
        InsuredPerson p;
        p.insurer_number = std::move(insurer);
        p.insurer_name = std::move(insurer_name);
        p.card_symbol = std::move(symbol);
        p.card_number = std::move(number);
        p.branch_number = std::move(branch);
        p.personal_family = std::move(family);
        p.burden_percent = burden;
        p.valid_from = std::move(from);
        p.valid_until = std::move(until);
        return p;
    };
    // Valid, with a 限度額適用認定 (区分ウ) and both kinds of shared data.
    SeedRow yamada{
        ins("01130012", "全国健康保険協会東京支部", "12345678", "101", "00", "1", 30, "2020-04-01", ""),
        {{"2026-11-10", "アムロジピン錠5mg", "1回1錠 1日1回 朝食後", 28, "うけつけ薬局 本町店"},
         {"2026-10-13", "アムロジピン錠5mg", "1回1錠 1日1回 朝食後", 28, "うけつけ薬局 本町店"},
         {"2026-09-02", "ロキソプロフェンNa錠60mg", "1回1錠 疼痛時", 5, "みなみ薬局"}},
        {{"2026-06-15", "HbA1c", "5.9", "%"},
         {"2026-06-15", "収縮期血圧", "138", "mmHg"},
         {"2026-06-15", "LDLコレステロール", "142", "mg/dL"},
         {"2026-06-15", "BMI", "24.8", "kg/m2"}}};
    yamada.insurance.limit = LimitCertificate{"01", "A03", "2026-04-01", "2027-03-31"};
    t["yamada-taro"] = yamada;
    // Valid, a dependant (家族) of a health-insurance society.
    t["suzuki-hanako"] = {
        ins("06139876", "うけつけ健康保険組合", "2001", "4567", "01", "2", 30, "2022-10-01", ""),
        {{"2026-11-01", "フェキソフェナジン塩酸塩錠60mg", "1回1錠 1日2回 朝夕食後", 14, "さくら薬局"}},
        {{"2026-05-20", "HbA1c", "5.3", "%"}}};
    // Valid, 後期高齢者医療 (1割); his card's PIN is blocked, so he checks in by face or with staff.
    t["tanaka-ichiro"] = {
        ins("39131015", "東京都後期高齢者医療広域連合", "", "11223344", "", "1", 10, "2013-02-28", ""),
        {{"2026-11-18", "ワーファリン錠1mg", "1回3錠 1日1回 朝食後", 28, "うけつけ薬局 本町店"},
         {"2026-11-18", "ランソプラゾールOD錠15mg", "1回1錠 1日1回 朝食後", 28, "うけつけ薬局 本町店"}},
        {}};
    // Insurance valid, but his certificate expired in 2024 (beyond the three-month grace).
    t["sato-jiro"] = {ins("00138057", "千代田区", "", "3015", "", "1", 30, "2019-04-01", ""), {}, {}};
    // Her certificate is revoked; insurance data exist.
    t["ito-yoko"] = {
        ins("01270010", "全国健康保険協会福岡支部", "33221100", "7", "00", "1", 30, "2023-04-01", ""),
        {},
        {}};
    // 資格喪失: left the national health insurance when her family joined an employer's insurance (03).
    SeedRow kobayashi{ins("00040014", "仙台市", "", "88990", "", "1", 20, "2019-05-01", ""), {}, {}};
    kobayashi.insurance.lost_on = "2026-09-30";
    kobayashi.insurance.loss_reason = "03";
    t["kobayashi-rei"] = kobayashi;
    return t;
}

// Persons without a card in the test PKI (the レセコン asks about them by insurance numbers).
std::vector<InsuredPerson> cardless_persons() {
    InsuredPerson a;
    a.insurer_number = "01130012";
    a.insurer_name = "全国健康保険協会東京支部";
    a.card_symbol = "12345678";
    a.card_number = "102";
    a.branch_number = "00";
    a.name = "高橋 健";
    a.name_kana = "タカハシ ケン";
    a.sex = "1";
    a.birth_date = "1979-08-30";
    a.burden_percent = 30;
    a.valid_from = "2015-04-01";
    a.valid_until = "2026-03-31";  // validity ended
    InsuredPerson b = a;
    b.card_number = "103";
    b.name = "中村 美咲";
    b.name_kana = "ナカムラ ミサキ";
    b.sex = "2";
    b.birth_date = "1995-12-24";
    b.valid_from = "2024-04-01";
    b.valid_until = "";
    return {a, b};
}

}  // namespace

Result<SeedSummary> seed_from_pki(SimDb& db, const fs::path& pki_dir) {
    SeedSummary s;
    auto existing = db.list_persons();
    if (!existing) return Error{existing.error()};
    if (!existing->empty()) return s;
    auto manifest_text = slurp(pki_dir / "pki.json");
    if (!manifest_text)
        return Error{"no test PKI at " + pki_dir.string() + " (run uketsuke-pki --out DIR first)"};
    auto manifest = nlohmann::json::parse(*manifest_text, nullptr, false);
    if (manifest.is_discarded() || !manifest.contains("identities") || !manifest["identities"].is_array())
        return Error{(pki_dir / "pki.json").string() + " is not a test PKI manifest"};
    const auto table = insurance_table();
    for (const auto& name_json : manifest["identities"]) {
        if (!name_json.is_string()) continue;
        const std::string name = name_json.get<std::string>();
        auto row = table.find(name);
        if (row == table.end()) continue;  // an identity without simulated insurance: "person unknown"
        const fs::path dir = pki_dir / "identities" / name;
        auto id_text = slurp(dir / "identity.json");
        auto der = slurp(dir / "auth-cert.der");
        if (!id_text || !der) return Error{"identity " + name + " is incomplete under " + dir.string()};
        auto id = nlohmann::json::parse(*id_text, nullptr, false);
        if (id.is_discarded()) return Error{(dir / "identity.json").string() + " does not parse"};
        InsuredPerson p = row->second.insurance;
        p.name = id.value("display_name", "");
        p.name_kana = id.value("kana", "");
        p.sex = id.value("sex", "");
        p.birth_date = id.value("birth_date", "");
        auto pid = db.put_person(p);
        if (!pid) return Error{pid.error()};
        ++s.persons;
        auto ref = certificate_ref(*der);
        if (!ref) return Error{name + ": " + ref.error()};
        if (auto r = db.link_certificate(*pid, ref->issuer, ref->serial_hex, *der); !r)
            return Error{r.error()};
        ++s.linked_certificates;
        for (const auto& m : row->second.medications) {
            if (auto r = db.add_medication(*pid, m); !r) return Error{r.error()};
            ++s.medications;
        }
        for (const auto& c : row->second.checkups) {
            if (auto r = db.add_checkup(*pid, c); !r) return Error{r.error()};
            ++s.checkups;
        }
    }
    for (const auto& p : cardless_persons()) {
        if (auto r = db.put_person(p); !r) return Error{r.error()};
        ++s.persons;
    }
    return s;
}

Result<bool> install_trust_anchor(const fs::path& pki_dir, const fs::path& ca_out, const fs::path& crl_out) {
    std::error_code ec;
    for (const auto& [from, to] : {std::pair{pki_dir / "ca" / "auth-ca.pem", ca_out},
                                   std::pair{pki_dir / "ca" / "auth-ca.crl", crl_out}}) {
        if (to.has_parent_path()) fs::create_directories(to.parent_path(), ec);
        fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
        if (ec) return Error{"cannot copy " + from.string() + " to " + to.string() + ": " + ec.message()};
    }
    return true;
}

}  // namespace uk::qualification
