#include "reception/qualification/xml.h"

#include <fcntl.h>
#include <iconv.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "reception/qualification/crypto.h"

namespace uk::qualification::xml {

namespace fs = std::filesystem;

// [SECTION] Encodings

namespace {

Result<std::string> convert(const std::string& in, const char* to, const char* from) {
    iconv_t cd = iconv_open(to, from);
    if (cd == reinterpret_cast<iconv_t>(-1))
        return Error{std::string("iconv cannot convert ") + from + " to " + to};
    std::string out(in.size() * 4 + 16, '\0');
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    while (src_left > 0) {
        if (iconv(cd, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1)) {
            const int err = errno;
            iconv_close(cd);
            const std::size_t at = in.size() - src_left;
            std::string near = in.substr(at, std::min<std::size_t>(8, src_left));
            if (err == EILSEQ || err == EINVAL)
                return Error{std::string("a character cannot be converted from ") + from + " to " + to +
                             " at byte " + std::to_string(at) + " (near \"" +
                             (std::strcmp(from, "UTF-8") == 0 ? near : hex_encode(near)) + "\")"};
            return Error{std::string("iconv failed: ") + std::strerror(err)};
        }
    }
    iconv_close(cd);
    out.resize(out.size() - dst_left);
    return out;
}

}  // namespace

Result<std::string> utf8_to_sjis(const std::string& utf8) {
    return convert(utf8, "CP932", "UTF-8");
}

Result<std::string> sjis_to_utf8(const std::string& sjis) {
    return convert(sjis, "UTF-8", "CP932");
}

std::string to_halfwidth_kana(const std::string& in) {
    // U+30A1 (ァ) .. U+30F6 (ヶ): half-width form, with ﾞ / ﾟ for voiced / semi-voiced sounds.
    static const char* const kTable[] = {
        "ｧ",  "ｱ",  "ｨ",  "ｲ",  "ｩ",  "ｳ",  "ｪ",  "ｴ", "ｫ",  "ｵ",  "ｶ",  "ｶﾞ", "ｷ",  "ｷﾞ", "ｸ",
        "ｸﾞ", "ｹ",  "ｹﾞ", "ｺ",  "ｺﾞ", "ｻ",  "ｻﾞ", "ｼ", "ｼﾞ", "ｽ",  "ｽﾞ", "ｾ",  "ｾﾞ", "ｿ",  "ｿﾞ",
        "ﾀ",  "ﾀﾞ", "ﾁ",  "ﾁﾞ", "ｯ",  "ﾂ",  "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ",  "ﾄﾞ", "ﾅ",  "ﾆ",  "ﾇ",  "ﾈ",
        "ﾉ",  "ﾊ",  "ﾊﾞ", "ﾊﾟ", "ﾋ",  "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", "ﾍ",  "ﾍﾞ", "ﾍﾟ", "ﾎ",  "ﾎﾞ",
        "ﾎﾟ", "ﾏ",  "ﾐ",  "ﾑ",  "ﾒ",  "ﾓ",  "ｬ",  "ﾔ", "ｭ",  "ﾕ",  "ｮ",  "ﾖ",  "ﾗ",  "ﾘ",  "ﾙ",
        "ﾚ",  "ﾛ",  "ﾜ",  "ﾜ",  "ｲ",  "ｴ",  "ｦ",  "ﾝ", "ｳﾞ", "ｶ",  "ｹ"};
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        const auto c = static_cast<unsigned char>(in[i]);
        if (c == 0xE3 && i + 2 < in.size()) {
            const unsigned cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(in[i + 1]) & 0x3Fu) << 6) |
                                (static_cast<unsigned char>(in[i + 2]) & 0x3Fu);
            if (cp >= 0x30A1 && cp <= 0x30F6) {
                out += kTable[cp - 0x30A1];
                i += 3;
                continue;
            }
            if (cp == 0x30FC) {  // ー
                out += "ｰ";
                i += 3;
                continue;
            }
            if (cp == 0x3000) {  // ideographic space
                out += ' ';
                i += 3;
                continue;
            }
        }
        out += in[i];
        ++i;
    }
    return out;
}

// [SECTION] Writing

namespace {

std::string escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&':
                o += "&amp;";
                break;
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '"':
                o += "&quot;";
                break;
            case '\'':
                o += "&apos;";
                break;
            default:
                o += c;
        }
    }
    return o;
}

