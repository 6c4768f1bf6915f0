import Foundation

/// A trigger that watches instead of being called: `schedule`, `registry-poll`, `log-scan`.
///
/// Lifecycle, driven by the engine's watch supervisor: the binding's config is validated against
/// `schema` when the binding is stored → `watch` runs as one task per binding for as long as the
/// binding exists (it is cancelled and started again when the binding changes, and cancelled on
/// shutdown) → each firing goes through `context.fire`, which stores an event and queues jobs
/// through the one dispatcher. A watcher keeps its cursor (last fire time, ETag, file offset)
/// in `context.records`, so a restart neither loses nor repeats what it saw.
public protocol WatchTrigger: TriggerPlugin {
    /// Runs until the task is cancelled. Errors a watcher can recover from (an upstream
    /// answering 500) are reported with `context.reportStatus` and retried with back-off inside;
    /// a thrown error ends this run and the supervisor starts the watcher again after a pause.
    func watch(_ context: any WatchContext) async throws

    /// What the API shows about a binding beyond its stored status, computed without I/O
    /// (a schedule's next three fire times). `.null` when there is nothing to say.
    func describe(config: JSONValue, now: Date) -> JSONValue

    /// Checks what the schema cannot say (a cron expression's fields, a time zone, "exactly one
    /// upstream"), after the schema validator. Errors name the field from `config.` on.
    func validate(config: JSONValue) throws

    /// `validate(config:)` for triggers whose config names a git remote, checked against the
    /// host's `git` policy. By default the policy is not needed and `validate(config:)` runs.
    func validate(config: JSONValue, git: GitPolicy) throws
}

extension WatchTrigger {
    public func describe(config: JSONValue, now: Date) -> JSONValue { .null }
    public func validate(config: JSONValue) throws {}
    public func validate(config: JSONValue, git: GitPolicy) throws { try validate(config: config) }

    /// `validate`, with error fields placed under `path` (`triggers.0.config.cron`), so a
    /// workload file's error points at the line to fix.
    public func validate(config: JSONValue, at path: String, git: GitPolicy) throws {
        do { try validate(config: config, git: git) } catch let error as FerryError {
            guard let field = error.field, field == "config" || field.hasPrefix("config.") else { throw error }
            let placed = path + field.dropFirst("config".count)
            let message = error.message.hasPrefix(field + ": ") ? String(error.message.dropFirst(field.count + 2)) : error.message
            throw FerryError.invalid(placed, message)
        }
    }
}
