import FerryCore
import Foundation

/// Turns the raw, percent-encoded path of a request into a path relative to the build root, or
/// refuses it.
///
/// This is the first of two guards against serving anything outside the build (the second is the
/// manifest lookup plus a real-path check in `SiteSurface`). It decodes exactly once, so `%252e`
/// stays a literal `%2e` file name, and it judges the decoded segments, so `%2e%2e`, `..%2f` and
/// `%5c` are caught however they were spelled. Empty segments (`a//b`, a leading `/`) are refused
/// rather than normalised, because no link a site publishes needs them.
enum SitePathResolver {
    /// A request path that passed the checks.
    struct Resolved: Sendable, Equatable {
        /// Decoded path without a trailing slash (`docs`, `a b.html`, or "" for the root).
        var path: String
        /// Whether the request named a folder (empty or ending in `/`).
        var isFolder: Bool
        /// The decoded segments, for re-encoding into a redirect.
        var segments: [String]

        /// The manifest path to look up first: the file itself, or the folder's `index.html`.
        var lookup: String { isFolder ? (path.isEmpty ? "index.html" : path + "/index.html") : path }
    }

    static func resolve(_ raw: String) -> Resolved? {
        guard let decoded = raw.removingPercentEncoding else { return nil }
        if decoded.isEmpty { return Resolved(path: "", isFolder: true, segments: []) }
        let isFolder = decoded.hasSuffix("/")
        let path = isFolder ? String(decoded.dropLast()) : decoded
        // `RelativePath` is the one judge of escapes (`..`, NUL, `\`, control characters, empty
        // parts); a path it refuses is simply not found.
        guard let checked = try? RelativePath(path, what: "site path") else { return nil }
        return Resolved(path: checked.description, isFolder: isFolder, segments: checked.segments)
    }

    /// The segments percent-encoded for a URL path (`a b` → `a%20b`), joined with `/`.
    static func encode(_ segments: [String]) -> String {
        segments.map { segment in
            String(segment.unicodeScalars.map { scalar -> String in
                if unreserved(scalar) { return String(scalar) }
                return String(scalar).utf8.map { byte in "%" + String(byte, radix: 16, uppercase: true).leftPadded }.joined()
            }.joined())
        }.joined(separator: "/")
    }

    /// RFC 3986 unreserved characters plus the sub-delimiters that are safe in a path segment.
    private static func unreserved(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@": true
        default: false
        }
    }
}

private extension String {
    /// `"A"` → `"0A"`, for two-digit percent escapes.
    var leftPadded: String { count < 2 ? "0" + self : self }
}
