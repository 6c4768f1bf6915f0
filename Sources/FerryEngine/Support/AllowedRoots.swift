import Foundation

/// Host folders the operator allowed in the server config (`volumes.allow`, `hooks.allow`):
/// whether a path lies under one of them, compared as standardized paths.
struct AllowedRoots: Sendable {
    let roots: [String]

    init(_ roots: [String]) {
        self.roots = roots.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    func contains(_ path: String) -> Bool {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        return roots.contains { root in path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
    }

    var listed: String { roots.isEmpty ? "none are allowed" : "allowed: \(roots.joined(separator: ", "))" }
}
