// QueueSink: where the kiosk app hands a finished check-in. submit() returns once the record is durably
// queued on the kiosk; delivery to the reception happens later, at least once, so the patient is told "done"
// even while the reception is unreachable.
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/core/record.h"
#include "kiosk/core/result.h"

namespace uk {

class QueueSink {
  public:
    virtual ~QueueSink() = default;
    // Durably stores the record for delivery. An Error means it could NOT be stored (disk full, database
    // broken): the app must then tell the patient to see the staff.
    virtual Result<bool> submit(const CheckinRecord& record) = 0;
    // A face check-in with its signed statement (the body signed_face_statement_body() makes): stored
    // together, and the statement is delivered right before the record (the reception confirms a face
    // check-in only with it). Default: the record alone.
    virtual Result<bool> submit_with_statement(const CheckinRecord& record,
                                               const std::string& statement_body) {
        static_cast<void>(statement_body);
        return submit(record);
    }
    // Records stored but not yet acknowledged by the reception (shown in the kiosk heartbeat).
    virtual std::int64_t pending() = 0;
};

}  // namespace uk
