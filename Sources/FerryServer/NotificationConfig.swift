import FerryCore
import FerryEngine
import Foundation

/// Reads `notifications:` of the server config into the engine's `NotificationSettings`. URLs
/// and signing secrets may come from the server's environment (`urlEnv`, `secretEnv`), which is
/// where a Discord or Slack webhook URL belongs: it is a credential.
enum NotificationConfig {
    static let schema = ConfigSchema.object([
        .init("targets", .array(.object([
            .init("name", .string("how the API and the UI name this target", pattern: "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")),
            .init("kind", .string("the receiver's format", enum: NotificationSettings.Target.Kind.allCases.map(\.rawValue))),
            .init("url", .string("where to POST (prefer urlEnv for Discord and Slack: their URL is the credential)", format: .url)),
            .init("urlEnv", .string("server environment variable holding the URL")),
            .init("secretEnv", .string("webhook only: environment variable holding the Standard Webhooks signing secret")),
            .init("events", .array(.string(enum: NotificationEvent.allCases.filter { $0 != .digest }.map(\.rawValue)), "what to send (default: all but job.succeeded)")),
            .init("workloads", .array(.string(), "workload name patterns (* matches any run); default: all")),
            .init("perMinute", .integer("messages per minute; past it, one digest", default: 20, minimum: 1, maximum: 10_000)),
        ], required: ["name", "kind"]))),
        .init("retry", .object([
            .init("first", .string("wait before the first retry; each next waits twice as long", default: "5s", format: .duration)),
            .init("max", .string("the longest wait between retries", default: "10m", format: .duration)),
            .init("attempts", .integer("attempts before a message is given up", default: 8, minimum: 1, maximum: 100)),
        ])),
        .init("timeout", .string("how long one attempt may take", default: "10s", format: .duration)),
    ])

    static func read(_ value: JSONValue?, environment: [String: String]) throws(FerryError) -> NotificationSettings {
        var settings = NotificationSettings()
        guard let value, value != .null else { return settings }
        var names = Set<String>()
        for (i, entry) in (value["targets"]?.arrayValue ?? []).enumerated() {
            let field = "notifications.targets.\(i)"
            let name = entry["name"]?.stringValue ?? ""
            guard names.insert(name).inserted else { throw FerryError.invalid("\(field).name", "\"\(name)\" names another target too") }
            guard let kind = entry["kind"]?.stringValue.flatMap(NotificationSettings.Target.Kind.init(rawValue:)) else {
                throw FerryError.invalid("\(field).kind", "must be discord, slack or webhook")
            }
            let url: String
            if let env = entry["urlEnv"]?.stringValue {
                guard let found = environment[env], !found.isEmpty else { throw FerryError.invalid("\(field).urlEnv", "the environment has no \(env)") }
                url = found
            } else if let plain = entry["url"]?.stringValue {
                url = plain
            } else {
                throw FerryError.invalid("\(field).url", "give url or urlEnv")
            }
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw FerryError.invalid(entry["urlEnv"] == nil ? "\(field).url" : "\(field).urlEnv", "is not an http(s) URL")
            }
            var secret: String?
            if let env = entry["secretEnv"]?.stringValue {
                guard kind == .webhook else { throw FerryError.invalid("\(field).secretEnv", "only webhook targets are signed") }
                guard let found = environment[env], !found.isEmpty else { throw FerryError.invalid("\(field).secretEnv", "the environment has no \(env)") }
                secret = found
            }
            var events = NotificationSettings.Target.defaultEvents
            if let list = entry["events"]?.arrayValue {
                events = Set(list.compactMap { $0.stringValue.flatMap(NotificationEvent.init(rawValue:)) })
            }
            settings.targets.append(NotificationSettings.Target(
                name: name, kind: kind, url: url, secret: secret, events: events,
                workloads: (entry["workloads"]?.arrayValue ?? []).compactMap(\.stringValue).map(StarPattern.init),
                perMinute: try entry.integerIfPresent(at: "perMinute", in: 1...10_000) ?? 20))
        }
        if let first = try duration(value, "retry.first") { settings.firstRetry = first }
        if let max = try duration(value, "retry.max") { settings.maxRetry = max }
        if let n = try value.integerIfPresent(at: "retry.attempts", in: 1...100) { settings.attempts = n }
        if let timeout = try duration(value, "timeout") { settings.timeout = timeout }
        return settings
    }

    private static func duration(_ value: JSONValue, _ path: String) throws(FerryError) -> Duration? {
        guard let text = value[path: path].stringValue else { return nil }
        guard let d = Duration.parse(text), d > .zero else { throw FerryError.invalid("notifications.\(path)", "\"\(text)\" is not a positive duration") }
        return d
    }
}
