import Foundation

/// Resolves paths the way the kernel will open them, so "is this inside that folder?" is asked
/// of the real location and not of a string a symlink can lie about.
enum PathGuard {
    /// The absolute path with every symlink resolved, or nil when it does not exist (a dangling
    /// link, a loop). Uses `realpath(3)` because Foundation's `resolvingSymlinksInPath` returns
    /// unresolvable paths unchanged.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` is `root` itself or lies below it; both must already be real paths.
    static func isInside(_ path: String, root: String) -> Bool {
        if path == root { return true }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix)
    }

    /// The kind of a directory entry without following it, as `lstat(2)` reports it.
    enum EntryKind { case file, directory, symlink, other }

    static func kind(ofEntryAt path: String) -> EntryKind {
        guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else { return .other }
        switch type {
        case .typeRegular: return .file
        case .typeDirectory: return .directory
        case .typeSymbolicLink: return .symlink
        default: return .other
        }
    }
}
