#include "platform/doctor/checks.h"

#include <sys/statvfs.h>

#include <chrono>

namespace uk::doctor {

CheckResult ok(std::string name, unsigned bit, std::string detail) {
    return {std::move(name), bit, Status::Ok, std::move(detail), ""};
}
CheckResult warn(std::string name, unsigned bit, std::string detail, std::string fix) {
    return {std::move(name), bit, Status::Warn, std::move(detail), std::move(fix)};
}
CheckResult fail(std::string name, unsigned bit, std::string detail, std::string fix) {
    return {std::move(name), bit, Status::Fail, std::move(detail), std::move(fix)};
}

CheckResult check_clock(unsigned bit) {
    using namespace std::chrono;
    auto year = static_cast<int>(year_month_day{floor<days>(system_clock::now())}.year());
    if (year < 2025 || year > 2100)
        return fail("clock", bit, "the system clock says the year is " + std::to_string(year),
                    "set the time (timedatectl set-ntp true): certificate checks and records need it");
    return ok("clock", bit, "system clock " + std::to_string(year) + " (use NTP: timedatectl)");
}

CheckResult check_disk(const std::filesystem::path& data_dir, unsigned bit) {
    std::error_code ec;
    auto dir = data_dir;
    while (!dir.empty() && !std::filesystem::exists(dir, ec))
        dir = dir.parent_path();
    if (dir.empty()) dir = "/";
    struct statvfs vs {};
    if (statvfs(dir.c_str(), &vs) != 0) return fail("disk", bit, "cannot stat " + dir.string(), "");
    double free_mb = static_cast<double>(vs.f_bavail) * static_cast<double>(vs.f_frsize) / (1024.0 * 1024.0);
    std::string d = std::to_string(static_cast<long long>(free_mb)) + " MB free at " + dir.string();
    if (free_mb < 100) return fail("disk", bit, d, "free space: queued check-ins need room");
    if (free_mb < 500) return warn("disk", bit, d, "free some space soon");
    return ok("disk", bit, d);
}

int report(const std::vector<CheckResult>& results, std::ostream& out) {
    int code = 0;
    for (const auto& r : results) {
        const char* tag = r.status == Status::Ok ? "ok  " : r.status == Status::Warn ? "warn" : "FAIL";
        out << "[" << tag << "] " << r.name << ": " << r.detail << "\n";
        if (!r.fix.empty() && r.status != Status::Ok) out << "       fix: " << r.fix << "\n";
        if (r.status == Status::Fail) code |= static_cast<int>(r.bit);
    }
    out << (code == 0 ? "all checks passed" : "some checks failed") << " (exit code " << code << ")\n";
    return code;
}

}  // namespace uk::doctor
