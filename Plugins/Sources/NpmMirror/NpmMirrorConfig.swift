import FerryCore
import Foundation

/// The `source.config` of an npm-mirror workload. Every field but `storage` has a default, also
/// when decoding a config that did not pass through the schema validator.
struct NpmMirrorConfig: Decodable, Sendable, Equatable {
    /// Which versions a refresh downloads.
    enum Policy: String, Decodable, Sendable, CaseIterable {
        /// Every dist-tag's version and every version newer than the newest stored (default).
        case newAndTagged = "new-and-tagged"
        /// Only the versions dist-tags point at.
        case tagged
        /// Every version upstream lists.
        case all
    }

    var storage: String
    var upstream: String
    var concurrency: Int
    var policy: Policy
    var dependencies: Bool
    var diffAfterRefresh: Bool
    var serveMissing: Bool
    var uplink: String
    var retries: Int
    /// Bytes a tarball may inflate to before its check fails (a gzip bomb, not an OOM).
    var maxInflatedSize: Int
    /// Bytes an upstream packument may have; a larger answer fails that package.
    var maxPackumentSize: Int
    /// The workload env key holding the ed25519 private key diffs are signed with.
    var signingKeyEnv: String?
    /// Largest part of a split diff (`4GiB`); nil: one archive.
    var partSize: String?
    /// The platforms whose platform-specific optional dependencies a refresh fetches; nil: all.
    var platforms: [NpmPlatform]?
    /// Whether a refresh collects security advisories for what it mirrors (carried in diffs).
    var advisories: Bool

    static let defaultUpstream = "https://registry.npmjs.org/"
    static let defaultMaxInflatedSize = TarballVerifier.defaultMaxInflatedSize
    /// 100 MiB: the largest packuments on the public registry are a few tens of MiB.
    static let defaultMaxPackumentSize = 100 << 20
    static let sizeLimits = (minimum: 1 << 10, maximum: 1 << 40)

    private enum CodingKeys: String, CodingKey {
        case storage, upstream, concurrency, policy, dependencies, diffAfterRefresh, serveMissing, uplink, retries, maxInflatedSize, maxPackumentSize, signingKeyEnv, partSize, platforms, advisories
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storage = try c.decode(String.self, forKey: .storage)
        upstream = try c.decodeIfPresent(String.self, forKey: .upstream) ?? Self.defaultUpstream
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? 4
        policy = try c.decodeIfPresent(Policy.self, forKey: .policy) ?? .newAndTagged
        dependencies = try c.decodeIfPresent(Bool.self, forKey: .dependencies) ?? true
        diffAfterRefresh = try c.decodeIfPresent(Bool.self, forKey: .diffAfterRefresh) ?? true
        serveMissing = try c.decodeIfPresent(Bool.self, forKey: .serveMissing) ?? false
        uplink = try c.decodeIfPresent(String.self, forKey: .uplink) ?? "npmjs"
        retries = try c.decodeIfPresent(Int.self, forKey: .retries) ?? 3
        maxInflatedSize = try c.decodeIfPresent(Int.self, forKey: .maxInflatedSize) ?? Self.defaultMaxInflatedSize
        maxPackumentSize = try c.decodeIfPresent(Int.self, forKey: .maxPackumentSize) ?? Self.defaultMaxPackumentSize
        signingKeyEnv = try c.decodeIfPresent(String.self, forKey: .signingKeyEnv)
        partSize = try c.decodeIfPresent(String.self, forKey: .partSize)
        advisories = try c.decodeIfPresent(Bool.self, forKey: .advisories) ?? true
        platforms = try c.decodeIfPresent([String].self, forKey: .platforms)?.enumerated().map { i, text in
            try NpmPlatform.parse(text, field: "source.config.platforms[\(i)]")
        }
    }

