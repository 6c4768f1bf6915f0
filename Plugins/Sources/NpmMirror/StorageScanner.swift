import FerryCore
import Foundation

/// The `scan` action: walks the storage, refreshes the file index (hashing only new or changed
/// files) and stores one `packages` record per package, dropping records of packages gone.
struct StorageScanner {
    let layout: StorageLayout
    let context: any SourceContext

    func run() throws -> ActionOutcome {
        context.progress(0, "walking \(layout.root.path)")
        let walk = try FileIndex(layout: layout, records: context.records).refresh(progress: context.progress)
        context.log("file index: \(walk.files.count) files, \(walk.hashed) hashed (\(walk.hashedBytes) bytes new or changed)")
        let names = layout.packageNames()
        var summaries: [PackageSummary] = []
        var problems: [String] = []
        for (i, name) in names.enumerated() {
            if i % 200 == 0 {
                try context.checkCancellation()
                context.progress(0.5 + 0.5 * Double(i) / Double(max(names.count, 1)), "reading \(name)")
            }
            if let summary = PackageSummary.read(name, layout: layout, problem: { problems.append($0) }) { summaries.append(summary) }
        }
        for problem in problems { context.log("unreadable packument: \(problem)") }
        try Self.store(summaries, replacingAllIn: context.records)
        let tarballs = summaries.reduce(0) { $0 + $1.tarballs }
        let bytes = summaries.reduce(Int64(0)) { $0 + $1.bytes }
        let versions = summaries.reduce(0) { $0 + $1.versions }
        let missing = summaries.reduce(0) { $0 + $1.missing }
        let summary = "\(summaries.count) packages, \(versions) versions, \(tarballs) tarballs (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file))); hashed \(walk.hashed) of \(walk.files.count) files"
        return .done(summary: summary, details: .object([
            "packages": .number(Double(summaries.count)), "versions": .number(Double(versions)), "tarballs": .number(Double(tarballs)),
            "bytes": .number(Double(bytes)), "missingTarballs": .number(Double(missing)), "files": .number(Double(walk.files.count)),
            "hashed": .number(Double(walk.hashed)), "hashedBytes": .number(Double(walk.hashedBytes)),
            "unreadable": .array(problems.map(JSONValue.string)),
        ]))
    }

    /// Writes the summaries in one transaction and deletes records of packages no longer there.
    static func store(_ summaries: [PackageSummary], replacingAllIn records: any RecordStore) throws {
        try records.put(PackageSummary.collection, summaries.map { try $0.record() })
        let present = Set(summaries.map(\.name))
        let stale = try records.all(PackageSummary.collection).map(\.key).filter { !present.contains($0) }
        if !stale.isEmpty { try records.delete(PackageSummary.collection, keys: stale) }
    }
}