class Writer {
  public:
    void open(const char* name) {
        indent();
        out_ += "<" + std::string(name) + ">\n";
        ++depth_;
    }
    void close(const char* name) {
        --depth_;
        indent();
        out_ += "</" + std::string(name) + ">\n";
    }
    void leaf(const std::string& name, const std::string& value, bool required = false) {
        if (value.empty() && !required) return;
        indent();
        out_ += "<" + name + ">" + escape(value) + "</" + name + ">\n";
    }
    std::string& text() { return out_; }

  private:
    void indent() { out_.append(static_cast<std::size_t>(depth_) * 2, ' '); }
    std::string out_;
    int depth_ = 0;
};

const char* code_id(CharacterCode c) {
    return c == CharacterCode::Utf8 ? "0" : "1";
}

Result<std::string> finish(Writer& w, CharacterCode code) {
    const std::string decl = std::string("<?xml version=\"1.0\" encoding=\"") +
                             (code == CharacterCode::Utf8 ? "UTF-8" : "Shift_JIS") +
                             "\" standalone=\"no\"?>\n";
    std::string text = decl + w.text();
    if (code == CharacterCode::Utf8) return text;
    return utf8_to_sjis(text);
}

}  // namespace

std::vector<ConsentItem> layout_items(ConsentLayout layout) {
    if (layout == ConsentLayout::V1) return {ConsentItem::HealthCheckup, ConsentItem::Medication};
    return {ConsentItem::HealthCheckup, ConsentItem::Medication, ConsentItem::MedicalTreatment,
            ConsentItem::Surgery};
}

std::string element_prefix(ConsentItem item) {
    switch (item) {
        case ConsentItem::Medication:
            return "PharmacistsInfo";
        case ConsentItem::HealthCheckup:
            return "SpecificHealthCheckupsInfo";
        case ConsentItem::MedicalTreatment:
            return "DiagnosisInfo";
        case ConsentItem::Surgery:
            return "OperationInfo";
    }
    return "PharmacistsInfo";
}

Result<std::string> write_result(const ResultMessage& m) {
    Writer w;
    w.open("XmlMsg");
    w.open("MessageHeader");
    w.leaf("ProcessExecutionTime", m.process_execution_time, true);
    w.leaf("QualificationConfirmationDate", m.qualification_confirmation_date, true);
    w.leaf("MedicalInstitutionCode", m.medical_institution_code, true);
    w.leaf("ArbitraryFileIdentifier", m.arbitrary_file_identifier);
    w.leaf("ReferenceClassification", m.reference_classification, true);
    w.leaf("SegmentOfResult", m.segment_of_result, true);
    w.leaf("ErrorCode", m.error_code);
    w.leaf("ErrorMessage", m.error_message);
    w.leaf("CharacterCodeIdentifier", code_id(m.character_code), true);
    w.close("MessageHeader");
    w.open("MessageBody");
    if (!m.results.empty()) {
        w.open("ResultList");
        for (const auto& r : m.results) {
            w.open("ResultOfQualificationConfirmation");
            w.leaf("InsuredCardClassification", r.insured_card_classification, true);
            w.leaf("InsurerNumber", r.insurer_number);
            w.leaf("InsuredCardSymbol", r.insured_card_symbol);
            w.leaf("InsuredIdentificationNumber", r.insured_identification_number);
            w.leaf("InsuredBranchNumber", r.insured_branch_number);
            w.leaf("PersonalFamilyClassification", r.personal_family_classification);
            w.leaf("Name", r.name, true);
            w.leaf("NameKana", r.name_kana);
            w.leaf("Sex1", r.sex1, true);
            w.leaf("Birthdate", r.birthdate, true);
            w.leaf("InsuredCardValidDate", r.insured_card_valid_date);
            w.leaf("InsuredCardExpirationDate", r.insured_card_expiration_date);
            w.leaf("InsuredPartialContributionRatio", r.insured_partial_contribution_ratio);
            w.leaf("ReasonOfLoss", r.reason_of_loss);
            w.leaf("InsurerName", r.insurer_name, true);
            w.leaf("LimitApplicationCertificateRelatedConsFlg", r.limit_cons_flg);
            if (r.limit) {
                w.open("LimitApplicationCertificateRelatedInfo");
                w.leaf("LimitApplicationCertificateClassification", r.limit->classification);
                w.leaf("LimitApplicationCertificateClassificationFlag", r.limit->classification_flag);
                w.leaf("LimitApplicationCertificateValidStartDate", r.limit->valid_start);
                w.leaf("LimitApplicationCertificateValidEndDate", r.limit->valid_end);
                w.close("LimitApplicationCertificateRelatedInfo");
            }
            for (ConsentItem item : layout_items(m.layout)) {
                auto it = r.consents.find(item);
                if (it == r.consents.end()) continue;
                const std::string p = element_prefix(item);
                w.leaf(p + "ConsFlg", it->second.flg, true);
                w.leaf(p + "ConsTime", it->second.cons_time);
                w.leaf(p + "AvailableTime", it->second.available_time);
            }
            w.close("ResultOfQualificationConfirmation");
        }
        w.close("ResultList");
    }
    w.leaf("ProcessingResultStatus", m.processing_result_status, true);
    w.leaf("ProcessingResultMessage", m.processing_result_message);
    w.leaf("QualificationValidity", m.qualification_validity);
    w.close("MessageBody");
    w.close("XmlMsg");
    return finish(w, m.character_code);
}

