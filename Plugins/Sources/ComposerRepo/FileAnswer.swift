import FerryCore

/// A file answered with its validators: 304 when the client's `If-None-Match` (or, without
/// one, `If-Modified-Since`) still holds, otherwise the content (from memory, or the file streamed). One place for the live
/// build's files and the proxy cache's, so both revalidate the way Composer expects.
struct FileAnswer {
    let path: String
    let size: Int
    /// Without quotes.
    let etag: String
    /// Seconds since 1970.
    let modified: Int
    let contentType: String
    var extraHeaders: [String: String] = [:]
    /// The content, when it is kept in memory; else the file at `path` is streamed.
    var bytes: [UInt8]? = nil
    /// A live build's file, whose answers the server may keep (`SurfaceResponse.cacheable`); the
    /// proxy cache's files change under the same path, so theirs are not.
    var cacheable = false

    func respond(to request: SurfaceRequest) -> SurfaceResponse {
        let quoted = "\"\(etag)\""
        var headers = extraHeaders.merging(["last-modified": HTTPDate.format(modified), "etag": quoted, "cache-control": "no-cache"]) { $1 }
        if request.headers["if-none-match"] != nil {
            if request.matches(etag: quoted) { return SurfaceResponse(status: 304, headers: headers, cacheable: cacheable) }
        } else if let since = request.headers["if-modified-since"].flatMap(HTTPDate.parse), modified <= since {
            return SurfaceResponse(status: 304, headers: headers, cacheable: cacheable)
        }
        headers["content-type"] = contentType
        headers["content-length"] = String(size)
        return SurfaceResponse(status: 200, headers: headers, body: bytes.map { .bytes($0) } ?? .file(path: path, size: Int64(size)), cacheable: cacheable)
    }

    static func contentType(_ path: String) -> String {
        path.hasSuffix(".zip") ? "application/zip" : path.hasSuffix(".json") ? "application/json" : "application/octet-stream"
    }
}
