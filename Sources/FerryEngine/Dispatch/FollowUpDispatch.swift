import FerryCore
import FerryStore
import Foundation
import Logging

/// Queues what a succeeded job asked for next (`refresh-full` → `diff-build`) as a new event
/// through the dispatcher, carrying the job's event in its cause chain.
struct FollowUpDispatch {
    let database: FerryDatabase
    let logger: Logger

    func queue(_ requests: [JobContext.FollowUp], after job: Job, through dispatcher: Dispatcher?) {
        guard let dispatcher else { return }
        var causes: [String] = []
        if let eventID = job.eventID {
            causes = ((try? database.event(eventID))?.causes ?? []) + [eventID]
        }
        for request in requests {
            do {
                try dispatcher.dispatch(DispatchRequest(
                    kind: "follow-up", summary: "\(job.action) on \(job.workload) succeeded: \(request.action) follows",
                    targets: [.init(workload: job.workload, action: request.action, params: request.params)],
                    causes: causes, payload: .object(["after": .string(job.id)])))
            } catch {
                logger.error("cannot queue \(request.action) after job \(job.id): \(error)")
            }
        }
    }
}
