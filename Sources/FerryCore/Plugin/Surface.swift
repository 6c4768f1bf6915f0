/// A request to a workload's mount, in plain terms so plugins need no HTTP library.
public struct SurfaceRequest: Sendable {
    public var method: String
    /// The absolute path of the workload's mount (`/sites/docs`), for redirects and links.
    public var base: String
    /// The path below `/<mount>/<workload>/`, still percent-encoded, without a query.
    public var path: String
    public var query: String?
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, base: String, path: String, query: String? = nil, headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.base = base
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

extension SurfaceRequest {
    /// Whether the client's `If-None-Match` names `etag` (quoted): `*`, or any listed tag equal
    /// under weak comparison (RFC 9110 §13.1.2). False without the header.
    public func matches(etag: String) -> Bool {
        guard let header = headers["if-none-match"] else { return false }
        return header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}

public struct SurfaceResponse: Sendable {
    public enum Body: Sendable {
        case empty
        case bytes([UInt8])
        /// A file inside the live build; the server streams it.
        case file(path: String, size: Int64)
    }
    public var status: Int
    public var headers: [String: String]
    public var body: Body
    /// The answer depends on nothing but the live build, the path with its query and the
    /// request's `Host`, `Accept`, `Accept-Encoding` and conditional headers: the server may keep
    /// it and answer the same request again itself, without asking the source, until another
    /// build goes live. Sources set it only for answers read from the build (files, documents).
    public var cacheable: Bool

    public init(status: Int, headers: [String: String] = [:], body: Body = .empty, cacheable: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.cacheable = cacheable
    }

    public static func text(_ status: Int, _ text: String) -> SurfaceResponse {
        SurfaceResponse(status: status, headers: ["content-type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }
}
