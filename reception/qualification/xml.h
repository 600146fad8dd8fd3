// The レセコン integration files in the layout of the MHLW オンライン資格確認 integration (連携アプリ): an
// <XmlMsg> with a <MessageHeader> and a <MessageBody> holding
// <ResultList>/<ResultOfQualificationConfirmation>, written into the configured folder's `face/` (results of
// check-ins at the face-recognition card reader, i.e. our kiosk) and `res/` (answers to the レセコン's
// requests dropped in `req/`).
//
// Encoding: Shift_JIS (CP932, via glibc iconv) by default, UTF-8 on request; <CharacterCodeIdentifier> says
// which (0 = UTF-8, 1 = Shift_JIS) and the XML declaration names it. Consent flags in two layouts:
//   V1: 特定健診情報 and 薬剤情報 only (SpecificHealthCheckupsInfo*, PharmacistsInfo*: ConsFlg / ConsTime /
//       AvailableTime), as the first face-reader interface had them;
//   V2: V1 plus 診療情報 (DiagnosisInfo*) and 手術情報 (OperationInfo*).
// docs/qualification.md says where each name comes from and what is our assumption.
//
// Files are written atomically: a hidden temporary name in the same folder, fsync, rename, fsync of the
// folder. A reader never sees half a file.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/core/types.h"

namespace uk::qualification::xml {

enum class CharacterCode { Utf8, ShiftJis };  // CharacterCodeIdentifier 0 / 1
enum class ConsentLayout { V1, V2 };

struct ConsentFlag {
    std::string flg;  // OQSCD016: 0 同意なし, 1 同意あり, 2 同意有効期限切れ, 3 同意取得困難
    std::string cons_time;       // yyyyMMddHHmmss
    std::string available_time;  // yyyyMMddHHmmss (consent holds 24 hours at a face reader)
    bool operator==(const ConsentFlag&) const = default;
};

struct LimitInfo {                    // LimitApplicationCertificateRelatedInfo
    std::string classification;       // LimitApplicationCertificateClassification
    std::string classification_flag;  // LimitApplicationCertificateClassificationFlag
    std::string valid_start;          // LimitApplicationCertificateValidStartDate yyyyMMdd
    std::string valid_end;            // LimitApplicationCertificateValidEndDate yyyyMMdd
    bool operator==(const LimitInfo&) const = default;
};

struct QualificationResultXml {  // ResultOfQualificationConfirmation
    std::string insured_card_classification;
    std::string insurer_number;
    std::string insured_card_symbol;
    std::string insured_identification_number;
    std::string insured_branch_number;
    std::string personal_family_classification;
    std::string name;
    std::string name_kana;  // half-width katakana
    std::string sex1;
    std::string birthdate;  // yyyyMMdd
    std::string insured_card_valid_date;
    std::string insured_card_expiration_date;
    std::string insured_partial_contribution_ratio;  // e.g. "030" for 3割
    std::string reason_of_loss;
    std::string insurer_name;
    std::string limit_cons_flg;  // LimitApplicationCertificateRelatedConsFlg
    std::optional<LimitInfo> limit;
    std::map<ConsentItem, ConsentFlag> consents;  // which items appear depends on the layout
    bool operator==(const QualificationResultXml&) const = default;
};

struct ResultMessage {
    // MessageHeader
    std::string process_execution_time;           // yyyyMMddHHmmss
    std::string qualification_confirmation_date;  // yyyyMMdd
    std::string medical_institution_code;         // 10 digits
    std::string arbitrary_file_identifier;
    std::string reference_classification = "1";  // 1 マイナンバーカード, 2 被保険者証情報
    std::string segment_of_result = "1";         // 1 正常終了, 9 異常終了
    std::string error_code;
    std::string error_message;
    CharacterCode character_code = CharacterCode::ShiftJis;
    // MessageBody
    std::string processing_result_status = "1";  // 1 正常終了, 2 エラー
    std::string qualification_validity;  // 1 有効, 2 無効, 3 無効（新しい資格あり）, 4 該当資格なし
    std::string processing_result_message;  // our addition for staff (reason in words), optional
    std::vector<QualificationResultXml> results;
    ConsentLayout layout = ConsentLayout::V2;
    bool operator==(const ResultMessage&) const = default;
};

// A レセコン request (req/): 被保険者証情報 to confirm.
struct RequestMessage {
    std::string medical_institution_code;
    std::string arbitrary_file_identifier;
    std::string qualification_confirmation_date;  // yyyyMMdd
    CharacterCode character_code = CharacterCode::ShiftJis;
    std::string insurer_number;
    std::string insured_card_symbol;
    std::string insured_identification_number;
    std::string insured_branch_number;
    std::string birthdate;       // yyyyMMdd
    std::string limit_cons_flg;  // 0 / 1
    bool operator==(const RequestMessage&) const = default;
};

// The consent items a layout carries, in element order.
std::vector<ConsentItem> layout_items(ConsentLayout layout);
// Element-name prefix of an item: "PharmacistsInfo", "SpecificHealthCheckupsInfo", "DiagnosisInfo",
// "OperationInfo".
std::string element_prefix(ConsentItem item);

// Serialise (already in the file's encoding). Fails when a value cannot be represented in Shift_JIS.
Result<std::string> write_result(const ResultMessage& m);
Result<std::string> write_request(const RequestMessage& m);
// Parse a file's bytes (encoding taken from the XML declaration).
Result<ResultMessage> parse_result(const std::string& bytes);
Result<RequestMessage> parse_request(const std::string& bytes);

// UTF-8 <-> CP932 through iconv; errors name the first character that does not convert.
Result<std::string> utf8_to_sjis(const std::string& utf8);
Result<std::string> sjis_to_utf8(const std::string& sjis);
// Full-width katakana (and the ideographic space) to half-width, as the files carry NameKana.
std::string to_halfwidth_kana(const std::string& utf8);

// File names. face/: <医療機関コード>_<yyyyMMddHHmmss>_<record id>.xml; res/: the request's own name.
std::string face_file_name(const ResultMessage& m);

// Atomic write of `bytes` to `dir/name` (dir created if needed). Returns the final path.
Result<std::filesystem::path> write_atomically(const std::filesystem::path& dir, const std::string& name,
                                               const std::string& bytes);

}  // namespace uk::qualification::xml