Result<std::string> write_request(const RequestMessage& m) {
    Writer w;
    w.open("XmlMsg");
    w.open("MessageHeader");
    w.leaf("MedicalInstitutionCode", m.medical_institution_code, true);
    w.leaf("ArbitraryFileIdentifier", m.arbitrary_file_identifier);
    w.leaf("ReferenceClassification", "2", true);
    w.leaf("SegmentOfInstitution", "");
    w.leaf("QualificationConfirmationDate", m.qualification_confirmation_date, true);
    w.leaf("CharacterCodeIdentifier", code_id(m.character_code), true);
    w.close("MessageHeader");
    w.open("MessageBody");
    w.open("QualificationConfirmSearchInfo");
    w.leaf("InsurerNumber", m.insurer_number, true);
    w.leaf("InsuredCardSymbol", m.insured_card_symbol);
    w.leaf("InsuredIdentificationNumber", m.insured_identification_number, true);
    w.leaf("InsuredBranchNumber", m.insured_branch_number);
    w.leaf("Birthdate", m.birthdate, true);
    w.leaf("LimitApplicationCertificateRelatedConsFlg", m.limit_cons_flg, true);
    w.close("QualificationConfirmSearchInfo");
    w.close("MessageBody");
    w.close("XmlMsg");
    return finish(w, m.character_code);
}

// [SECTION] Parsing (libxml2 on UTF-8 text; the declared encoding is converted first, with CP932 for
// Shift_JIS)

