import FerryCore
import Foundation

/// `refresh-full` and `refresh-delta`: brings stored packages up to date with upstream and
/// follows the dependency closure of whatever it adds, in waves — the packages named by the
/// run, then the dependencies the added versions need, and so on until nothing new is wanted.
/// Each package is handled on its own (`PackageRefresh`), bounded by `concurrency`; a package
/// that fails is reported and the run goes on.
struct Refresher: Sendable {
    let config: NpmMirrorConfig
    let layout: StorageLayout
    let context: any SourceContext
    let client: UpstreamClient
    let dryRun: Bool

    /// The packages a run starts from: all of them, or those with a file changed within
    /// `minutes` (the seed's "re-install what changed in the last two days").
    func roots(changedWithin minutes: Int?) -> [String] {
        let names = layout.packageNames()
        guard let minutes else { return names }
        let cutoff = Date().addingTimeInterval(-Double(minutes) * 60)
        let fm = FileManager.default
        return names.filter { name in
            let dir = layout.packageDirectory(name).path
            return ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).contains { entry in
                ((try? fm.attributesOfItem(atPath: dir + "/" + entry))?[.modificationDate] as? Date).map { $0 >= cutoff } ?? false
            }
        }
    }

    func run(roots: [String], label: String) async throws -> RefreshReport {
        var report = RefreshReport(dryRun: dryRun)
        var demands: [String: PackageRefresh.Demand] = Dictionary(uniqueKeysWithValues: roots.map { ($0, .init(policy: true)) })
        var seenRanges = Set<String>()
        var upstreamCache: [String: (Packument, String?)] = [:]
        var processed = 0
        context.log("\(label): \(roots.count) package(s) from \(config.upstreamBase)\(dryRun ? " (dry run: nothing is written)" : "")")
        var wave = 0
        while !demands.isEmpty {
            wave += 1
            let batch = demands.sorted { $0.key < $1.key }
            demands = [:]
            if wave > 1 { context.log("dependency wave \(wave): \(batch.count) package(s)") }
            let cache = upstreamCache
            let results = try await forEach(batch) { name, demand in
                await PackageRefresh(refresher: self, name: name, demand: demand).run(cached: cache[name])
            } progress: { done in
                context.progress(Double(processed + done) / Double(processed + batch.count + 1), "wave \(wave): \(processed + done) packages")
            }
            processed += batch.count
            for result in results {
                if let upstream = result.upstream { upstreamCache[result.name] = upstream }
                report.add(result)
                for log in result.log { context.log(log) }
                guard config.dependencies else { continue }
                for dep in result.dependencies where StorageLayout.isValidName(dep.name) {
                    guard seenRanges.insert("\(dep.name)@\(dep.range)\(dep.optional ? " optional" : "")").inserted else { continue }
                    demands[dep.name, default: .init(policy: false)].ranges.insert(dep.range)
                    if !dep.optional { demands[dep.name]?.required = true }
                }
            }
        }
        if !dryRun {
            let touched = Set(report.touched)
            let summaries = touched.sorted().compactMap { PackageSummary.read($0, layout: layout) }
            try context.records.put(PackageSummary.collection, summaries.map { try $0.record() })
        }
        return report
    }

    /// Runs `body` for every item, at most `config.concurrency` at once, keeping input order.
    private func forEach<R: Sendable>(
        _ items: [(key: String, value: PackageRefresh.Demand)],
        _ body: @escaping @Sendable (String, PackageRefresh.Demand) async -> R,
        progress: (Int) -> Void
    ) async throws -> [R] {
        var results = [R?](repeating: nil, count: items.count)
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var next = 0
            func start() {
                let i = next
                let item = items[i]
                group.addTask { (i, await body(item.key, item.value)) }
                next += 1
            }
            while next < min(config.concurrency, items.count) { start() }
            var done = 0
            while let (i, result) = try await group.next() {
                results[i] = result
                done += 1
                if done % 10 == 0 || done == items.count { progress(done) }
                try context.checkCancellation()
                if next < items.count { start() }
            }
        }
        return results.compactMap { $0 }
    }
}

/// What a refresh did, for the job summary and its details.
struct RefreshReport {
    var dryRun: Bool
    var packages = 0
    var fetched: [String] = []
    var added: Int = 0
    var failures: [(String, String)] = []
    /// Packages whose upstream packument could not be had at all.
    var unreachable = 0
    var touched: [String] = []
    var skipped: [String] = []

    mutating func add(_ result: PackageRefresh.Result) {
        packages += 1
        fetched += result.fetched.map { "\(result.name)@\($0)" }
        added += result.addedVersions
        failures += result.failures.map { (result.name, $0) }
        if result.upstream == nil { unreachable += 1 }
        if result.wrote { touched.append(result.name) }
        skipped += result.skipped.map { "\(result.name)@\($0)" }
    }

    /// Nothing could be asked of upstream: the run as a whole failed, not some packages.
    var allUnreachable: Bool { packages > 0 && unreachable == packages }

    var summary: String {
        let verb = dryRun ? "would fetch" : "fetched"
        return "\(packages) packages checked, \(verb) \(fetched.count) tarball(s), \(added) new version(s) listed, \(failures.count) error(s)"
    }

    var details: JSONValue {
        .object([
            "dryRun": .bool(dryRun), "packages": .number(Double(packages)), "newVersions": .number(Double(added)),
            dryRun ? "wouldFetch" : "fetched": .array(fetched.map(JSONValue.string)),
            "skippedPlatforms": .array(skipped.map(JSONValue.string)),
            "errors": .array(failures.map { .object(["package": .string($0.0), "error": .string($0.1)]) }),
        ])
    }
}
