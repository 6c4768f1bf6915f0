import FerryCore
import Foundation

/// The `composer-repo` source: a static Composer v2 repository built from WordPress.org plugins
/// and themes and from git repositories, served under `/composer/{workload}/`.
///
/// Pipeline, each step an action the engine runs as a job: `discover` (which packages exist and
/// which changed upstream) → `update` (fetch only those, stamped with a sync run id) → `build`
/// (p2 files for one sync snapshot, validated, then verified and activated by the engine).
/// `deploy` runs all three. `check-status` and `aggregate-installs` keep package status and
/// install counts current. Register one instance: `registry.register(ComposerRepoSource())`.
public struct ComposerRepoSource: SourcePlugin {
    public static let kind = "composer-repo"
    public static let mount = "composer"

    private let browse = BrowseCache()
    private let proxies = ProxyCaches()

    /// Has no side effects; the only state is the browser's in-memory row cache.
    public init() {}

    public var schema: ConfigSchema { ComposerConfig.schema }

    public var listings: [String] { [PackageSummary.collection] }

    public var actions: [ActionDescriptor] {
        let force = ConfigSchema.Property("force", .boolean("fetch every package again, changed or not", default: false))
        let package = ConfigSchema.Property("package", .string("only this package (vendor/name)", pattern: "^[a-z0-9._-]+/[a-z0-9._-]+$"))
        return [
            ActionDescriptor(
                name: "deploy", description: "discover → update → build → verify → activate",
                params: .object([.init("discover", .boolean("run discovery first", default: true)), force]), producesBuild: true),
            ActionDescriptor(name: "discover", description: "find packages and which ones changed upstream"),
            ActionDescriptor(name: "update", description: "fetch the packages that changed upstream, as one sync run", params: .object([force, package])),
            ActionDescriptor(name: "build", description: "build the repository from the last finished sync run, verify and activate it", producesBuild: true),
            ActionDescriptor(name: "check-status", description: "re-check packages upstream; deactivate closed ones, reactivate reopened ones"),
            ActionDescriptor(name: "aggregate-installs", description: "count installs per package: total and last 30 days"),
        ]
    }

    /// `build` builds the newest finished sync run; `deploy` makes its own run first, so it has
    /// no revision until it has synced.
    public func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? {
        nil
    }

    /// Refuses at apply what `load` refuses: slugs, upstream URLs, and git repositories with
    /// credentials, an option, another transport or a local path outside `git.fileRoots`.
    public func validate(config: JSONValue, git: GitPolicy) throws {
        _ = try ComposerConfig.load(from: config, git: git)
    }

    public func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        let config = try ComposerConfig.load(from: context.workload.source.config, git: context.git)
        let sync = PackageSync(config: config, context: context)
        let force = params["force"] == .bool(true)
        switch action {
        case "discover":
            let details = try await sync.discover()
            return .done(summary: "discovery finished", details: details)
        case "update":
            let details = try await sync.update(force: force, only: params["package"]?.stringValue)
            return .done(summary: "sync run \(details["syncRun"]?.plainText ?? "?") finished", details: details)
        case "build":
            let snapshot = try SyncRun.snapshot(records: context.records)
            return .built(meta: try RepositoryBuilder(context: context, config: config).build(snapshot: snapshot))
        case "deploy":
            if let commit = revision?.id, GitRefName.isFullCommit(commit), !force {
                // A push: only the repository that has the commit is synced.
                context.progress(0.1, "update the pushed repository")
                _ = try await sync.updatePushed(commit: commit)
            } else {
                if params["discover"] != .bool(false) {
                    context.progress(0, "discover")
                    _ = try await sync.discover()
                }
                context.progress(0.1, "update")
                _ = try await sync.update(force: force, only: nil)
            }
            try context.checkCancellation()
            let snapshot = try SyncRun.snapshot(records: context.records)
            return .built(meta: try RepositoryBuilder(context: context, config: config).build(snapshot: snapshot))
        case "check-status":
            let details = try await StatusChecker(config: config, context: context).check()
            return .done(summary: "checked \(details["checked"]?.plainText ?? "0") packages, \(details["changes"]?.plainText ?? "0") changed status", details: details)
        case "aggregate-installs":
            let details = try Telemetry(records: context.records).aggregate { context.progress($0, $1) }
            return .done(summary: "installs counted for \(details["packages"]?.plainText ?? "0") packages", details: details)
        default:
            throw FerryError(.invalidInput, "action: composer-repo has no action \"\(action)\"", field: "action")
        }
    }

    public func observe(workload: WorkloadSpec, live: LiveBuild) -> Observation {
        guard live.file("packages.json") != nil else {
            return Observation(health: .degraded, reason: "live build \(live.id) has no packages.json; deploy again")
        }
        let count = live.manifest.meta["packages"]?.plainText ?? "?"
        return Observation(health: .healthy, reason: "serving \(count) packages from build \(live.id)")
    }

    public func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
        await ComposerSurface(live: live, context: context, browse: browse, proxies: proxies).respond(to: request)
    }
}
