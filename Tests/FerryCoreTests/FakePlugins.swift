import FerryCore
import Foundation

/// Test doubles that give `WorkloadValidator` a registry to look kinds up in. Only their kind,
/// schema and actions matter; the rest of the protocol is never called by Core.
struct FakeRepoSource: SourcePlugin {
    static let kind = "fake-repo"
    static let mount = "fake"

    var schema: ConfigSchema {
        .object([
            .init("repo", .string("repository")),
            .init("branch", .string("branch", default: "main")),
            .init("depth", .integer("clone depth", minimum: 1)),
        ], required: ["repo"])
    }

    var actions: [ActionDescriptor] {
        [
            ActionDescriptor(name: "deploy", description: "build and publish", producesBuild: true),
            ActionDescriptor(name: "scan", description: "look around"),
        ]
    }

    func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        .done(summary: "nothing")
    }

    func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse { .text(404, "none") }
}

/// A second source kind, so "unknown kind" messages can be checked to list every known one.
struct FakeArchiveSource: SourcePlugin {
    static let kind = "fake-archive"
    static let mount = "archive"
    var schema: ConfigSchema { .empty }
    var actions: [ActionDescriptor] { [ActionDescriptor(name: "deploy", description: "publish")] }

    func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        .done(summary: "nothing")
    }

    func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse { .text(404, "none") }
}

/// A watch trigger with one required field and one with a default.
struct FakeCronTrigger: TriggerPlugin {
    static let kind = "fake-cron"
    static let mode = TriggerMode.watch
    var schema: ConfigSchema {
        .object([
            .init("cron", .string("when", format: .cron)),
            .init("timezone", .string("zone", default: "UTC")),
        ], required: ["cron"])
    }
}

struct FakeManualTrigger: TriggerPlugin {
    static let kind = "fake-manual"
    static let mode = TriggerMode.manual
    var schema: ConfigSchema { .empty }
}

extension PluginRegistry {
    static var fakes: PluginRegistry {
        var registry = PluginRegistry()
        registry.register(FakeRepoSource())
        registry.register(FakeArchiveSource())
        registry.register(FakeCronTrigger())
        registry.register(FakeManualTrigger())
        return registry
    }
}
