#include "reception/qualification/types.h"

#include <array>
#include <utility>

namespace uk::qualification {

namespace {

struct ReasonRow {
    Reason reason;
    std::string_view wire;
    std::string_view ja;
    std::string_view en;
};

constexpr std::array kReasons = {
    ReasonRow{Reason::None, "none", "資格確認できました", "Qualification confirmed"},
    ReasonRow{Reason::CertificateMalformed, "certificate_malformed", "カードの電子証明書が読み取れません",
              "The card's certificate cannot be read"},
    ReasonRow{
        Reason::CertificateUnknown, "certificate_unknown",
        "この電子証明書は認証局の記録にありません（カードを読み直すか保険証等で確認してください）",
        "The issuing authority does not know this certificate (read the card again or check another proof)"},
    ReasonRow{Reason::CertificateUntrusted, "certificate_untrusted",
              "電子証明書の発行元を確認できません（公的個人認証の証明書ではありません）",
              "The certificate was not issued by the JPKI authority"},
    ReasonRow{Reason::CertificateNotYetValid, "certificate_not_yet_valid",
              "電子証明書の有効期間がまだ始まっていません", "The certificate is not valid yet"},
    ReasonRow{Reason::CertificateExpired, "certificate_expired",
              "電子証明書の有効期限が切れて3か月を過ぎています（市区町村で更新が必要です）",
              "The certificate expired more than three months ago (renew at the municipality)"},
    ReasonRow{Reason::CertificateRevoked, "certificate_revoked",
              "電子証明書が失効しています（紛失届・再発行など）",
              "The certificate has been revoked (card reported lost or reissued)"},
    ReasonRow{Reason::RevocationUnavailable, "revocation_unavailable",
              "失効情報を確認できないため資格確認できません（システム管理者へ連絡してください）",
              "Revocation information is unavailable; call the system administrator"},
    ReasonRow{Reason::ChallengeUnknown, "challenge_unknown",
              "本人確認の手続きが無効です（もう一度お試しください）",
              "The identity check refers to an unknown challenge; try again"},
    ReasonRow{Reason::ChallengeExpired, "challenge_expired",
              "本人確認の手続きが時間切れです（もう一度お試しください）",
              "The identity check took too long; try again"},
    ReasonRow{Reason::ChallengeReplayed, "challenge_replayed",
              "本人確認のデータが再利用されました（不正の可能性）",
              "The identity proof was used before (possible replay)"},
    ReasonRow{Reason::ChallengeOtherKiosk, "challenge_other_kiosk", "本人確認のデータが別の受付機のものです",
              "The identity proof belongs to another kiosk"},
    ReasonRow{Reason::SignatureInvalid, "signature_invalid",
              "カードの署名を確認できません（暗証番号による本人確認の失敗）",
              "The card's signature does not verify (PIN identity check failed)"},
    ReasonRow{Reason::FaceStatementInvalid, "face_statement_invalid",
              "受付機の顔認証結果を確認できません（署名が無効です）",
              "The kiosk's face-check statement does not verify"},
    ReasonRow{Reason::FaceNotMatched, "face_not_matched", "顔認証で本人確認できませんでした",
              "The face check did not confirm the patient"},
    ReasonRow{Reason::StaffNotRecorded, "staff_not_recorded", "目視確認した職員が記録されていません",
              "The staff member who checked visually is not recorded"},
    ReasonRow{Reason::PersonUnknown, "person_unknown",
              "該当する資格情報がありません（保険証等で確認してください）",
              "No insurance record for this card; check another proof of insurance"},
    ReasonRow{Reason::QualificationLost, "qualification_lost",
              "資格喪失しています（保険者が変わった可能性があります）",
              "Qualification lost (the patient may have changed insurer)"},
    ReasonRow{Reason::QualificationExpired, "qualification_expired", "保険の有効期限が切れています",
              "The insurance validity has ended"},
    ReasonRow{Reason::QualificationNotYetValid, "qualification_not_yet_valid",
              "保険の資格がまだ有効になっていません", "The insurance qualification is not valid yet"},
};

constexpr std::array<std::pair<StaffRole, std::string_view>, 4> kRoles = {{
    {StaffRole::Clerk, "clerk"},
    {StaffRole::Doctor, "doctor"},
    {StaffRole::Pharmacist, "pharmacist"},
    {StaffRole::Admin, "admin"},
}};

const ReasonRow& row(Reason r) {
    for (const auto& x : kReasons)
        if (x.reason == r) return x;
    return kReasons[0];
}

}  // namespace

ReasonText reason_text(Reason r) {
    const auto& x = row(r);
    return {x.ja, x.en};
}

std::string reason_line(Reason r) {
    const auto& x = row(r);
    return std::string(x.ja) + " / " + std::string(x.en);
}

std::string_view to_string(Reason r) {
    return row(r).wire;
}

std::string_view to_string(StaffRole r) {
    for (const auto& [k, v] : kRoles)
        if (k == r) return v;
    return "clerk";
}

std::optional<StaffRole> parse_staff_role(std::string_view s) {
    for (const auto& [k, v] : kRoles)
        if (v == s) return k;
    return std::nullopt;
}

}  // namespace uk::qualification
