import Crypto
import FerryCore
import Foundation

/// `build`: writes packages.json, the p2 files, vcs dist zips and manifest.json for one sync
/// snapshot into the job's build directory, then validates the result; a build that fails
/// validation throws, so the engine never activates it.
///
/// Incremental: the build starts from the live one (`SourceContext.build`). A package whose
/// summary stamp equals the one recorded in the live build's manifest is kept from it without
/// reading its versions, and any freshly rendered file whose bytes equal the live build's is
/// kept instead of written, so unchanged files keep their object and their Last-Modified, and
/// the engine stores only what changed. Packages are read in pages, never all at once.
struct RepositoryBuilder {
    let context: any SourceContext
    /// Whether packages.json names the advisories API (only when advisories are configured, so
    /// an empty audit never reads as "no known vulnerabilities" for a repository that has none).
    var announcesAdvisories = false
    /// The `proxy` entries' package patterns, announced so Composer asks Ferry for them too.
    var proxyPatterns: [String] = []

    init(context: any SourceContext, announcesAdvisories: Bool = false, proxyPatterns: [String] = []) {
        self.context = context
        self.announcesAdvisories = announcesAdvisories
        self.proxyPatterns = proxyPatterns
    }

    init(context: any SourceContext, config: ComposerConfig) {
        self.init(context: context, announcesAdvisories: config.advisories != nil || config.proxy?.isEmpty == false, proxyPatterns: (config.proxy ?? []).flatMap(\.packages))
    }
    static let pageSize = 2000

    private final class Output {
        let root: URL
        let base: any BuildChanges
        /// The base build's files by path, as the engine's manifest lists them.
        let previous: [String: BuildManifest.File]
        /// Every path of the new build with its size.
        var files: [String: Int64] = [:]
        var packages: [String: ContentManifest.Package] = [:]
        var madeDirs: Set<String> = []
        var linked = 0
        var written = 0
        /// Paths written by this build (not kept): the validator reads these back.
        var fresh: Set<String> = []