    static var schema: ConfigSchema {
        .object([
            .init("storage", .string("name of the volume holding the Verdaccio storage folder")),
            .init("upstream", .string("registry to refresh from (the online Verdaccio or the public registry)", default: defaultUpstream, format: .url)),
            .init("concurrency", .integer("packages refreshed at once", default: 4, minimum: 1, maximum: 64)),
            .init("policy", .string("versions a refresh downloads", default: Policy.newAndTagged.rawValue, enum: Policy.allCases.map(\.rawValue))),
            .init("dependencies", .boolean("also fetch the dependency closure of what a refresh adds", default: true)),
            .init("diffAfterRefresh", .boolean("follow a successful refresh-full with a diff-build", default: true)),
            .init("serveMissing", .boolean("list versions whose tarball is not in the storage (breaks offline installs)", default: false)),
            .init("uplink", .string("uplink name recorded in _uplinks and _distfiles, as in Verdaccio's config", default: "npmjs")),
            .init("retries", .integer("attempts per upstream request before a package is reported failed", default: 3, minimum: 1, maximum: 10)),
            .init("maxInflatedSize", .integer(
                "bytes a tarball may inflate to; a larger one (a gzip bomb) fails its check instead of exhausting memory",
                default: defaultMaxInflatedSize, minimum: sizeLimits.minimum, maximum: sizeLimits.maximum)),
            .init("maxPackumentSize", .integer(
                "bytes an upstream packument may have; a larger answer fails that package",
                default: defaultMaxPackumentSize, minimum: sizeLimits.minimum, maximum: sizeLimits.maximum)),
            .init("partSize", .string("split each diff into parts of at most this size, for transfer media (4GiB, 700MiB)")),
            .init("advisories", .boolean("after a refresh, ask upstream's advisory endpoint about every stored version; diffs carry the answers for npm audit offline", default: true)),
            .init("platforms", .array(
                .string("os-cpu as npm names them: linux-x64, darwin-arm64, win32-x64, linux-x64-musl"),
                "fetch the platform-specific optional dependencies (esbuild, @swc/core, sharp) of only these platforms; default: all")),
            .init("signingKeyEnv", .string("env key (a secret) holding the private key from `ferry npm keygen`: every diff's manifest is signed with it")),
        ], required: ["storage"])
    }

    static func load(from config: JSONValue) throws -> NpmMirrorConfig {
        let decoded: NpmMirrorConfig
        do { decoded = try config.decode(NpmMirrorConfig.self) } catch let error as FerryError { throw error } catch {
            throw FerryError(.invalidInput, "source.config: expected an object with at least \"storage\" (a volume name); \(error)",
                             field: "source.config", cause: error)
        }
        guard let scheme = URLComponents(string: decoded.upstream)?.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw FerryError.invalid("source.config.upstream", "expected an http or https URL, got \"\(decoded.upstream)\"")
        }
        guard (1...64).contains(decoded.concurrency) else { throw FerryError.invalid("source.config.concurrency", "must be between 1 and 64") }
        let sizes = sizeLimits.minimum...sizeLimits.maximum
        for (key, value) in [("maxInflatedSize", decoded.maxInflatedSize), ("maxPackumentSize", decoded.maxPackumentSize)] where !sizes.contains(value) {
            throw FerryError.invalid("source.config.\(key)", "must be between \(sizeText(sizes.lowerBound)) and \(sizeText(sizes.upperBound)) (in bytes)")
        }
        if let part = decoded.partSize { _ = try partBytes(part, field: "source.config.partSize") }
        return decoded
    }

    /// A part size as bytes; at least 1 KiB.
    static func partBytes(_ text: String, field: String) throws -> Int64 {
        guard let bytes = ByteCount.parse(text), bytes >= 1024 else {
            throw FerryError.invalid(field, "expected a size of at least 1KiB such as 4GiB or 700MiB, got \"\(text)\"")
        }
        return Int64(bytes)
    }

    /// The storage folder: the volume the config names, as the engine resolved it.
    func storageRoot(_ volumes: [String: URL]) throws -> URL {
        guard let url = volumes[storage] else {
            throw FerryError(.invalidInput, "source.config.storage: the workload has no volume named \"\(storage)\"; add it under volumes:",
                             field: "source.config.storage")
        }
        return url
    }

    /// A byte count as a person reads a limit: `1 GiB`, `100 MiB`, `1536 KiB`, `1000 bytes`.
    static func sizeText(_ bytes: Int) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }

    /// The upstream base without a trailing slash.
    var upstreamBase: String { upstream.hasSuffix("/") ? String(upstream.dropLast()) : upstream }
}
