import FerryCore
import FerryStore

/// Decides whether a job request joins a job already queued for the same workload.
///
/// Equal means the same action with the same parameters, not counting the ones that name a
/// revision (`commit`): ten pushes during a build become one follow-up build of the newest.
public enum JobCoalescer {
    /// Parameters that name what to build rather than how; the newest request's value wins.
    public static let revisionKeys: Set<String> = ["commit", "revision", "version"]

    public static func decide(queued: [Job], request: Job) -> EnqueueDecision {
        guard let twin = queued.first(where: { $0.action == request.action && key(of: $0.params) == key(of: request.params) }) else {
            return .insert(request)
        }
        var merged = twin
        merged.params = request.params
        merged.revision = request.revision ?? twin.revision
        merged.eventID = request.eventID ?? twin.eventID
        return .merge(merged)
    }

    static func key(of params: JSONValue) -> JSONValue {
        guard case .object(var members) = params else { return params }
        for k in revisionKeys { members[k] = nil }
        return .object(members)
    }
}
