// The pieces every `--doctor` shares (kiosk and reception): a check's result, the report with one exit-code
// bit per failed check, and the checks that need nothing but the OS (clock, disk).
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace uk::doctor {

enum class Status { Ok, Warn, Fail };

struct CheckResult {
    std::string name;  // "camera", "pcscd", ...
    unsigned bit = 0;  // its bit in the exit code when it fails
    Status status = Status::Ok;
    std::string detail;  // what was found
    std::string fix;     // what to do (empty when ok)
};

CheckResult ok(std::string name, unsigned bit, std::string detail);
CheckResult warn(std::string name, unsigned bit, std::string detail, std::string fix);
CheckResult fail(std::string name, unsigned bit, std::string detail, std::string fix);

// The system clock is plausible (certificate checks and records depend on it).
CheckResult check_clock(unsigned bit);
// Free space where `dir` (or its nearest existing parent) lives: under 100 MB fails, under 500 MB warns.
CheckResult check_disk(const std::filesystem::path& dir, unsigned bit);

// Prints the report; returns the exit code (OR of the bits of failed checks; warnings do not count).
int report(const std::vector<CheckResult>& results, std::ostream& out);

}  // namespace uk::doctor
