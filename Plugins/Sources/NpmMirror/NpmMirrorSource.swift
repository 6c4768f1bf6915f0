import FerryCore
import Foundation

/// Skeleton of the `npm-mirror` source; its issue fills it in.
public struct NpmMirrorSource: SourcePlugin {
    public static let kind = "npm-mirror"
    public static let mount = "npm"
    public init() {}

    public var schema: ConfigSchema { .empty }
    public var actions: [ActionDescriptor] { [ActionDescriptor(name: "deploy", description: "Build and activate", producesBuild: true)] }

    public func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    public func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        throw FerryError(.failed, "\(Self.kind) is not built yet")
    }

    public func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
        .text(404, "not found\n")
    }
}
