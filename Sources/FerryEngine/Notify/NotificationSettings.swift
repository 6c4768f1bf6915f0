import FerryCore
import Foundation

/// Server config `notifications:`: where messages go and how hard Ferry tries.
public struct NotificationSettings: Sendable {
    public struct Target: Sendable {
        public enum Kind: String, Sendable, CaseIterable { case discord, slack, webhook }

        public var name: String
        public var kind: Kind
        /// Resolved from `url` or `urlEnv`; a Discord or Slack webhook URL is itself a secret, so it
        /// is never shown by the API, the UI or an error message.
        public var url: String
        /// `webhook` only: the Standard Webhooks signing secret (`whsec_…` base64, or raw text).
        public var secret: String?
        public var events: Set<NotificationEvent>
        /// Workload name patterns (`*` matches any run); empty: every workload.
        public var workloads: [StarPattern]
        /// Messages per minute; past it, what waits is sent as one digest.
        public var perMinute: Int

        public init(
            name: String, kind: Kind, url: String, secret: String? = nil, events: Set<NotificationEvent> = Target.defaultEvents,
            workloads: [StarPattern] = [], perMinute: Int = 20
        ) {
            self.name = name
            self.kind = kind
            self.url = url
            self.secret = secret
            self.events = events
            self.workloads = workloads
            self.perMinute = perMinute
        }

        /// Everything but successes, which would drown the rest.
        public static let defaultEvents = Set(NotificationEvent.allCases).subtracting([.jobSucceeded, .digest])

        /// `anyEvent`: the workload's own `notify.events` decided the event already.
        func wants(_ event: NotificationEvent, workload: String?, anyEvent: Bool = false) -> Bool {
            guard anyEvent || events.contains(event) || event == .digest else { return false }
            guard let workload, !workloads.isEmpty else { return true }
            return workloads.contains { $0.matches(workload) }
        }
    }

    public var targets: [Target] = []
    /// The first retry waits this long; each next one twice as long, up to `maxRetry`.
    public var firstRetry: Duration = .seconds(5)
    public var maxRetry: Duration = .seconds(600)
    /// Attempts before a message is given up (`failed`).
    public var attempts = 8
    public var timeout: Duration = .seconds(10)

    public init() {}

    func delay(afterAttempt attempt: Int) -> Duration {
        let first = firstRetry.inSeconds
        return .milliseconds(Int(min(first * pow(2, Double(max(attempt - 1, 0))), maxRetry.inSeconds) * 1000))
    }
}
