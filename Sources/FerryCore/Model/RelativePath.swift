import Foundation

/// A path made of names that came from outside — a package or tarball name, an archive entry, a
/// site path, a workload name — checked once so that joining it to a folder can never leave it.
///
/// The one place that decides what an escape is: every plugin and the engine build such paths
/// through `RelativePath` instead of `appendingPathComponent` on raw text, so a new caller cannot
/// forget a case (`..`, an absolute path, a NUL, a backslash, a control character, an empty part).
/// It never decodes: callers percent-decode exactly once before, so `%252e` stays a name.
public struct RelativePath: Sendable, Hashable, CustomStringConvertible {
    /// The checked parts, none empty, `.` or `..`.
    public let segments: [String]

    /// Checks `text` (`a/b.tgz`). `what` names the input in the error ("archive entry", "tarball
    /// name"), `field` the config or request field when there is one.
    public init(_ text: String, what: String, field: String? = nil) throws(FerryError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !text.hasPrefix("/") else {
            throw FerryError(.invalidInput, "\(what) \"\(Self.shown(text))\" must be a relative path", field: field)
        }
        for part in parts where !Self.isPlainName(part) {
            throw FerryError(
                .invalidInput, "\(what) \"\(Self.shown(text))\" would leave its folder (part \"\(Self.shown(part))\")",
                field: field)
        }
        segments = parts
    }

    /// One name with no folder in it (a tarball's file name).
    public static func name(_ text: String, what: String, field: String? = nil) throws(FerryError) -> String {
        let path = try RelativePath(text, what: what, field: field)
        guard path.segments.count == 1 else {
            throw FerryError(.invalidInput, "\(what) \"\(shown(text))\" must be a single name, not a path", field: field)
        }
        return text
    }

    /// Whether `part` is one plain file name: not empty, `.` or `..`, no separator, NUL or control.
    public static func isPlainName(_ part: String) -> Bool {
        guard !part.isEmpty, part != ".", part != "..", part.utf8.count <= 255 else { return false }
        return !part.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7f }
    }

    public var description: String { segments.joined(separator: "/") }

    /// The file or folder this path names inside `base`, which it cannot leave by construction.
    public func resolved(under base: URL) -> URL {
        segments.reduce(base) { $0.appendingPathComponent($1) }
    }

    /// Input echoed in an error, cut short and with control characters made visible.
    private static func shown(_ text: String) -> String {
        let visible = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
        return visible.count > 120 ? String(visible.prefix(120)) + "…" : visible
    }
}

extension URL {
    /// `self` joined with an outside path, refused with a clear error if the path would escape.
    public func appending(checked path: String, what: String, field: String? = nil) throws(FerryError) -> URL {
        try RelativePath(path, what: what, field: field).resolved(under: self)
    }
}
