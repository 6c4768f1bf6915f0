import FerryCore
import Foundation

/// Answers HTTP requests for one static site from its live build.
///
/// Only files listed in the build's manifest are ever served, which already rules out `.git`,
/// stray files and anything outside the build; their bytes are the build's objects, which are
/// checked against their hash the first time this build serves them (`LiveBuild.intact`) and
/// remembered in the build's memo with the bytes of small files, so a repeated request touches
/// neither the file system nor the disk. ETags come from the manifest's sha256, so answering a
/// conditional request costs no hashing.
struct SiteSurface {
    let live: LiveBuild

    func respond(to request: SurfaceRequest) -> SurfaceResponse {
        let method = request.method.uppercased()
        guard method == "GET" || method == "HEAD" else {
            var response = SurfaceResponse.text(405, "method \(request.method) not allowed; use GET or HEAD\n")
            response.headers["allow"] = "GET, HEAD"
            return response
        }
        let head = method == "HEAD"
        guard let path = SitePathResolver.resolve(request.path) else { return notFound(head: head) }
        if let entry = live.file(path.lookup) {
            return serve(entry, status: 200, request: request, head: head)
        }
        if !path.isFolder, !path.path.isEmpty, live.file(path.path + "/index.html") != nil {
            var response = redirect(to: path.segments, request: request)
            if head { response.body = .empty }
            return response
        }
        return notFound(head: head)
    }

    /// The site's own `404.html` with status 404 when it has one, else a short plain-text answer.
    private func notFound(head: Bool) -> SurfaceResponse {
        if let page = live.file("404.html") {
            var response = serve(page, status: 404, request: nil, head: head)
            response.headers["etag"] = nil
            return response
        }
        var response = SurfaceResponse.text(404, "not found\n")
        if head { response.body = .empty }
        return response
    }

    /// 301 to the folder form (`/sites/docs/guide` → `/sites/docs/guide/`), keeping the query, so
    /// relative links inside the folder's index.html resolve against the folder.
    private func redirect(to segments: [String], request: SurfaceRequest) -> SurfaceResponse {
        var base = request.base
        while base.hasSuffix("/") { base.removeLast() }
        var location = base + "/" + SitePathResolver.encode(segments) + "/"
        if let query = request.query, !query.isEmpty, !query.contains(where: \.isNewline) { location += "?" + query }
        return SurfaceResponse(
            status: 301,
            headers: ["location": location, "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache"],
            body: .bytes(Array("moved to \(location)\n".utf8)))
    }

    /// A file response, or 304 when the client already has this version (`request` is nil for
    /// the 404 page, which is never answered conditionally).
    private func serve(_ entry: BuildManifest.File, status: Int, request: SurfaceRequest?, head: Bool) -> SurfaceResponse {
        guard live.intact(entry) else {
            // Gone or damaged on disk: the engine logged it and the scrub heals it; never serve it.
            var response = SurfaceResponse.text(500, "this file of the site is damaged on the server; it is being repaired\n")
            if head { response.body = .empty }
            return response
        }
        let absolute = live.location(of: entry)
        let etag = Self.etag(entry.sha256)
        if let request, request.matches(etag: etag) {
            return SurfaceResponse(status: 304, headers: ["etag": etag, "cache-control": "no-cache"], cacheable: true)
        }
        let headers = [
            "content-type": ContentTypes.forPath(entry.path),
            "content-length": String(entry.size),
            "etag": etag,
            "cache-control": "no-cache",
            "x-content-type-options": "nosniff",
        ]
        if head { return SurfaceResponse(status: status, headers: headers, body: .empty) }
        // A file of the build answers the same until another build is live; the 404 page too,
        // but the server keeps only 200s and 304s.
        return SurfaceResponse(status: status, headers: headers, body: content(entry, at: absolute), cacheable: true)
    }

    /// The file's bytes from the memo when it is small enough and fits the budget, else the file.
    private func content(_ entry: BuildManifest.File, at absolute: String) -> SurfaceResponse.Body {
        guard live.memo.wouldKeep(entry.size) else { return .file(path: absolute, size: entry.size) }
        let bytes: [UInt8]? = live.memo.value("site-bytes:" + entry.path, cost: { $0?.count ?? 0 }) {
            guard let data = FileManager.default.contents(atPath: absolute), data.count == entry.size else { return nil }
            return Array(data)
        }
        return bytes.map { .bytes($0) } ?? .file(path: absolute, size: entry.size)
    }

    /// A strong ETag from the first 32 hex digits of the file's sha256.
    static func etag(_ sha256: String) -> String { "\"\(sha256.prefix(32))\"" }
}
