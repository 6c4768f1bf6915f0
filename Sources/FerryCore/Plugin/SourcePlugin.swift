import Foundation

/// A kind of workload: how it is built, checked and served.
///
/// Lifecycle, driven by the engine: the workload's config is validated against `schema` →
/// `resolve` picks the revision a job builds → `run` performs an action (for `deploy`, it fills
/// `context.buildDirectory`; the engine then writes the manifest, verifies and activates) →
/// `observe` is the reconciler's cheap health check → `serve` answers requests under the mount
/// from the live build. A plugin touches only what its context hands it.
public protocol SourcePlugin: Sendable {
    /// Stable kind name used in workload files (`static-site`); the plugin id is `source.<kind>`.
    static var kind: String { get }
    /// URL prefix under which workloads of this kind are served (`sites` → `/sites/{name}/…`).
    static var mount: String { get }
    var schema: ConfigSchema { get }
    /// Every action this source offers; must include `deploy`.
    var actions: [ActionDescriptor] { get }

    /// The revision a job should build. `params` carries what the triggering event named
    /// (e.g. `commit`); without it, the source asks its upstream for the newest state.
    func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision?

    func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome

    /// A cheap check of the live build, beyond the manifest verification the engine does itself.
    func observe(workload: WorkloadSpec, live: LiveBuild) -> Observation

    /// Answers one request under `/<mount>/<workload>/` from the live build (and, for sources
    /// that serve data they keep elsewhere, from the context's volumes and records).
    func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse

    /// Record collections the API lists at `GET /api/workloads/{name}/{listing}` (an npm
    /// mirror's `packages` and `broken`), paged and searchable by key.
    var listings: [String] { get }

    /// One item of a listing, for `GET /api/workloads/{name}/{listing}/{key}` and the UI's item
    /// page: by default the stored record; a source may join what it keeps elsewhere (an npm
    /// package's history across diffs). Nil: no such item.
    func detail(listing: String, key: String, records: any RecordStore) throws -> JSONValue?

    /// Charts of what the source keeps, for its workload page (an npm mirror's size per diff),
    /// drawn from its records; none by default.
    func charts(records: any RecordStore) throws -> [SourceChart]

    /// Checks what the schema cannot say (a git URL's credentials, a file repository outside
    /// the host's roots), after the schema validator, when a workload is applied. Errors name
    /// the field from `source.config` on.
    func validate(config: JSONValue, git: GitPolicy) throws
}

extension SourcePlugin {
    public var id: String { "source.\(Self.kind)" }

    public func observe(workload: WorkloadSpec, live: LiveBuild) -> Observation {
        Observation(health: .healthy, reason: "live build \(live.id) verified")
    }

    public var listings: [String] { [] }

    public func detail(listing: String, key: String, records: any RecordStore) throws -> JSONValue? {
        try records.get(listing, key: key)?.value
    }

    public func charts(records: any RecordStore) throws -> [SourceChart] { [] }

    public func prune(context: any RetentionContext) throws -> PruneCounts { [:] }

    public func validate(config: JSONValue, git: GitPolicy) throws {}

    public func action(named name: String) -> ActionDescriptor? {
        actions.first { $0.name == name }
    }
}

/// What an action returns. `deploy` returns `.built` once the build directory is complete.
public enum ActionOutcome: Sendable, Equatable {
    /// The build directory is filled; `meta` goes into the manifest.
    case built(meta: JSONValue)
    /// Finished; `details` is what the API and UI show of the result (counts, sizes, lists).
    case done(summary: String, details: JSONValue = .null)
}

/// The plugin's verdict on a live build.
public struct Observation: Sendable, Equatable {
    public var health: Health
    public var reason: String
    public init(health: Health, reason: String) {
        self.health = health
        self.reason = reason
    }
}
