import FerryCore
import Foundation
import Synchronization

/// The `broken-scan` action: checks every tarball on every core (`TarballVerifier`: digest,
/// gzip with its trailer, tar to the end, in one streaming pass that stops at the config's
/// `maxInflatedSize`, so a gzip bomb in the storage costs a chunk of memory per core), records the broken ones in the `broken` collection
/// with the reason and, with `repair`, moves each aside into the workload's state folder,
/// fetches it again from upstream, verifies it and marks it repaired or failed.
struct BrokenScanner {
    static let collection = "broken"

    struct Broken: Codable, Sendable {
        var package: String
        var version: String?
        var file: String
        var reason: String
        /// `broken` (not repaired), `repaired` or `failed`.
        var status: String
        var foundAt: Date
        var repairError: String?
        var quarantined: String?
    }

    struct Target: Sendable {
        var package: String
        var file: String
        var version: String?
        var dist: Packument.Dist?
    }

    let layout: StorageLayout
    let context: any SourceContext
    let client: UpstreamClient

    /// `only` narrows the scan to one package; then only that package's earlier findings are
    /// replaced, and the others' stay as they were.
    func run(repair: Bool, only: String? = nil) async throws -> ActionOutcome {
        context.progress(0, "listing tarballs")
        if let only, !layout.packageNames().contains(only) {
            throw FerryError.invalid("params.package", "package \"\(only)\" is not in the storage")
        }
        let targets = listTargets(only: only)
        context.log("checking \(targets.count) tarballs on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let found = try check(targets)
        if let only {
            try context.records.delete(Self.collection, keys: try context.records.list(RecordQuery(collection: Self.collection, keyPrefix: only + "/")).map(\.key))
        } else {
            try context.records.deleteAll(Self.collection)
        }
        var records = found.map { target, reason in
            Broken(package: target.package, version: target.version, file: target.file, reason: reason, status: "broken", foundAt: Date())
        }
        for r in records { context.log("✗ \(r.package)/\(r.file): \(r.reason)") }
        try store(records)
        if repair && !found.isEmpty {
            context.progress(0.8, "repairing \(found.count) tarball(s)")
            records = await self.repair(found, records)
            try store(records)
        }
        let repaired = records.filter { $0.status == "repaired" }.count
        let failed = records.filter { $0.status == "failed" }.count
        let summary = found.isEmpty
            ? "all \(targets.count) tarballs are sound"
            : "\(found.count) of \(targets.count) tarballs broken" + (repair ? ", \(repaired) repaired, \(failed) failed" : " (not repaired)")
        return .done(summary: summary, details: .object([
            "checked": .number(Double(targets.count)), "broken": .number(Double(found.count)),
            "repaired": .number(Double(repaired)), "failed": .number(Double(failed)),
            "items": .array(records.map { r in
                .object(["package": .string(r.package), "file": .string(r.file), "reason": .string(r.reason), "status": .string(r.status)])
            }),
        ]))
    }

    /// Every `*.tgz` in every package folder (or in `only`'s), with what its packument expects of it.
    func listTargets(only: String? = nil) -> [Target] {
        var targets: [Target] = []
        for name in only.map({ [$0] }) ?? layout.packageNames() {
            let packument = try? Packument.load(layout.packumentFile(name))
            var byFile: [String: (String, Packument.Dist)] = [:]
            for version in packument?.versions.keys ?? [:].keys {
                if let dist = packument?.dist(version) { byFile[dist.fileName] = (version, dist) }
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: layout.packageDirectory(name).path)) ?? []
            for file in files.sorted() where file.hasSuffix(".tgz") && !StorageLayout.isLocalState(file) {
                targets.append(Target(package: name, file: file, version: byFile[file]?.0, dist: byFile[file]?.1))
            }
        }
        return targets
    }

    /// Verifies all targets in parallel; returns the broken ones with their reasons, in order.
    func check(_ targets: [Target]) throws -> [(Target, String)] {
        let results = Mutex<[Int: String]>([:])
        let done = Atomic<Int>(0)
        let layout = layout
        let context = context
        let limit = client.maxInflatedSize
        DispatchQueue.concurrentPerform(iterations: targets.count) { i in
            let t = targets[i]
            let problem = TarballVerifier.problem(file: layout.tarballFile(t.package, fileName: t.file), expected: t.dist?.expected, maxInflatedSize: limit)
            if let problem { results.withLock { $0[i] = problem } }
            let n = done.add(1, ordering: .relaxed).newValue
            if n % 500 == 0 { context.progress(0.8 * Double(n) / Double(targets.count), "checked \(n) of \(targets.count)") }
        }
        try context.checkCancellation()
        return results.withLock { $0 }.sorted { $0.key < $1.key }.map { (targets[$0.key], $0.value) }
    }

    private func repair(_ found: [(Target, String)], _ records: [Broken]) async -> [Broken] {
        var records = records
        let quarantine = context.stateDirectory.appendingPathComponent("quarantine", isDirectory: true)
        let stamp = DiffBuilder.stamp(Date())
        for (i, (target, _)) in found.enumerated() {
            let file = layout.tarballFile(target.package, fileName: target.file)
            let aside = quarantine.appendingPathComponent(target.package).appendingPathComponent("\(target.file).\(stamp)")
            do {
                try FileManager.default.createDirectory(at: aside.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.moveItem(at: file, to: aside)
                records[i].quarantined = aside.path
                guard var dist = target.dist else {
                    throw FerryError(.failed, "the packument does not list \(target.file), so there is nothing to fetch it from")
                }
                // The configured upstream, not the URL stored at caching time: offline copies of
                // packuments name registries this side may not reach.
                dist.tarball = client.tarballURL(package: target.package, file: target.file)
                try await client.tarball(dist, to: file)
                if let problem = TarballVerifier.problem(file: file, expected: dist.expected, maxInflatedSize: client.maxInflatedSize) {
                    throw FerryError(.failed, "fetched again but still broken: \(problem)")
                }
                records[i].status = "repaired"
                context.log("✓ repaired \(target.package)/\(target.file) from \(dist.tarball)")
            } catch {
                records[i].status = "failed"
                records[i].repairError = "\(error)"
                context.log("✗ could not repair \(target.package)/\(target.file): \(error)")
            }
        }
        return records
    }

    private func store(_ records: [Broken]) throws {
        try context.records.put(Self.collection, records.map { try RecordWrite(key: "\($0.package)/\($0.file)", value: $0, label: $0.status) })
    }
}
