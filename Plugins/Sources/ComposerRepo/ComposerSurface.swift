import FerryCore
import Foundation

/// Answers requests under `/composer/{name}/`: the repository's files from the live build
/// (manifest lookup, one stat for Last-Modified, no database), the notify-batch endpoint, and the
/// public HTML pages; what the build does not hold goes to the `proxy` entries, if any.
struct ComposerSurface {
    let live: LiveBuild
    let context: any SurfaceContext
    let browse: BrowseCache
    let proxies: ProxyCaches

    private var proxied: Bool { context.workload.source.config["proxy"]?.arrayValue?.isEmpty == false }

    func respond(to request: SurfaceRequest) async -> SurfaceResponse {
        let method = request.method.uppercased()
        let path = request.path.removingPercentEncoding ?? request.path
        if method == "POST" {
            switch path {
            case "downloads": return downloads(request)
            case "security-advisories": return await advisories().answer(form: String(decoding: request.body, as: UTF8.self))
            default: return .text(405, "only downloads and security-advisories take POST\n")
            }
        }
        guard method == "GET" || method == "HEAD" else { return .text(405, "method \(request.method) not allowed\n") }
        var response = await route(path, request)
        if method == "HEAD" { response.body = .empty }
        return response
    }

    private func route(_ path: String, _ request: SurfaceRequest) async -> SurfaceResponse {
        let pages = BrowserPages(live: live, context: context, browse: browse, base: request.base)
        switch path {
        case "", "index.html": return pages.browser(query: Query(request.query))
        case "status": return pages.status(proxies: proxied ? await proxies.cache(context).report() : [])
        case "search.json", "list.json", "metadata/changes.json": return index(path, request)
        case "security-advisories": return await advisories().answer(form: request.query ?? "")
        default: break
        }
        if path.hasPrefix("packages/"), path != "packages.json" {
            let name = String(path.dropFirst("packages/".count))
            return pages.detail(name: name) ?? notFound()
        }
        // The path was decoded once; `RelativePath` refuses `..`, NUL, backslashes and empty
        // parts however they were spelled, before the manifest is even asked.
        guard path.hasPrefix("p2/") || path.hasPrefix("dists/") || path.hasPrefix("proxy/") || path == "packages.json" || path == "manifest.json",
              let checked = try? RelativePath(path, what: "request path")
        else { return notFound() }
        if let entry = live.file(checked.description) { return file(entry, request) }
        if let proxy = proxySurface(), let answer = await proxy.answer(checked.description, request) { return answer }
        return notFound()
    }

    private func proxySurface() -> ProxySurface? {
        proxied ? ProxySurface(cache: proxies.cache(context), context: context) : nil
    }

    private func advisories() -> AdvisoryAPI {
        AdvisoryAPI(records: context.records, proxy: proxySurface())
    }

    private func index(_ path: String, _ request: SurfaceRequest) -> SurfaceResponse {
        let index = PackageIndex(rows: browse.rows(live: live, context: context), mount: request.base)
        let query = Query(request.query)
        switch path {
        case "search.json": return index.search(query)
        case "list.json": return index.list(query)
        default:
            let closures = ((try? context.records.all(StatusChange.collection)) ?? []).compactMap { try? $0.decode(StatusChange.self) }
            return index.changes(query, closures: closures, now: Date())
        }
    }

    /// Where a build file is, its Last-Modified, and its bytes when small: looked up once per live
    /// build (builds never change once live), then answered from the build's memo.
    private struct Located: Sendable {
        var absolute: String
        var modified: Int
        var bytes: [UInt8]?
    }

    private func file(_ entry: BuildManifest.File, _ request: SurfaceRequest) -> SurfaceResponse {
        let located: Located? = live.memo.value("composer-file:" + entry.path, cost: { $0?.bytes?.count ?? 0 }) {
            let absolute = live.location(of: entry)
            guard live.intact(entry), let modified = entry.modified.map(Int.init) ?? HTTPDate.modified(absolute) else { return nil }
            let bytes = live.memo.wouldKeep(entry.size) ? FileManager.default.contents(atPath: absolute).map { Array($0) } : nil
            return Located(absolute: absolute, modified: modified, bytes: bytes?.count == Int(entry.size) ? bytes : nil)
        }
        guard let located else { return notFound() }
        return FileAnswer(
            path: located.absolute, size: Int(entry.size), etag: String(entry.sha256.prefix(32)), modified: located.modified,
            contentType: FileAnswer.contentType(entry.path), bytes: located.bytes, cacheable: true)
            .respond(to: request)
    }

    private func downloads(_ request: SurfaceRequest) -> SurfaceResponse {
        let forwarded = request.headers["x-forwarded-for"]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        let client = (forwarded ?? request.headers["x-real-ip"] ?? "-") + "|" + (request.headers["user-agent"] ?? "-")
        do {
            let stored = try Telemetry(records: context.records).record(body: request.body, client: client) { live.file("p2/\($0).json") != nil }
            return .json(200, ["status": .string("success"), "stored": .number(Double(stored))])
        } catch let error as FerryError {
            return .json(error.code.httpStatus, ["error": .object(["code": .string(error.code.description), "message": .string(error.message)])])
        } catch {
            return .json(500, ["error": .object(["code": .string("internal"), "message": .string("cannot store downloads")])])
        }
    }

    private func notFound() -> SurfaceResponse {
        SurfaceResponse(status: 404, headers: ["content-type": "application/json", "cache-control": "no-cache"], body: .bytes(Array("{\"error\":\"not found\"}".utf8)))
    }
}

/// The browser's query string: `q`, `type`, `sort`, `page`.
struct Query {
    var values: [String: String] = [:]

    init(_ raw: String?) {
        for (key, value) in Self.pairs(raw ?? "") { values[key] = value }
    }

    /// `application/x-www-form-urlencoded` pairs in order, repeated keys kept (`packages[]=…`).
    static func pairs(_ raw: String) -> [(key: String, value: String)] {
        raw.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let decode = { (s: String) in s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s }
            return (decode(parts.first ?? ""), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
}