        init(root: URL, base: any BuildChanges) {
            self.root = root
            self.base = base
            self.previous = Dictionary((base.base?.files ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        }

        /// Where a file of the new build goes. Paths carry package names and commits from
        /// upstream repositories, so they are joined through `RelativePath`, never as raw text.
        func target(_ path: String) throws -> URL {
            try root.appending(checked: path, what: "repository file")
        }

        func directory(for path: String) throws {
            let dir = (path as NSString).deletingLastPathComponent
            guard !dir.isEmpty, !madeDirs.contains(dir) else { return }
            try FileManager.default.createDirectory(at: try target(dir), withIntermediateDirectories: true)
            madeDirs.insert(dir)
        }

        /// Keeps the live build's file when it has these exact bytes, else writes them.
        func put(_ path: String, _ bytes: [UInt8]) throws {
            if let old = previous[path], old.size == Int64(bytes.count), old.sha256 == RepositoryBuilder.sha256(bytes), try reuse(path) {
                return
            }
            try directory(for: path)
            try BuildFile.write(bytes, to: try target(path).path)
            files[path] = Int64(bytes.count)
            fresh.insert(path)
            written += 1
        }

        /// Keeps an unchanged file of the live build (nothing is read or written); false when
        /// the live build does not have it.
        func reuse(_ path: String) throws -> Bool {
            guard let old = previous[path], base.keep(path) else { return false }
            files[path] = old.size
            linked += 1
            return true
        }

        /// Links a file from outside the builds (a cached dist zip).
        func link(_ path: String, from source: URL) throws {
            try directory(for: path)
            let target = try target(path)
            try FileManager.default.linkItem(at: source, to: target)
            var info = stat()
            guard stat(target.path, &info) == 0 else { throw FerryError(.failed, "cannot read \(target.path) after linking it") }
            files[path] = Int64(info.st_size)
            if previous[path] != nil { linked += 1 } else { written += 1 }
        }
    }

    func build(snapshot: Int64) throws -> JSONValue {
        let clock = ContinuousClock()
        let started = clock.now
        let records = context.records
        let previous = context.build.baseFile(ContentManifest.fileName).flatMap(ContentManifest.read)
        let out = Output(root: context.buildDirectory, base: context.build)
        if let previous { context.log("previous build \(previous.buildID) (snapshot \(previous.snapshot)) is the base for reuse") }

        var counts = ["packages": 0, "versions": 0, "rendered": 0, "reused": 0, "inactive": 0, "pending": 0]
        var names: [String] = []
        let total = try records.count(RecordQuery(collection: PackageSummary.collection))
        var offset = 0
        while true {
            try context.checkCancellation()
            let page = try records.list(RecordQuery(collection: PackageSummary.collection, limit: Self.pageSize, offset: offset))
            if page.isEmpty { break }
            offset += page.count
            for record in page {
                // Unchanged since the live build rendered it (the same stamp, which no newer sync
                // run has moved): its files are kept without decoding the summary at all.
                if record.stamp <= snapshot, let old = previous?.packages[record.key], old.stamp == record.stamp,
                   let versions = old.versions, try reusePackage(record.key, old, out) {
                    names.append(record.key)
                    counts["reused"]! += 1
                    counts["versions"]! += versions
                    continue
                }
                guard let s = try? record.decode(PackageSummary.self) else { continue }
                let old = previous?.packages[s.name]
                if record.stamp > snapshot {
                    // Written by a sync run newer than the snapshot: keep what the last build had.
                    counts["pending"]! += 1
                    if let old, try reusePackage(s.name, old, out) { names.append(s.name); counts["reused"]! += 1 }
                    continue
                }
                guard s.active else { counts["inactive"]! += 1; continue }
                guard s.versionCount > 0 else { continue }
                if let old, old.stamp == record.stamp, try reusePackage(s.name, old, out) {
                    names.append(s.name)
                    counts["reused"]! += 1
                    counts["versions"]! += s.versionCount
                    continue
                }
                guard let set = try VersionSet.read(records, key: s.name), !set.versions.isEmpty else { continue }
                let paths = try render(s, set.versions, out)
                out.packages[s.name] = .init(stamp: record.stamp, files: paths, versions: set.versions.count, name: s.name)
                names.append(s.name)
                counts["rendered"]! += 1
                counts["versions"]! += set.versions.count
            }
            context.progress(0.1 + 0.7 * Double(offset) / Double(max(total, 1)), "built \(offset) of \(total) packages")
        }
        names.sort()
        counts["packages"] = names.count
        let rendered = clock.now - started

        try out.put("packages.json", packagesJSON(names: names))
        counts["files"] = out.files.count + 1
        counts["linked"] = out.linked
        counts["written"] = out.written
        let buildID = Self.buildID(context)
        let manifest = ContentManifest(
            buildID: buildID, workload: context.workload.name, snapshot: snapshot, createdAt: Date(), counts: counts,
            timings: ["packagesSeconds": seconds(rendered), "totalSeconds": seconds(clock.now - started)],
            packages: out.packages)
        try manifest.encoded().write(to: context.buildDirectory.appendingPathComponent(ContentManifest.fileName), options: .atomic)

        context.progress(0.85, "validating \(out.fresh.count) files written")
        let root = context.buildDirectory, base = context.build
        try RepositoryValidator { path in
            out.fresh.contains(path) ? root.appendingPathComponent(path).path : base.baseFile(path)?.path
        }.validate(files: out.files, packages: out.packages, fresh: out.fresh)
        context.log("build \(buildID): \(names.count) packages (\(counts["rendered"]!) rendered, \(counts["reused"]!) reused), \(counts["inactive"]!) inactive left out, \(out.written) files written, \(out.linked) kept")
        return .object([
            "snapshot": .number(Double(snapshot)),
            "packages": .number(Double(names.count)),
            "versions": .number(Double(counts["versions"]!)),
            "rendered": .number(Double(counts["rendered"]!)),
            "reused": .number(Double(counts["reused"]!)),
            "inactive": .number(Double(counts["inactive"]!)),
            "seconds": .number(seconds(clock.now - started)),
        ])
    }

    private func reusePackage(_ name: String, _ old: ContentManifest.Package, _ out: Output) throws -> Bool {
        // All or nothing: a half-linked package would be rendered over its own links.
        let paths = old.paths(name)
        guard paths.allSatisfy({ out.previous[$0] != nil }) else { return false }
        for path in paths where try !out.reuse(path) { return false }
        out.packages[name] = old
        return true
    }

    /// Writes one package's p2 files (and links its vcs dists); returns the paths.
    private func render(_ s: PackageSummary, _ versions: [JSONValue], _ out: Output) throws -> [String] {
        let (tagged, dev) = P2Writer.files(name: s.name, versions: versions)
        var paths = ["p2/\(s.name).json", "p2/\(s.name)~dev.json"]
        try out.put(paths[0], tagged)
        try out.put(paths[1], dev)
        if s.upstream == .vcs {
            for v in versions {
                guard let commit = v["dist"]?["reference"]?.stringValue else { continue }
                let path = "dists/\(s.name)/\(commit).zip"
                guard !paths.contains(path) else { continue }
                let cached = VcsUpstream.distCache(context.stateDirectory, commit: commit)
                guard FileManager.default.fileExists(atPath: cached.path) else {
                    throw FerryError(.failed, "dist zip of \(s.name) at \(commit) is missing from the cache; run update with force=true")
                }
                let reused = out.previous[path] != nil ? try out.reuse(path) : false
                if !reused { try out.link(path, from: cached) }
                paths.append(path)
            }
        }
        return paths
    }

    private func packagesJSON(names: [String]) -> [UInt8] {
        let mount = URLComponents(string: context.publicBase)?.path ?? ""
        var root: [String: JSONValue] = [
            "packages": .object([:]),
            "metadata-url": .string("\(mount)/p2/%package%.json"),
            "notify-batch": .string("\(context.publicBase)/downloads"),
            "search": .string("\(mount)/search.json?q=%query%&type=%type%"),
            "list": .string("\(mount)/list.json"),
            "metadata-changes-url": .string("\(mount)/metadata/changes.json"),
        ]
        if announcesAdvisories {
            root["security-advisories"] = .object(["metadata": .bool(false), "api-url": .string("\(context.publicBase)/security-advisories")])
        }
        var patterns = proxyPatterns
        if names.count <= 10_000 {
            root["available-packages"] = .array(names.map(JSONValue.string))
        } else {
            let vendors = Set(names.map { $0.split(separator: "/").first.map(String.init) ?? $0 })
            patterns += vendors.sorted().map { "\($0)/*" }
        }
        if !patterns.isEmpty {
            var seen = Set<String>()
            root["available-package-patterns"] = .array(patterns.filter { seen.insert($0).inserted }.map(JSONValue.string))
        }
        return JSONText.bytes(.object(root))
    }

    /// The engine's build id: the build directory is `builds/<id>/content`.
    static func buildID(_ context: any SourceContext) -> String {
        let dir = context.buildDirectory
        return dir.lastPathComponent == "content" ? dir.deletingLastPathComponent().lastPathComponent : context.jobID
    }

    static func sha256(_ bytes: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }

    private func seconds(_ d: Duration) -> Double {
        (d.inSeconds * 1000).rounded() / 1000
    }
}