namespace {

struct DocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

std::string name_of(const xmlNode* n) {
    return reinterpret_cast<const char*>(n->name);
}

const xmlNode* child(const xmlNode* parent, const char* name) {
    if (parent == nullptr) return nullptr;
    for (const xmlNode* c = parent->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && name_of(c) == name) return c;
    return nullptr;
}

std::string text_of(const xmlNode* n) {
    if (n == nullptr) return {};
    xmlChar* t = xmlNodeGetContent(n);
    std::string s = t ? reinterpret_cast<const char*>(t) : "";
    xmlFree(t);
    return s;
}

std::string child_text(const xmlNode* parent, const char* name) {
    return text_of(child(parent, name));
}

// Returns the UTF-8 document and the code the declaration named.
Result<std::pair<std::string, CharacterCode>> to_utf8_document(const std::string& bytes) {
    if (bytes.rfind("<?xml", 0) != 0) return Error{"not an XML file (no <?xml declaration at the start)"};
    const auto end = bytes.find("?>");
    if (end == std::string::npos) return Error{"the XML declaration is not closed"};
    std::string decl = bytes.substr(0, end + 2);
    std::string lower;
    for (char c : decl)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CharacterCode code = CharacterCode::Utf8;
    if (lower.find("shift_jis") != std::string::npos || lower.find("shift-jis") != std::string::npos ||
        lower.find("cp932") != std::string::npos || lower.find("windows-31j") != std::string::npos) {
        code = CharacterCode::ShiftJis;
    } else if (lower.find("encoding") != std::string::npos && lower.find("utf-8") == std::string::npos) {
        return Error{"unsupported encoding in the XML declaration: " + decl};
    }
    std::string body = bytes.substr(end + 2);
    if (code == CharacterCode::ShiftJis) {
        auto u = sjis_to_utf8(body);
        if (!u) return Error{"the file says Shift_JIS but " + u.error()};
        body = std::move(*u);
    }
    return std::make_pair("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body, code);
}

Result<DocPtr> parse_doc(const std::string& utf8) {
    DocPtr doc(xmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), "file.xml", "UTF-8",
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    if (!doc) {
        const xmlError* e = xmlGetLastError();
        std::string msg = e && e->message ? e->message : "malformed XML";
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
            msg.pop_back();
        return Error{"malformed XML: " + msg + (e ? " (line " + std::to_string(e->line) + ")" : "")};
    }
    const xmlNode* root = xmlDocGetRootElement(doc.get());
    if (root == nullptr || name_of(root) != "XmlMsg") return Error{"the root element must be <XmlMsg>"};
    return doc;
}

Result<bool> require(const xmlNode* parent, const char* parent_name, const char* name, std::string& out) {
    const xmlNode* n = child(parent, name);
    if (n == nullptr) return Error{std::string(parent_name) + "/" + name + " is missing"};
    out = text_of(n);
    return true;
}

}  // namespace

Result<ResultMessage> parse_result(const std::string& bytes) {
    auto u = to_utf8_document(bytes);
    if (!u) return Error{u.error()};
    auto doc = parse_doc(u->first);
    if (!doc) return Error{doc.error()};
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    const xmlNode* h = child(root, "MessageHeader");
    const xmlNode* b = child(root, "MessageBody");
    if (!h) return Error{"XmlMsg/MessageHeader is missing"};
    if (!b) return Error{"XmlMsg/MessageBody is missing"};
    ResultMessage m;
    std::string code;
    for (auto [name, field] : {std::pair{"ProcessExecutionTime", &m.process_execution_time},
                               {"QualificationConfirmationDate", &m.qualification_confirmation_date},
                               {"MedicalInstitutionCode", &m.medical_institution_code},
                               {"ReferenceClassification", &m.reference_classification},
                               {"SegmentOfResult", &m.segment_of_result},
                               {"CharacterCodeIdentifier", &code}}) {
        if (auto r = require(h, "MessageHeader", name, *field); !r) return Error{r.error()};
    }
    if (code != "0" && code != "1")
        return Error{"MessageHeader/CharacterCodeIdentifier must be 0 or 1, not " + code};
    m.character_code = code == "0" ? CharacterCode::Utf8 : CharacterCode::ShiftJis;
    if (m.character_code != u->second)
        return Error{"CharacterCodeIdentifier " + code +
                     " disagrees with the encoding the XML declaration names"};
    m.arbitrary_file_identifier = child_text(h, "ArbitraryFileIdentifier");
    m.error_code = child_text(h, "ErrorCode");
    m.error_message = child_text(h, "ErrorMessage");
    if (auto r = require(b, "MessageBody", "ProcessingResultStatus", m.processing_result_status); !r)
        return Error{r.error()};
    m.processing_result_message = child_text(b, "ProcessingResultMessage");
    m.qualification_validity = child_text(b, "QualificationValidity");
    m.layout = ConsentLayout::V1;
    if (const xmlNode* list = child(b, "ResultList")) {
        for (const xmlNode* n = list->children; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE) continue;
            if (name_of(n) != "ResultOfQualificationConfirmation")
                return Error{"ResultList holds an unexpected <" + name_of(n) + ">"};
            QualificationResultXml r;
            const char* P = "ResultOfQualificationConfirmation";
            for (auto [name, field] : {std::pair{"InsuredCardClassification", &r.insured_card_classification},
                                       {"Name", &r.name},
                                       {"Sex1", &r.sex1},
                                       {"Birthdate", &r.birthdate},
                                       {"InsurerName", &r.insurer_name}}) {
                if (auto x = require(n, P, name, *field); !x) return Error{x.error()};
            }
            r.insurer_number = child_text(n, "InsurerNumber");
            r.insured_card_symbol = child_text(n, "InsuredCardSymbol");
            r.insured_identification_number = child_text(n, "InsuredIdentificationNumber");
            r.insured_branch_number = child_text(n, "InsuredBranchNumber");
            r.personal_family_classification = child_text(n, "PersonalFamilyClassification");
            r.name_kana = child_text(n, "NameKana");
            r.insured_card_valid_date = child_text(n, "InsuredCardValidDate");
            r.insured_card_expiration_date = child_text(n, "InsuredCardExpirationDate");
            r.insured_partial_contribution_ratio = child_text(n, "InsuredPartialContributionRatio");
            r.reason_of_loss = child_text(n, "ReasonOfLoss");
            r.limit_cons_flg = child_text(n, "LimitApplicationCertificateRelatedConsFlg");
            if (const xmlNode* li = child(n, "LimitApplicationCertificateRelatedInfo")) {
                LimitInfo l;
                l.classification = child_text(li, "LimitApplicationCertificateClassification");
                l.classification_flag = child_text(li, "LimitApplicationCertificateClassificationFlag");
                l.valid_start = child_text(li, "LimitApplicationCertificateValidStartDate");
                l.valid_end = child_text(li, "LimitApplicationCertificateValidEndDate");
                r.limit = l;
            }
            for (ConsentItem item : layout_items(ConsentLayout::V2)) {
                const std::string p = element_prefix(item);
                const xmlNode* f = child(n, (p + "ConsFlg").c_str());
                if (!f) continue;
                if (item == ConsentItem::MedicalTreatment || item == ConsentItem::Surgery)
                    m.layout = ConsentLayout::V2;
                ConsentFlag cf{text_of(f), child_text(n, (p + "ConsTime").c_str()),
                               child_text(n, (p + "AvailableTime").c_str())};
                if (cf.flg != "0" && cf.flg != "1" && cf.flg != "2" && cf.flg != "3")
                    return Error{P + std::string("/") + p + "ConsFlg must be 0-3, not \"" + cf.flg + "\""};
                r.consents[item] = cf;
            }
            m.results.push_back(std::move(r));
        }
    }
    return m;
}

