// Vocabulary of the qualification room (資格確認): the insured person as the national system knows them, the
// past medication and specific-health-checkup data shared with consent, the reasons a confirmation fails
// (Japanese first for staff, English beside), and the staff roles that may view consented information.
//
// Nothing here holds a My Number: the simulator links a person to the card's user-authentication
// certificate (issuer + serial), the way the real system links the certificate to the insurance record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uk::qualification {

// [SECTION] Reasons (words staff understand)

enum class Reason {
    None,                  // valid
    CertificateMalformed,  // the certificate does not parse
    CertificateUnknown,  // no certificate given, or not one the issuing authority knows (by issuer + serial)
    CertificateUntrusted,    // not issued by the JPKI user-authentication CA
    CertificateNotYetValid,  // notBefore in the future
    CertificateExpired,      // expired more than the grace period ago
    CertificateRevoked,      // on the CRL
    RevocationUnavailable,   // no usable CRL (missing, stale, badly signed)
    ChallengeUnknown,        // the PIN path names a challenge the reception never issued
    ChallengeExpired,        // issued too long ago
    ChallengeReplayed,       // already used once
    ChallengeOtherKiosk,     // issued to another kiosk
    SignatureInvalid,        // the card's signature does not verify with the certificate's key
    FaceStatementInvalid,    // the kiosk's face statement is unsigned, badly signed or for another check-in
    FaceNotMatched,          // the statement says the face did not match / liveness failed
    StaffNotRecorded,        // visual check without the confirming staff member
    PersonUnknown,           // no insured person linked to this certificate
    QualificationLost,       // 資格喪失
    QualificationExpired,    // the insurance card's validity ended
    QualificationNotYetValid,
};

struct ReasonText {
    std::string_view ja;
    std::string_view en;
};
ReasonText reason_text(Reason r);
// "資格喪失（退職等）です / Qualification lost" style line for the monitor and the record.
std::string reason_line(Reason r);
std::string_view to_string(Reason r);  // stable wire name, e.g. "certificate_revoked"

// [SECTION] Roles that may view consented information

enum class StaffRole { Clerk, Doctor, Pharmacist, Admin };
std::string_view to_string(StaffRole r);
std::optional<StaffRole> parse_staff_role(std::string_view s);  // "clerk" | "doctor" | "pharmacist" | "admin"

// [SECTION] The insured person (被保険者)

// 資格喪失事由 (OQSCD code list as public レセコン integrations use it): 01 死亡, 02 生活保護受給開始,
// 03 医療保険等の資格取得, 99 その他.
struct LimitCertificate {               // 限度額適用認定 (limit-application certificate)
    std::string classification = "01";  // 01 限度額適用認定証, 02 限度額適用・標準負担額減額認定証
    std::string category;               // 適用区分 A01 (ア) .. A05 (オ), B01 .. B06
    std::string valid_from;   // YYYY-MM-DD
    std::string valid_until;  // YYYY-MM-DD
    bool operator==(const LimitCertificate&) const = default;
};

struct InsuredPerson {
    std::int64_t id = 0;
    std::string insurer_number;  // 保険者番号, 8 digits (6 for 国保 are right-aligned with spaces in the XML)
    std::string insurer_name;
    std::string card_classification = "01";  // 被保険者証区分 01 一般
    std::string card_symbol;                 // 記号
    std::string card_number;                 // 番号
    std::string branch_number;               // 枝番, 2 digits
    std::string personal_family = "1";       // 1 本人, 2 家族
    std::string name;                        // 氏名 (full-width, space between family and given name)
    std::string name_kana;                   // カナ氏名 (full-width katakana; the XML writes half-width)
    std::string sex;                         // 1 male, 2 female
    std::string birth_date;                  // YYYY-MM-DD
    int burden_percent = 30;                 // 負担割合: 10, 20, 30
    std::string valid_from;                  // YYYY-MM-DD 資格取得 / 証の有効開始
    std::string valid_until;                 // YYYY-MM-DD 有効期限, empty = open-ended
    std::string lost_on;                     // YYYY-MM-DD 資格喪失日, empty = not lost
    std::string loss_reason;                 // 資格喪失事由 code when lost
    std::optional<LimitCertificate> limit;
    bool operator==(const InsuredPerson&) const = default;
};

// [SECTION] Shared information (with consent)

struct MedicationEntry {       // 薬剤情報
    std::string dispensed_on;  // YYYY-MM-DD 調剤日
    std::string drug;          // 薬品名
    std::string dose;          // 用量 (e.g. "1回1錠 1日2回")
    int days = 0;              // 日数
    std::string pharmacy;      // 調剤薬局
    bool operator==(const MedicationEntry&) const = default;
};

struct CheckupEntry {        // 特定健診情報
    std::string checked_on;  // YYYY-MM-DD 実施日
    std::string item;        // 項目 (e.g. "HbA1c")
    std::string value;
    std::string unit;
    bool operator==(const CheckupEntry&) const = default;
};

}  // namespace uk::qualification
