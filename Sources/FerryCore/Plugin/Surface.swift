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
    /// The answer depends on nothing but the live build, the files in `madeFrom`, the path with
    /// its query and the request's `Host`, `X-Forwarded-Proto`, `Accept`, `Accept-Encoding` and
    /// conditional headers: the server may keep it and answer the same request again itself,
    /// without asking the source, until another build goes live or one of those files changes.
    public var cacheable: Bool
    /// Files outside the build the answer was read from, as they were then (empty: the build only).
    public var madeFrom: [FileIdentity]

    public init(status: Int, headers: [String: String] = [:], body: Body = .empty, cacheable: Bool = false, madeFrom: [FileIdentity] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.cacheable = cacheable
        self.madeFrom = madeFrom
    }

    public static func text(_ status: Int, _ text: String) -> SurfaceResponse {
        SurfaceResponse(status: status, headers: ["content-type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }
}

/// A file as it was when an answer was read from it (`SurfaceResponse.madeFrom`): whoever
/// keeps the answer keeps it only while the file still has this inode, size and modification
/// time (a rename over it, a rewrite or an added entry in a folder each change one of them).
public struct FileIdentity: Sendable, Hashable {
    public let path: String
    public let inode: UInt64
    public let size: Int64
    /// Nanoseconds since 1970.
    public let modified: Int64
    public let isRegularFile: Bool

    public init(path: String, inode: UInt64, size: Int64, modified: Int64, isRegularFile: Bool) {
        self.path = path
        self.inode = inode
        self.size = size
        self.modified = modified
        self.isRegularFile = isRegularFile
    }

    /// A strong ETag from the identity, as nginx makes one from mtime and size (the inode too:
    /// a file replaced by another of the same size and second is another file).
    public var etag: String { "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(modified, radix: 16))\"" }
}