Result<RequestMessage> parse_request(const std::string& bytes) {
    auto u = to_utf8_document(bytes);
    if (!u) return Error{u.error()};
    auto doc = parse_doc(u->first);
    if (!doc) return Error{doc.error()};
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    const xmlNode* h = child(root, "MessageHeader");
    const xmlNode* b = child(root, "MessageBody");
    if (!h) return Error{"XmlMsg/MessageHeader is missing"};
    const xmlNode* q = child(b, "QualificationConfirmSearchInfo");
    if (!q) return Error{"XmlMsg/MessageBody/QualificationConfirmSearchInfo is missing"};
    RequestMessage m;
    std::string code;
    for (auto [name, field] : {std::pair{"MedicalInstitutionCode", &m.medical_institution_code},
                               {"QualificationConfirmationDate", &m.qualification_confirmation_date},
                               {"CharacterCodeIdentifier", &code}}) {
        if (auto r = require(h, "MessageHeader", name, *field); !r) return Error{r.error()};
    }
    if (code != "0" && code != "1")
        return Error{"MessageHeader/CharacterCodeIdentifier must be 0 or 1, not " + code};
    m.character_code = code == "0" ? CharacterCode::Utf8 : CharacterCode::ShiftJis;
    m.arbitrary_file_identifier = child_text(h, "ArbitraryFileIdentifier");
    for (auto [name, field] : {std::pair{"InsurerNumber", &m.insurer_number},
                               {"InsuredIdentificationNumber", &m.insured_identification_number},
                               {"Birthdate", &m.birthdate}}) {
        if (auto r = require(q, "QualificationConfirmSearchInfo", name, *field); !r) return Error{r.error()};
    }
    m.insured_card_symbol = child_text(q, "InsuredCardSymbol");
    m.insured_branch_number = child_text(q, "InsuredBranchNumber");
    m.limit_cons_flg = child_text(q, "LimitApplicationCertificateRelatedConsFlg");
    return m;
}

// [SECTION] Files

std::string face_file_name(const ResultMessage& m) {
    std::string id = m.arbitrary_file_identifier;
    for (auto& c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '_';
    return m.medical_institution_code + "_" + m.process_execution_time + "_" + id + ".xml";
}

Result<fs::path> write_atomically(const fs::path& dir, const std::string& name, const std::string& bytes) {
    if (name.empty() || name.find('/') != std::string::npos || name.front() == '.')
        return Error{"bad file name \"" + name + "\""};
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot create the folder " + dir.string() + ": " + ec.message()};
    const fs::path final_path = dir / name;
    const fs::path tmp = dir / ("." + name + ".tmp-" + hex_encode(random_bytes(6)));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0) return Error{"cannot create " + tmp.string() + ": " + std::strerror(errno)};
    std::size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string err = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return Error{"cannot write " + tmp.string() + ": " + err};
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string err = std::strerror(errno);
        ::unlink(tmp.c_str());
        return Error{"cannot flush " + tmp.string() + ": " + err};
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        const std::string err = std::strerror(errno);
        ::unlink(tmp.c_str());
        return Error{"cannot rename to " + final_path.string() + ": " + err};
    }
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return final_path;
}

}  // namespace uk::qualification::xml
