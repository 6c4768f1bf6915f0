import FerryCore
import Foundation

/// The data directory's layout, in one place (DESIGN.md "Data dir").
public struct FerryPaths: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var database: URL { root.appendingPathComponent("ferry.sqlite") }
    public var secretKey: URL { root.appendingPathComponent("secret.key") }
    public var logs: URL { root.appendingPathComponent("logs") }
    public var scratch: URL { root.appendingPathComponent("tmp") }
    /// The content-addressed store every build's bytes live in (`ObjectStore`).
    public var objects: URL { root.appendingPathComponent("objects") }

    public func workload(_ name: String) -> URL { root.appendingPathComponent("workloads").appendingPathComponent(name) }
    public func builds(_ name: String) -> URL { workload(name).appendingPathComponent("builds") }
    public func build(_ name: String, _ id: String) -> URL { builds(name).appendingPathComponent(id) }
    /// Where a build job's source writes the files it puts; emptied into `objects/` and removed
    /// before the build goes live.
    public func buildContent(_ name: String, _ id: String) -> URL {
        build(name, id).appendingPathComponent(BuildManifest.contentFolder)
    }
    /// The symlink whose target is the live build.
    public func current(_ name: String) -> URL { workload(name).appendingPathComponent("current") }
    public func volume(_ name: String, _ volume: String) -> URL {
        workload(name).appendingPathComponent("volumes").appendingPathComponent(volume)
    }
    /// A workload's private, persistent folder for its source (mirrors, caches).
    public func state(_ name: String) -> URL { workload(name).appendingPathComponent("state") }
    public func artifacts(_ name: String) -> URL { root.appendingPathComponent("artifacts").appendingPathComponent(name) }
    public func log(_ jobID: String) -> URL { logs.appendingPathComponent("\(jobID).log") }

    /// Creates the top-level folders; safe to call on every start.
    public func prepare() throws {
        for dir in [root, logs, scratch, objects, root.appendingPathComponent("workloads"), root.appendingPathComponent("artifacts")] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }
}
