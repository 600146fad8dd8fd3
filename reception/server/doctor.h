// `uketsuke-reception --doctor`: configuration, data folder, store, TLS identity, listen address, clock and
// disk, each a line with its fix and a bit in the exit code (docs/reception.md).
#pragma once

#include <vector>

#include "kiosk/core/result.h"
#include "platform/doctor/checks.h"
#include "reception/server/config.h"

namespace uk::reception {

inline constexpr unsigned kDoctorConfig = 1u << 0;
inline constexpr unsigned kDoctorData = 1u << 1;
inline constexpr unsigned kDoctorStore = 1u << 2;
inline constexpr unsigned kDoctorTls = 1u << 3;
inline constexpr unsigned kDoctorListen = 1u << 4;
inline constexpr unsigned kDoctorClock = 1u << 5;
inline constexpr unsigned kDoctorDisk = 1u << 6;

// `config` is the configuration as loaded (an error stops the checks that need it).
std::vector<doctor::CheckResult> reception_doctor(const Result<ServiceConfig>& config);

}  // namespace uk::reception
