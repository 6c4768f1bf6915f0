import FerryCore
import Foundation

/// Which diff archives carried which versions of a package (seed 002's `GET /packages/{name}`):
/// one record per package in `package-history`, extended by every diff-build that touches it,
/// joined with the package's `packages` summary for the API and the UI.
struct PackageHistory: Codable, Sendable, Equatable {
    static let collection = "package-history"
    /// Diffs kept per package: enough for years of daily transfers.
    static let kept = 500

    struct Carried: Codable, Sendable, Equatable {
        var archive: String
        var snapshot: String
        var at: Date
        var versions: [String]
        var files: Int
        var bytes: Int64
    }

    var name: String
    var firstSeen: Date
    var diffs: [Carried]

    /// Adds one diff's files to the histories of the packages they belong to.
    static func record(_ files: [DiffManifest.File], archive: String, snapshot: String, at: Date, records: any RecordStore) throws {
        var byPackage: [String: [DiffManifest.File]] = [:]
        for file in files {
            guard let name = package(of: file.path) else { continue }
            byPackage[name, default: []].append(file)
        }
        var writes: [RecordWrite] = []
        for (name, carried) in byPackage.sorted(by: { $0.key < $1.key }) {
            var history = try records.value(PackageHistory.self, in: collection, key: name) ?? PackageHistory(name: name, firstSeen: at, diffs: [])
            let base = name.split(separator: "/").last.map(String.init) ?? name
            let versions = carried.compactMap { file -> String? in
                let fileName = (file.path as NSString).lastPathComponent
                guard fileName.hasPrefix(base + "-"), fileName.hasSuffix(".tgz") else { return nil }
                return String(fileName.dropFirst(base.count + 1).dropLast(".tgz".count))
            }.sorted()
            history.diffs.append(Carried(archive: archive, snapshot: snapshot, at: at, versions: versions, files: carried.count, bytes: carried.reduce(0) { $0 + $1.size }))
            history.diffs = Array(history.diffs.suffix(kept))
            writes.append(try RecordWrite(key: name, value: history, stamp: Int64(at.timeIntervalSince1970 * 1000)))
        }
        if !writes.isEmpty { try records.put(collection, writes) }
    }

    /// `@scope/name/...` or `name/...`; nil for files outside a package folder (such as
    /// `_advisories/`, which no package name can be).
    static func package(of path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        let name: String? = parts.first?.hasPrefix("@") == true ? (parts.count >= 3 ? "\(parts[0])/\(parts[1])" : nil) : (parts.count >= 2 ? parts[0] : nil)
        return name.flatMap { StorageLayout.isValidName($0) ? $0 : nil }
    }

    /// The API's and the UI's view of one package: its summary and its history.
    static func detail(_ name: String, records: any RecordStore) throws -> JSONValue? {
        let summary = try records.get(PackageSummary.collection, key: name)?.value
        let history = try records.get(collection, key: name)?.value
        guard summary != nil || history != nil else { return nil }
        var out: [String: JSONValue] = summary?.objectValue ?? ["name": .string(name)]
        out["firstSeen"] = history?["firstSeen"] ?? .null
        out["history"] = history?["diffs"] ?? .array([])
        return .object(out)
    }
}
