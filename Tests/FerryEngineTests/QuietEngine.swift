import FerryCore
import FerryEngine
import Foundation
import Logging
import StaticSiteSource

/// An engine in a temporary data dir whose services (reconciler, watchers, retention) run only
/// when a test calls them, with static-site workloads that need no reachable repository.
enum QuietEngine {
    static func with<T>(
        configure: (inout Engine.Configuration) -> Void = { _ in }, now: @escaping @Sendable () -> Date = { Date() },
        _ body: (Engine) throws -> T
    ) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-engine-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var registry = PluginRegistry()
        registry.register(StaticSiteSource())
        var configuration = Engine.Configuration(dataDirectory: dir)
        configuration.runsReconciler = false
        configuration.runsWatchers = false
        configuration.runsRetention = false
        configure(&configuration)
        return try body(try Engine(configuration: configuration, registry: registry, logger: Logger(label: "test"), now: now))
    }

    /// A static-site workload named `name`; its repository is never fetched by these tests.
    static func site(_ name: String) -> JSONValue {
        .object([
            "name": .string(name),
            "source": .object(["kind": .string("static-site"), "config": .object(["repo": .string("https://git.example/\(name).git")])]),
        ])
    }
}
