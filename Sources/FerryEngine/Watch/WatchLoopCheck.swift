import FerryCore

/// The loop rule, kept pure: an event whose cause chain already holds an event of the same
/// binding for the same workload would let Ferry feed on itself (a log-scan rule reacting to
/// the logs of the job it started), so it is refused.
enum WatchLoopCheck {
    static func repeats(binding: String, workload: String, in causes: [Event]) -> Bool {
        causes.contains { event in
            guard event.bindingID == binding else { return false }
            // Events without a recorded workload list are treated as covering every workload.
            guard case .array(let names)? = event.payload["workloads"] else { return true }
            return names.contains(.string(workload))
        }
    }
}
