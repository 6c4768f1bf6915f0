import FerryCore
import Foundation
import Synchronization

/// A watch trigger for engine tests: it hands each running watcher's context to the test,
/// which fires through it directly, and counts starts and stops.
final class WatchProbe: WatchTrigger {
    static let kind = "probe"
    static let mode = TriggerMode.watch
    var schema: ConfigSchema { .object([.init("label", .string())]) }

    private struct State {
        var contexts: [String: any WatchContext] = [:]
        var starts: [String: Int] = [:]
    }
    private let state = Mutex(State())

    func watch(_ context: any WatchContext) async throws {
        let id = context.binding.id
        state.withLock {
            $0.contexts[id] = context
            $0.starts[id, default: 0] += 1
        }
        defer { state.withLock { _ = $0.contexts.removeValue(forKey: id) } }
        try await context.sleep(until: .distantFuture)
    }

    func describe(config: JSONValue, now: Date) -> JSONValue { .object(["label": config["label"] ?? .null]) }

    func starts(_ id: String) -> Int { state.withLock { $0.starts[id] ?? 0 } }
    func running(_ id: String) -> Bool { state.withLock { $0.contexts[id] != nil } }

    /// The context of a running watcher, once it has started.
    func context(_ id: String) async throws -> any WatchContext {
        try await eventually("watcher \(id) runs") { self.running(id) }
        return state.withLock { $0.contexts[id]! }
    }
}

/// Waits (briefly polling) until `condition` holds; throws after five seconds.
func eventually(_ what: String, _ condition: @Sendable () -> Bool) async throws {
    for _ in 0..<2500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(2))
    }
    throw FerryError(.internal, "gave up waiting: \(what)")
}
