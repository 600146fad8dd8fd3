// QueueSink: where the kiosk app hands a finished check-in. submit() returns once the record is durably
// queued on the kiosk; delivery to the reception happens later, at least once, so the patient is told "done"
// even while the reception is unreachable.
#pragma once

#include <cstdint>

#include "kiosk/core/record.h"
#include "kiosk/core/result.h"

namespace uk {

class QueueSink {
  public:
    virtual ~QueueSink() = default;
    // Durably stores the record for delivery. An Error means it could NOT be stored (disk full, database
    // broken): the app must then tell the patient to see the staff.
    virtual Result<bool> submit(const CheckinRecord& record) = 0;
    // Records stored but not yet acknowledged by the reception (shown in the kiosk heartbeat).
    virtual std::int64_t pending() = 0;
};

}  // namespace uk
