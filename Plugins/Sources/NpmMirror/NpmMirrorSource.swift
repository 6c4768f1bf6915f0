import FerryCore
import Foundation

/// The `npm-mirror` source: keeps a Verdaccio storage folder (online or air-gapped) complete,
/// verified and shippable, and serves it to the npm client itself under `/npm/{workload}/`.
///
/// Actions: `deploy` (an index of what is served, which makes the workload live), `scan`
/// (package listing, `StorageScanner`), `refresh-full` / `refresh-delta` (`Refresher`),
/// `diff-build` (`DiffBuilder`; the offline side is `DiffApplier`) and `broken-scan`
/// (`BrokenScanner`). Serving reads the storage volume directly (`RegistrySurface`), so files a
/// refresh adds are served at once, without a deploy. Register one instance in the
/// composition root: `registry.register(NpmMirrorSource())`.
public struct NpmMirrorSource: SourcePlugin {
    public static let kind = "npm-mirror"
    public static let mount = "npm"

    /// Has no side effects; all state lives in the storage volume and the workload's records.
    public init() {}

    public var schema: ConfigSchema { NpmMirrorConfig.schema }

    public var listings: [String] { [PackageSummary.collection, BrokenScanner.collection] }

    /// A package joins its summary with the diffs that carried it.
    public func detail(listing: String, key: String, records: any RecordStore) throws -> JSONValue? {
        listing == PackageSummary.collection ? try PackageHistory.detail(key, records: records) : try records.get(listing, key: key)?.value
    }

    /// The storage's size after each diff, so the operator sees its growth per transfer.
    public func charts(records: any RecordStore) throws -> [SourceChart] {
        try MirrorGrowth.chart(MirrorGrowth.recent(records)).map { [$0] } ?? []
    }

    public var actions: [ActionDescriptor] {
        [
            ActionDescriptor(name: "deploy", description: "write the index of served packages and make the mirror live", producesBuild: true),
            ActionDescriptor(name: "scan", description: "walk the storage: packages, versions, tarballs and bytes for the package listing"),
            ActionDescriptor(
                name: "refresh-full", description: "fetch every stored package's upstream packument, new versions and their dependencies",
                params: .object([
                    .init("dry-run", .boolean("only list what would be fetched", default: false)),
                    .init("diff", .boolean("follow with a diff-build when it succeeds (default: the config's diffAfterRefresh)")),
                ])),
            ActionDescriptor(
                name: "refresh-delta", description: "refresh the packages changed in the last N minutes",
                params: .object([
                    .init("minutes", .integer("look back this many minutes", default: 2880, minimum: 1, maximum: Self.maxMinutes)),
                    .init("dry-run", .boolean("only list what would be fetched", default: false)),
                ])),
            ActionDescriptor(
                name: "diff-build", description: "pack files new or changed since a snapshot into diff-YYYYMMDDHHmm.tar.zst",
                params: .object([
                    .init("baseline", .string("snapshot id to compare with; default: the last snapshot; \"none\": everything")),
                    .init("part-size", .string("split into parts of at most this size (4GiB); default: the config's partSize, else one archive")),
                ])),
            ActionDescriptor(
                name: "broken-scan", description: "check every tarball (digest, gzip, tar) and re-fetch broken ones",
                params: .object([
                    .init("repair", .boolean("move broken tarballs aside and fetch them again", default: true)),
                    .init("package", .string("check only this package (a log-scan rule names the package a log line reported)")),
                ])),
        ]
    }

    /// The mirror has no revision to pin: its content is the storage folder itself.
    public func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }

    public func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        let config = try NpmMirrorConfig.load(from: context.workload.source.config)
        let layout = StorageLayout(root: try config.storageRoot(context.volumes))
        let client = UpstreamClient(config: config, http: context.http)
        switch action {
        case "deploy":
            return try MirrorIndex(layout: layout, config: config).write(into: context.buildDirectory)
        case "scan":
            return try StorageScanner(layout: layout, context: context).run()
        case "refresh-full", "refresh-delta":
            let dryRun = params["dry-run"] == .bool(true)
            let refresher = Refresher(config: config, layout: layout, context: context, client: client, dryRun: dryRun)
            let minutes = action == "refresh-delta" ? try Self.minutes(params) : nil
            let roots = refresher.roots(changedWithin: minutes)
            let report = try await refresher.run(roots: roots, label: action)
            if report.allUnreachable {
                throw FerryError(.unavailable, "\(action): upstream answered for no package, e.g. \(report.failures[0].0): \(report.failures[0].1)")
            }
            var details = report.details.objectValue ?? [:]
            if config.advisories, !dryRun {
                let names = action == "refresh-full" ? layout.packageNames() : Array(Set(roots + report.touched)).sorted()
                details["advisories"] = await AdvisoryFeed(layout: layout).collect(names, client: client, context: context)
            }
            let diff = params["diff"]?.isNull == false ? params["diff"] == .bool(true) : config.diffAfterRefresh
            if action == "refresh-full", !dryRun, diff {
                context.followUp(action: "diff-build", params: .object([:]))
                context.log("a diff-build follows this refresh")
            }
            return .done(summary: report.summary, details: .object(details))
        case "diff-build":
            let partText = params["part-size"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            let partSize = try partText.map { try NpmMirrorConfig.partBytes($0, field: "params.part-size") }
                ?? config.partSize.map { try NpmMirrorConfig.partBytes($0, field: "source.config.partSize") }
            return try DiffBuilder(layout: layout, context: context, signingKeyEnv: config.signingKeyEnv, partSize: partSize).run(baseline: params["baseline"]?.stringValue)
        case "broken-scan":
            let repair = params["repair"] != .bool(false)
            let only = params["package"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return try await BrokenScanner(layout: layout, context: context, client: client).run(repair: repair, only: only)
        default:
            throw FerryError(.invalidInput, "action: npm-mirror has no action \"\(action)\"; use one of \(actions.map(\.name).joined(separator: ", "))", field: "action")
        }
    }

    /// Ten years: further back than any mirror's history, and far inside `Int`.
    static let maxMinutes = 5_256_000

    static func minutes(_ params: JSONValue) throws -> Int {
        guard let value = params["minutes"], !value.isNull else { return 2880 }
        guard case .number(let n) = value, n >= 1, n <= Double(maxMinutes), n.rounded() == n else {
            throw FerryError.invalid("params.minutes", "expected a whole number of minutes from 1 to \(maxMinutes)")
        }
        return Int(n)
    }

    public func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
        guard let config = try? NpmMirrorConfig.load(from: context.workload.source.config), let root = context.volumes[config.storage] else {
            return .text(503, "the mirror's storage volume is not configured\n")
        }
        if request.path.isEmpty, let index = live.file(MirrorIndex.fileName) {
            return SurfaceResponse(status: 200, headers: ["content-type": "application/json"],
                                   body: .file(path: live.location(of: index), size: index.size))
        }
        return RegistrySurface(layout: StorageLayout(root: root), config: config, context: context).serve(request)
    }
}
