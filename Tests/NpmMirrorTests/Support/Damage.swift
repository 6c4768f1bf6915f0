import Foundation

/// The ways tarballs break in the field (Verdaccio checks only Content-Length): a cut-off
/// download, bytes flipped inside the gzip stream, and a well-formed tarball of the wrong content.
enum Damage: String, CaseIterable, Sendable {
    case truncated
    case corruptGzip
    case wrongContent

    /// Damages `file` in place; `other` is a sound tarball of a different package version.
    func apply(to file: URL, other: URL) throws {
        var bytes = try Data(contentsOf: file)
        switch self {
        case .truncated:
            bytes = bytes.prefix(bytes.count / 2)
        case .corruptGzip:
            for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 4) { bytes[i] ^= 0x5A }
        case .wrongContent:
            bytes = try Data(contentsOf: other)
        }
        try bytes.write(to: file)
    }
}
