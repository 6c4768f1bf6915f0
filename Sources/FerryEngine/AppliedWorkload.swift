import FerryCore
import FerryStore

/// What applying one workload document did, with the webhook secrets it generated.
public struct AppliedWorkload: Sendable {
    public var workload: Workload
    public var result: ApplyResult
    /// Secrets generated for inline triggers that take webhooks, in plain text by binding id.
    /// This answer is the only place they are ever shown; the store keeps them sealed.
    public var secrets: [String: String]

    public init(workload: Workload, result: ApplyResult, secrets: [String: String] = [:]) {
        self.workload = workload
        self.result = result
        self.secrets = secrets
    }
}
