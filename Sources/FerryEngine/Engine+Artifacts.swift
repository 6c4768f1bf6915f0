import FerryCore
import FerryStore
import Foundation
import Logging

extension Engine {
    public func artifacts(workload: String?) throws -> [Artifact] {
        try database.artifacts(workload: workload)
    }

    /// The artifact and the file that holds it; 404 when either is gone.
    public func artifactFile(_ id: String) throws -> (Artifact, URL) {
        guard let artifact = try database.artifact(id) else { throw FerryError.notFound("artifact", id) }
        let url = paths.artifacts(artifact.workload).appendingPathComponent(artifact.name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FerryError(.notFound, "artifact \(id) (\(artifact.name)) is recorded but its file is gone")
        }
        return (artifact, url)
    }

    /// A workload's records, as its source keeps them: for listings and the UI's panels.
    public func records(of workload: String) -> any RecordStore {
        OwnedRecords(database: database, owner: OwnedRecords.workload(workload), now: now)
    }

    /// A binding's records (a watcher's cursor and status).
    public func records(ofBinding id: String) -> any RecordStore {
        OwnedRecords(database: database, owner: OwnedRecords.binding(id), now: now)
    }

    /// One page of a source's listing (`packages`, `broken`), searchable by key.
    public func listing(_ listing: String, of workload: String, search: String?, offset: Int, limit: Int) throws -> (total: Int, items: [StoredRecord]) {
        _ = try source(of: workload, listing: listing)
        let records = records(of: workload)
        let query = RecordQuery(collection: listing, search: search, limit: min(max(limit, 1), 1000), offset: max(offset, 0))
        var counting = query
        counting.limit = nil
        counting.offset = 0
        return (try records.count(counting), try records.list(query))
    }

    /// One item of a source's listing, as the source presents it (`SourcePlugin.detail`).
    public func listingItem(_ listing: String, of workload: String, key: String) throws -> JSONValue {
        let plugin = try source(of: workload, listing: listing)
        guard let item = try plugin.detail(listing: listing, key: key, records: records(of: workload)) else {
            throw FerryError(.notFound, "\(workload) has no \(listing) entry \(key)")
        }
        return item
    }

    /// The charts the workload's source draws from its records (`SourcePlugin.charts`).
    public func sourceCharts(of workload: String) throws -> [SourceChart] {
        try source(of: workload).charts(records: records(of: workload))
    }

    /// The source plugin of a workload; with `listing`, one it offers (else a 404 naming both).
    private func source(of workload: String, listing: String? = nil) throws -> any SourcePlugin {
        guard let found = try database.workload(workload) else { throw FerryError.notFound("workload", workload) }
        let plugin = try registry.source(found.spec.source.kind)
        if let listing, !plugin.listings.contains(listing) {
            throw FerryError(.notFound, "\(workload) (\(found.spec.source.kind)) has no \(listing) listing")
        }
        return plugin
    }

    /// What a surface may read for one workload; cached, since it is on every request's path.
    public func surfaceContext(_ name: String, mount: String) throws -> any SurfaceContext {
        if let cached = surfaceContexts.withLock({ $0[name] }) { return cached }
        let spec = try workload(name).spec
        let context = EngineSurfaceContext(
            workload: spec, volumes: try VolumeResolver(database: database, paths: paths).resolve(spec, scratch: nil),
            records: records(of: spec.name), publicBase: publicURL + "/" + mount + "/" + spec.name,
            env: try secrets.openEnv(spec).env, http: http, stateDirectory: paths.state(spec.name), logger: logger)
        surfaceContexts.withLock { $0[name] = context }
        return context
    }
}

struct EngineSurfaceContext: SurfaceContext {
    let workload: WorkloadSpec
    let volumes: [String: URL]
    let records: any RecordStore
    let publicBase: String
    let env: [String: String]
    let http: any HTTPFetcher
    let stateDirectory: URL
    let logger: Logger

    func log(_ message: String) {
        logger.warning("\(message)", metadata: ["workload": "\(workload.name)"])
    }
}
