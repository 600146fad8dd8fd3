// Shared parts of both stores: enum wire names, the entry state machine, JSON forms, the change listener.
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "reception/store/store.h"

namespace uk::reception {

namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
    for (const auto& [v, name] : table)
        if (name == s) return v;
    return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
    for (const auto& [e, name] : table)
        if (e == v) return name;
    return "?";
}

constexpr std::array<std::pair<EntryStatus, std::string_view>, 5> kStatusNames{{
    {EntryStatus::Waiting, "waiting"},
    {EntryStatus::Called, "called"},
    {EntryStatus::InConsultation, "in_consultation"},
    {EntryStatus::Done, "done"},
    {EntryStatus::Cancelled, "cancelled"},
}};
constexpr std::array<std::pair<EntryAction, std::string_view>, 4> kActionNames{{
    {EntryAction::Call, "call"},
    {EntryAction::Start, "start"},
    {EntryAction::Finish, "finish"},
    {EntryAction::Cancel, "cancel"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 4> kRoleNames{{
    {Role::Clerk, "clerk"},
    {Role::Doctor, "doctor"},
    {Role::Pharmacist, "pharmacist"},
    {Role::Admin, "admin"},
}};
constexpr std::array<std::pair<VisualCheckState, std::string_view>, 3> kVisualNames{{
    {VisualCheckState::Pending, "pending"},
    {VisualCheckState::Confirmed, "confirmed"},
    {VisualCheckState::Rejected, "rejected"},
}};
constexpr std::array<std::pair<Change::Kind, std::string_view>, 4> kChangeNames{{
    {Change::Kind::Entry, "entry"},
    {Change::Kind::Heartbeat, "heartbeat"},
    {Change::Kind::VisualCheck, "visual_check"},
    {Change::Kind::Alert, "alert"},
}};
constexpr std::array<std::string_view, 6> kAlertKinds{"staff_help",  "card_blocked", "card_error",
                                                      "camera_lost", "reader_lost",  "other"};

}  // namespace

std::string_view to_string(EntryStatus s) {
    return name_of(kStatusNames, s);
}
std::optional<EntryStatus> parse_entry_status(std::string_view s) {
    return lookup(kStatusNames, s);
}
std::string_view to_string(EntryAction a) {
    return name_of(kActionNames, a);
}
std::optional<EntryAction> parse_entry_action(std::string_view s) {
    return lookup(kActionNames, s);
}
std::string_view to_string(Role r) {
    return name_of(kRoleNames, r);
}
std::optional<Role> parse_role(std::string_view s) {
    return lookup(kRoleNames, s);
}
std::string_view to_string(VisualCheckState s) {
    return name_of(kVisualNames, s);
}
std::string_view to_string(Change::Kind k) {
    return name_of(kChangeNames, k);
}
std::optional<Change::Kind> parse_change_kind(std::string_view s) {
    return lookup(kChangeNames, s);
}
bool is_alert_kind(std::string_view kind) {
    for (auto k : kAlertKinds)
        if (k == kind) return true;
    return false;
}

// waiting -> called -> in_consultation -> done; call again while called (re-call); cancel until done.
std::optional<EntryStatus> apply_action(EntryStatus from, EntryAction a) {
    switch (a) {
        case EntryAction::Call:
            if (from == EntryStatus::Waiting || from == EntryStatus::Called) return EntryStatus::Called;
            return std::nullopt;
        case EntryAction::Start:
            if (from == EntryStatus::Waiting || from == EntryStatus::Called)
                return EntryStatus::InConsultation;
            return std::nullopt;
        case EntryAction::Finish:
            if (from == EntryStatus::InConsultation) return EntryStatus::Done;
            return std::nullopt;
        case EntryAction::Cancel:
            if (from == EntryStatus::Waiting || from == EntryStatus::Called ||
                from == EntryStatus::InConsultation)
                return EntryStatus::Cancelled;
            return std::nullopt;
    }
    return std::nullopt;
}

void Store::set_change_listener(std::function<void(const Change&)> listener) {
    std::lock_guard lock(listener_mutex_);
    listener_ = std::move(listener);
}

void Store::emit(const Change& c) const {
    std::function<void(const Change&)> l;
    {
        std::lock_guard lock(listener_mutex_);
        l = listener_;
    }
    if (l) l(c);
}

nlohmann::json entry_to_json(const QueueEntry& e) {
    nlohmann::json rec = nlohmann::json::parse(e.record_json, nullptr, false);
    return {{"seq", e.seq},
            {"record_id", e.record_id},
            {"kiosk_id", e.kiosk_id},
            {"status", to_string(e.status)},
            {"received_at", e.received_at},
            {"updated_at", e.updated_at},
            {"updated_by", e.updated_by},
            {"record", rec}};
}
nlohmann::json heartbeat_to_json(const Heartbeat& h) {
    return {{"kiosk_id", h.kiosk_id}, {"received_at", h.received_at},   {"reader", h.reader},
            {"camera", h.camera},     {"outbox_depth", h.outbox_depth}, {"version", h.version}};
}
nlohmann::json visual_check_to_json(const VisualCheck& v) {
    return {{"id", v.id},
            {"kiosk_id", v.kiosk_id},
            {"kiosk_ticket", v.kiosk_ticket},
            {"created_at", v.created_at},
            {"state", to_string(v.state)},
            {"staff", v.staff},
            {"resolved_at", v.resolved_at}};
}
nlohmann::json alert_to_json(const Alert& a) {
    return {{"id", a.id},
            {"kiosk_id", a.kiosk_id},
            {"kind", a.kind},
            {"message", a.message},
            {"created_at", a.created_at},
            {"acknowledged", a.acknowledged},
            {"acknowledged_by", a.acknowledged_by}};
}

}  // namespace uk::reception
