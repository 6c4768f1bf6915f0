/// What a notification target can be told about (server config `notifications.targets[].events`).
public enum NotificationEvent: String, Codable, Sendable, CaseIterable {
    case jobFailed = "job.failed"
    case jobSucceeded = "job.succeeded"
    case deploy
    case rollback
    case promotion
    case tarballsBroken = "tarballs.broken"
    case bindingRefused = "binding.refused"
    case diskLow = "disk.low"
    case workloadFailing = "workload.failing"
    case workloadRecovered = "workload.recovered"
    /// Several notifications folded into one when a target's rate limit tripped.
    case digest
}
