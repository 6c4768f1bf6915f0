import FerryCore

extension SurfaceResponse {
    /// The body's bytes as text, reading the file for `.file` bodies.
    var bodyText: String {
        switch body {
        case .empty: ""
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .file(let path, _): (try? String(contentsOfFile: path, encoding: .utf8)) ?? "<unreadable \(path)>"
        }
    }

    var filePath: String? {
        if case .file(let path, _) = body { return path }
        return nil
    }

    var isEmptyBody: Bool {
        if case .empty = body { return true }
        return false
    }
}
