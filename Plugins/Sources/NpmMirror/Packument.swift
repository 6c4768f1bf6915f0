import FerryCore
import Foundation

/// An npm packument (the document `GET /<name>` returns and Verdaccio keeps as
/// `<name>/package.json`), held as plain JSON so every field — including the ones Verdaccio adds
/// (`_uplinks`, `_distfiles`, `_attachments`, `_rev`) and ones neither of us knows — survives a
/// read-modify-write untouched.
public struct Packument: Sendable {
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) { self.fields = fields }

    /// A new, empty packument as Verdaccio starts one.
    public init(name: String) {
        fields = [
            "name": .string(name), "versions": .object([:]), "dist-tags": .object([:]), "time": .object([:]),
            "_uplinks": .object([:]), "_distfiles": .object([:]), "_attachments": .object([:]), "_rev": .string("0-0000000000000000"),
        ]
    }

    public init(data: Data, what: String) throws {
        guard case .object(let fields) = try JSONText.parse(data, what: what) else {
            throw FerryError(.failed, "\(what) is not a JSON object")
        }
        self.fields = fields
    }

    /// Reads a stored packument; nil when the package has none yet.
    public static func load(_ file: URL) throws -> Packument? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return try Packument(data: data, what: file.path)
    }

    public var name: String { fields["name"]?.stringValue ?? "" }

    public var versions: [String: JSONValue] {
        get { fields["versions"]?.objectValue ?? [:] }
        set { fields["versions"] = .object(newValue) }
    }

    public var distTags: [String: String] {
        get { (fields["dist-tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue) }
        set { fields["dist-tags"] = .object(newValue.mapValues(JSONValue.string)) }
    }

    /// Versions that parse as semver, for policy and range decisions.
    public var semverVersions: [SemverVersion] { versions.keys.compactMap(SemverVersion.init(_:)) }

    /// What a version's `dist` says about its tarball.
    public func dist(_ version: String) -> Dist? {
        guard let dist = versions[version]?["dist"], let url = dist["tarball"]?.stringValue,
              let file = StorageLayout.tarballFileName(url)
        else { return nil }
        return Dist(tarball: url, fileName: file, integrity: dist["integrity"]?.stringValue, shasum: dist["shasum"]?.stringValue)
    }

    public struct Dist: Sendable, Equatable {
        public var tarball: String
        public var fileName: String
        public var integrity: String?
        public var shasum: String?

        public var expected: TarballDigest.Expected { TarballDigest.Expected(integrity: integrity, shasum: shasum) }
    }

    /// Tab-indented JSON, as Verdaccio writes it.
    public func encoded() -> Data { JSONText.data(.object(fields)) }

    public func write(to file: URL) throws { try StorageLayout.writeAtomically(encoded(), to: file) }

    /// Merges an upstream packument the way Verdaccio's storage does: only versions not stored
    /// yet are added (a stored version is never rewritten), dist-tags and `time` follow
    /// upstream, `_uplinks.<uplink>` records the fetch. Returns the versions added and whether
    /// anything changed at all.
    public mutating func merge(upstream: Packument, uplink: String, etag: String?, now: Date) -> (added: [String], changed: Bool) {
        var versions = self.versions
        var added: [String] = []
        for (version, doc) in upstream.versions where versions[version] == nil {
            versions[version] = doc
            added.append(version)
        }
        var changed = !added.isEmpty
        if changed { self.versions = versions }
        let tags = upstream.distTags.filter { versions[$0.value] != nil }
        if !tags.isEmpty, tags != distTags {
            distTags = distTags.merging(tags) { _, new in new }
            changed = true
        }
        if let upstreamTime = upstream.fields["time"]?.objectValue {
            let merged = (fields["time"]?.objectValue ?? [:]).merging(upstreamTime) { _, new in new }
            if merged != fields["time"]?.objectValue {
                fields["time"] = .object(merged)
                changed = true
            }
        }
        for key in ["description", "readme", "repository", "homepage", "license", "maintainers", "keywords", "bugs", "author"]
        where fields[key] == nil && upstream.fields[key] != nil {
            fields[key] = upstream.fields[key]
        }
        if changed {
            var uplinks = fields["_uplinks"]?.objectValue ?? [:]
            uplinks[uplink] = .object(["etag": .string(etag ?? ""), "fetched": .number((now.timeIntervalSince1970 * 1000).rounded())])
            fields["_uplinks"] = .object(uplinks)
            for key in ["_attachments", "_distfiles"] where fields[key] == nil { fields[key] = .object([:]) }
            if fields["_rev"] == nil { fields["_rev"] = .string("0-0000000000000000") }
        }
        return (added.sorted { (SemverVersion($0) ?? .init(0, 0, 0)) < (SemverVersion($1) ?? .init(0, 0, 0)) }, changed)
    }

    /// Notes a downloaded tarball in `_distfiles`, as Verdaccio does when it caches one.
    public mutating func recordDistfile(_ dist: Dist, registry: String) {
        var distfiles = fields["_distfiles"]?.objectValue ?? [:]
        distfiles[dist.fileName] = .object([
            "url": .string(dist.tarball), "sha": .string(dist.shasum ?? ""), "registry": .string(registry),
        ])
        fields["_distfiles"] = .object(distfiles)
    }
}

extension Packument {
    /// The dependency fields of one version, read from its document.
    struct VersionDoc {
        var dependencies: [String: String]
        var optionalDependencies: [String: String]
        var peerDependencies: [String: String]
        /// Peer name → whether it is optional.
        var peerDependenciesMeta: [String: Bool]
        /// The platform fields npm checks before installing (a string or a list in the wild).
        var os: [String] = []
        var cpu: [String] = []
        var libc: [String] = []
    }

    func versionDoc(_ version: String) -> VersionDoc? {
        guard let doc = versions[version] else { return nil }
        func strings(_ key: String) -> [String: String] { (doc[key]?.objectValue ?? [:]).compactMapValues(\.stringValue) }
        let meta = (doc["peerDependenciesMeta"]?.objectValue ?? [:]).mapValues { $0["optional"] == .bool(true) }
        func list(_ key: String) -> [String] { doc[key]?.stringValue.map { [$0] } ?? (doc[key]?.arrayValue ?? []).compactMap(\.stringValue) }
        return VersionDoc(
            dependencies: strings("dependencies"), optionalDependencies: strings("optionalDependencies"),
            peerDependencies: strings("peerDependencies"), peerDependenciesMeta: meta, os: list("os"), cpu: list("cpu"), libc: list("libc"))
    }
}
