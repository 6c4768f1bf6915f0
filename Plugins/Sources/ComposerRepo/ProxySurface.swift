import FerryCore
import Foundation
import Synchronization

/// The requests under a composer-repo mount that the live build cannot answer and a `proxy`
/// entry may: `p2/<vendor>/<name>[~dev].json` for a package the build does not hold, and
/// `proxy/dists/<vendor>/<name>/<key>.<ext>`. A name no entry offers is a 404 before any
/// upstream hears of it.
struct ProxySurface {
    let cache: ProxyCache
    let context: any SurfaceContext

    /// Nil when the path is not the proxy's to answer.
    func answer(_ path: String, _ request: SurfaceRequest) async -> SurfaceResponse? {
        if path.hasPrefix("p2/"), path.hasSuffix(".json") {
            let file = String(path.dropFirst("p2/".count))
            var package = String(file.dropLast(".json".count))
            if package.hasSuffix("~dev") { package.removeLast("~dev".count) }
            guard PackageName.isValid(package) else { return nil }
            guard let upstream = await upstream(for: package) else { return nil }
            return respond(await cache.p2(file, package: package, upstream: upstream, context: context), request)
        }
        guard path.hasPrefix("proxy/dists/") else { return nil }
        let parts = path.dropFirst("proxy/dists/".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, PackageName.isValid(parts[0] + "/" + parts[1]),
              parts[2].wholeMatch(of: /[0-9a-f]{32}\.(zip|tar|tgz)/) != nil
        else { return Self.error(404, "no such proxied dist") }
        let package = parts[0] + "/" + parts[1]
        guard let upstream = await upstream(for: package) else { return Self.error(404, "\(package) is not offered by any proxy entry") }
        return respond(await cache.dist(package: package, file: parts[2], upstream: upstream, context: context), request)
    }

    /// Advisories for the names a proxy entry offers, each asked of its upstream.
    func advisories(for names: [String]) async -> ProxyAdvisories.Answer {
        let upstreams = await cache.upstreams(context)
        var groups: [Int: [String]] = [:]
        for name in names {
            if let entry = upstreams.first(where: { $0.config.offers(name) }) { groups[entry.index, default: []].append(name) }
        }
        var answer = ProxyAdvisories.Answer()
        for (index, group) in groups.sorted(by: { $0.key < $1.key }) {
            answer.merge(await cache.advisories.lookup(group, upstream: upstreams[index], cache: cache, context: context))
        }
        return answer
    }

    /// The first entry whose `packages` patterns match, as Composer itself picks repositories.
    private func upstream(for package: String) async -> ProxyUpstream? {
        await cache.upstreams(context).first { $0.config.offers(package) }
    }

    private func respond(_ outcome: ProxyCache.Outcome, _ request: SurfaceRequest) -> SurfaceResponse {
        switch outcome {
        case .hit(let file):
            return answer(file, request, stale: nil)
        case .stale(let file, let reason):
            return answer(file, request, stale: reason)
        case .missing:
            return Self.error(404, "not found upstream")
        case .failed(let reason):
            return Self.error(502, reason)
        }
    }

    private func answer(_ file: ProxyCache.CachedFile, _ request: SurfaceRequest, stale: String?) -> SurfaceResponse {
        var extra: [String: String] = [:]
        if let stale { extra["x-ferry-stale"] = Self.headerSafe(stale) }
        return FileAnswer(path: file.path, size: file.size, etag: file.etag, modified: file.modified, contentType: FileAnswer.contentType(file.path), extraHeaders: extra)
            .respond(to: request)
    }

    private static func error(_ status: Int, _ message: String) -> SurfaceResponse {
        .json(status, ["error": .string(message)])
    }

    /// Header values must be one line of visible ASCII.
    static func headerSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : " " }.prefix(300))
    }
}

/// One `ProxyCache` per workload, kept by the plugin instance for as long as the server runs.
final class ProxyCaches: Sendable {
    private let caches = Mutex<[String: ProxyCache]>([:])

    func cache(_ context: any SurfaceContext) -> ProxyCache {
        let directory = context.stateDirectory.appendingPathComponent("proxy")
        return caches.withLock { all in
            // Paths, not URLs: Foundation adds a trailing "/" to a URL once its folder exists,
            // and a new cache per request would drop the fetches in flight and what it knows.
            if let cache = all[context.workload.name], cache.directory.standardizedFileURL.path == directory.standardizedFileURL.path { return cache }
            let cache = ProxyCache(directory: directory)
            all[context.workload.name] = cache
            return cache
        }
    }
}
