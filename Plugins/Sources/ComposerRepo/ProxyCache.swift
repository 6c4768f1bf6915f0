import Crypto
import FerryCore
import Foundation

/// The lazy mirror behind composer-repo's `proxy` entries, one per workload, in
/// `state/proxy/`: p2 files fetched on first request and revalidated (ETag, If-Modified-Since)
/// at most every `ttl`; dists downloaded once, checked against the upstream's shasum, and served
/// from disk from then on. When the upstream cannot be used, the last good copy is served and
/// the answer says it is stale; nothing the upstream answers is cached before it has been checked.
///
/// An actor: concurrent requests for the same file share one upstream request.
actor ProxyCache {
    /// A file the surface can stream, with what its validators are.
    struct CachedFile: Sendable {
        let path: String
        let size: Int
        let etag: String
        let modified: Int
    }

    enum Outcome: Sendable {
        case hit(CachedFile)
        /// The last good copy, served because the upstream could not be used (`reason`).
        case stale(CachedFile, reason: String)
        /// The upstream says there is no such package (or version).
        case missing
        /// Nothing to serve; `reason` names the upstream.
        case failed(String)
    }

    /// Kept beside each cached p2 file (`<file>.meta`).
    struct Meta: Codable, Sendable {
        var etag: String?
        var lastModified: String?
        /// When the upstream last confirmed this copy (200 or 304).
        var checkedAt: Date
        /// When these bytes were stored: the Last-Modified Ferry gives clients.
        var storedAt: Date
        var sha256: String
        var size: Int
        var dists: [String: ProxyDocument.Dist]
    }

    /// What the status page shows per upstream.
    struct Health: Sendable {
        var lastSuccess: Date?
        var lastFailure: Date?
        var lastReason: String?
        var staleServed = 0
    }

    /// What the upstream's packages.json says about where to find things.
    struct Root: Sendable {
        var metadataURL: String
        /// `security-advisories.api-url`, absolute; nil when the upstream has no advisories API.
        var advisoriesURL: String?
        var checkedAt: Date
    }

    let directory: URL
    /// Advisories of proxied packages, asked of the same upstreams.
    let advisories = ProxyAdvisories()
    private var metas: [String: Meta] = [:]
    private var roots: [String: Root] = [:]
    private var inflight: [String: Task<Outcome, Never>] = [:]
    private var rootReads: [String: Task<Result<Root, any Error>, Never>] = [:]
    private var health: [String: Health] = [:]
    private var decoded: (config: JSONValue, proxies: [ComposerConfig.Proxy])?

    init(directory: URL) {
        self.directory = directory
    }

    /// The workload's `proxy` entries with its env; decoded again only when the config changed.
    func upstreams(_ context: any SurfaceContext) -> [ProxyUpstream] {
        let config = context.workload.source.config["proxy"] ?? .null
        if decoded?.config != config {
            decoded = (config, (try? config.decode([ComposerConfig.Proxy].self)) ?? [])
        }
        return decoded!.proxies.enumerated().map { ProxyUpstream(config: $1, index: $0, env: context.env) }
    }

    /// Health per upstream base URL, for the status page.
    func report() -> [(upstream: String, health: Health)] {
        health.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    // MARK: p2 files

    /// `file` is the path below `p2/` (`acme/tool.json`, `acme/tool~dev.json`).
    func p2(_ file: String, package: String, upstream: ProxyUpstream, context: any SurfaceContext) async -> Outcome {
        let key = "\(upstream.folder)/p2/\(file)"
        if let meta = meta(key), FileManager.default.fileExists(atPath: url(key).path),
           Date().timeIntervalSince(meta.checkedAt) < Self.seconds(upstream.config.freshFor) {
            return .hit(cachedFile(key, meta))
        }
        return await coalesced(key) { await self.refresh(key, file: file, package: package, upstream: upstream, context: context) }
    }

    private func refresh(_ key: String, file: String, package: String, upstream: ProxyUpstream, context: any SurfaceContext) async -> Outcome {
        let cached = meta(key).flatMap { FileManager.default.fileExists(atPath: url(key).path) ? $0 : nil }
        func unusable(_ reason: String) -> Outcome {
            noteFailure(upstream.base, reason)
            guard let cached else { return .failed(reason) }
            health[upstream.base, default: Health()].staleServed += 1
            return .stale(cachedFile(key, cached), reason: reason)
        }
        let template: String
        do { template = try await root(upstream, context).metadataURL } catch { return unusable(Self.describe(error)) }
        let target = upstream.absolute(template.replacingOccurrences(of: "%package%", with: String(file.dropLast(".json".count))))
        var conditional: [String: String] = [:]
        conditional["If-None-Match"] = cached?.etag
        conditional["If-Modified-Since"] = cached?.lastModified
        let response: FetchResponse
        do { response = try await context.http.fetch(upstream.request(target, headers: conditional)) } catch {
            return unusable("\(upstream.base) could not be reached for \(file): \(Self.describe(error))")
        }
        switch response.status {
        case 304 where cached != nil:
            var meta = cached!
            meta.checkedAt = Date()
            save(meta, key)
            noteSuccess(upstream.base)
            return .hit(cachedFile(key, meta))
        case 200:
            let document: ProxyDocument
            do { document = try ProxyDocument(upstream: response.body, package: package, distBase: context.publicBase + "/proxy/dists") } catch {
                return unusable("\(upstream.base) answered \(file) with \(error.reason)")
            }
            let sha = Hex.string(SHA256.hash(data: document.bytes))
            let now = Date()
            let unchanged = cached?.sha256 == sha
            let meta = Meta(
                etag: response.headers["etag"], lastModified: response.headers["last-modified"], checkedAt: now,
                storedAt: unchanged ? cached!.storedAt : now, sha256: sha, size: document.bytes.count, dists: document.dists)
            do {
                if !unchanged { try write(document.bytes, to: url(key)) }
                save(meta, key)
            } catch {
                return .failed("cannot store \(file) from \(upstream.base) in the proxy cache: \(error)")
            }
            noteSuccess(upstream.base)
            return .hit(cachedFile(key, meta))
        case 404, 410:
            noteSuccess(upstream.base)
            metas[key] = nil
            try? FileManager.default.removeItem(at: url(key))
            try? FileManager.default.removeItem(at: url(key + ".meta"))
            return .missing
        default:
            return unusable("\(upstream.base) answered HTTP \(response.status) for \(file)")
        }
    }

    /// The upstream's packages.json, read at most every `ttl` (requests arriving meanwhile share
    /// the one read); the last one read is used while the upstream is down.
    func root(_ upstream: ProxyUpstream, _ context: any SurfaceContext) async throws -> Root {
        if let root = roots[upstream.base], Date().timeIntervalSince(root.checkedAt) < Self.seconds(upstream.config.freshFor) {
            return root
        }
        let task: Task<Result<Root, any Error>, Never>
        if let running = rootReads[upstream.base] {
            task = running
        } else {
            task = Task { await Self.readRoot(upstream, context) }
            rootReads[upstream.base] = task
        }
        let result = await task.value
        rootReads[upstream.base] = nil
        switch result {
        case .success(let read):
            roots[upstream.base] = read
            return read
        case .failure(let error):
            if let previous = roots[upstream.base] { return previous }
            throw error
        }
    }

    private static func readRoot(_ upstream: ProxyUpstream, _ context: any SurfaceContext) async -> Result<Root, any Error> {
        do {
            let response = try await context.http.fetch(upstream.request(upstream.base + "/packages.json"))
            guard response.isSuccess else { throw FerryError(.unavailable, "\(upstream.base)/packages.json answered HTTP \(response.status)") }
            guard let root = JSONText.parse(response.body), let template = root["metadata-url"]?.stringValue, template.contains("%package%") else {
                throw FerryError(.unavailable, "\(upstream.base) is not a Composer v2 repository: its packages.json has no metadata-url with %package%")
            }
            let advisories = root["security-advisories"]?["api-url"]?.stringValue.map(upstream.absolute)
            return .success(Root(metadataURL: template, advisoriesURL: advisories, checkedAt: Date()))
        } catch {
            return .failure(error)
        }
    }

    // MARK: dists

    /// `key.ext` is the file name under `proxy/dists/<package>/` that `ProxyDocument` wrote.
    func dist(package: String, file: String, upstream: ProxyUpstream, context: any SurfaceContext) async -> Outcome {
        let key = "dists/\(package)/\(file)"
        if let found = existing(key) { return .hit(found) }
        return await coalesced(key) { await self.download(key, package: package, file: file, upstream: upstream, context: context) }
    }

    private func download(_ key: String, package: String, file: String, upstream: ProxyUpstream, context: any SurfaceContext) async -> Outcome {
        let id = String(file.prefix { $0 != "." })
        guard let dist = await findDist(id, package: package, upstream: upstream, context: context) else { return .missing }
        let staging = url(key + ".download")
        defer { try? FileManager.default.removeItem(at: staging) }
        do {
            let response = try await context.http.download(upstream.request(dist.url, accept: nil, maxBytes: 2 << 30), to: staging)
            guard response.isSuccess else {
                return .failed("\(Self.origin(dist.url)) answered HTTP \(response.status) for the dist of \(package)")
            }
        } catch {
            return .failed("cannot download the dist of \(package) from \(Self.origin(dist.url)): \(Self.describe(error))")
        }
        if !dist.shasum.isEmpty {
            guard let actual = Self.sha1(staging), actual == dist.shasum.lowercased() else {
                return .failed("the dist of \(package) from \(Self.origin(dist.url)) does not match the shasum \(dist.shasum) that \(upstream.base) gives for it; not cached")
            }
        }
        guard rename(staging.path, url(key).path) == 0, let found = existing(key) else {
            return .failed("cannot store the dist of \(package) in the proxy cache")
        }
        return .hit(found)
    }

    /// The dist a rewritten URL stands for, from the cached p2 files of `package`; fetched
    /// first when neither is cached (a lock file made before the cache was).
    private func findDist(_ id: String, package: String, upstream: ProxyUpstream, context: any SurfaceContext) async -> ProxyDocument.Dist? {
        let files = ["\(package).json", "\(package)~dev.json"]
        for file in files {
            if let dist = meta("\(upstream.folder)/p2/\(file)")?.dists[id] { return dist }
        }
        for file in files {
            if case .hit = await p2(file, package: package, upstream: upstream, context: context),
               let dist = meta("\(upstream.folder)/p2/\(file)")?.dists[id] {
                return dist
            }
        }
        return nil
    }

    // MARK: bookkeeping

    private func coalesced(_ key: String, _ work: @escaping @Sendable () async -> Outcome) async -> Outcome {
        if let running = inflight[key] { return await running.value }
        let task = Task { await work() }
        inflight[key] = task
        let outcome = await task.value
        inflight[key] = nil
        return outcome
    }

    private func url(_ key: String) -> URL { directory.appendingPathComponent(key) }

    private func meta(_ key: String) -> Meta? {
        if let meta = metas[key] { return meta }
        guard let data = FileManager.default.contents(atPath: url(key + ".meta").path),
              let meta = try? JSONDecoder().decode(Meta.self, from: data)
        else { return nil }
        metas[key] = meta
        return meta
    }

    private func save(_ meta: Meta, _ key: String) {
        metas[key] = meta
        if let data = try? JSONEncoder().encode(meta) { try? write(Array(data), to: url(key + ".meta")) }
    }

    private func write(_ bytes: [UInt8], to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file, options: .atomic)
    }

    private func cachedFile(_ key: String, _ meta: Meta) -> CachedFile {
        CachedFile(path: url(key).path, size: meta.size, etag: String(meta.sha256.prefix(32)), modified: Int(meta.storedAt.timeIntervalSince1970))
    }

    private func existing(_ key: String) -> CachedFile? {
        let path = url(key).path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int,
              let modified = HTTPDate.modified(path)
        else { return nil }
        return CachedFile(path: path, size: size, etag: (key as NSString).lastPathComponent, modified: modified)
    }

    func noteSuccess(_ upstream: String) { health[upstream, default: Health()].lastSuccess = Date() }

    func noteFailure(_ upstream: String, _ reason: String) {
        health[upstream, default: Health()].lastFailure = Date()
        health[upstream, default: Health()].lastReason = reason
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func describe(_ error: any Error) -> String {
        (error as? FerryError)?.message ?? "\(error)"
    }

    private static func origin(_ url: String) -> String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return "the dist's host" }
        return "\(parts.scheme ?? "http")://\(host)\(parts.port.map { ":\($0)" } ?? "")"
    }

    private static func sha1(_ file: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        var hasher = Insecure.SHA1()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.string(hasher.finalize())
    }
}
