import FerryCore
import Foundation

/// What Ferry knows about one package, apart from its versions: the row the browser, the API
/// listing, `check-status` and the build's active set read. Collection `packages`, keyed by
/// package name, labelled with the Composer type, stamped with the sync run that last changed it.
struct PackageSummary: Codable, Sendable, Equatable {
    enum Upstream: String, Codable, Sendable { case wordpress, vcs }

    struct Skipped: Codable, Sendable, Equatable {
        var version: String
        var reason: String
    }

    var name: String
    var type: String
    var upstream: Upstream
    /// WordPress.org slug, or the git URL for vcs packages.
    var origin: String
    var active = true
    var inactiveReason: String?
    var description: String?
    var homepage: String?
    /// Newest stable version published.
    var latest: String?
    var versionCount = 0
    var lastUpdated: Date?
    var skipped: [Skipped] = []
    /// The last upstream problem (bad JSON, timeout, bad composer.json); cleared by a clean fetch.
    var problem: String?
    /// What discovery last saw upstream (WordPress `last_updated|version`, a hash of git refs).
    var upstreamMarker: String?
    /// What the last successful update fetched; equal to `upstreamMarker` when nothing changed.
    var syncedMarker: String?
    var syncedAt: Date?
    var installsTotal = 0
    var installs30d = 0
    var lastInstalledAt: Date?

    static let collection = "packages"

    /// Whether `update` should fetch this package again.
    var needsSync: Bool { syncedMarker == nil || upstreamMarker != syncedMarker }

    /// `wp-plugin` / `wp-theme` packages come from WordPress.org.
    static func wordpressName(slug: String, theme: Bool) -> String { (theme ? "wp-theme/" : "wp-plugin/") + slug }
    var isTheme: Bool { type == "wordpress-theme" }
}

/// The full Composer metadata of a package's versions, kept apart from the summary so the build
/// reads it only for packages that changed. Collection `versions`, keyed by name, stamped with the
/// sync run that wrote it.
struct VersionSet: Sendable {
    /// Expanded Composer version objects, newest first, tags and branches alike.
    var versions: [JSONValue]

    static let collection = "versions"

    /// The record, written with `JSONText` rather than `JSONEncoder` (the build reads these back
    /// with `JSONValue(parsing:)`; both are several times faster than `Codable` for untyped JSON).
    func write(key: String, stamp: Int64) -> RecordWrite {
        RecordWrite(key: key, json: Data(JSONText.bytes(.object(["versions": .array(versions)]))), stamp: stamp)
    }

    static func read(_ records: any RecordStore, key: String) throws -> VersionSet? {
        guard let record = try records.get(collection, key: key) else { return nil }
        guard case .array(let versions)? = JSONText.parse(record.json)?["versions"] else {
            throw FerryError(.internal, "stored versions of \(key) are unreadable; run update with force=true")
        }
        return VersionSet(versions: versions)
    }
}
