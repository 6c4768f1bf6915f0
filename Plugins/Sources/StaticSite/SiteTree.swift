import FerryCore
import Foundation

/// One file to publish: its path below the published folder and the real file to read.
struct SiteFile: Sendable, Equatable {
    /// Path relative to the published folder, `/`-separated (`docs/index.md`).
    var relativePath: String
    /// Real (symlink-free) absolute path of the file's content.
    var source: String
}

/// Lists the files of the published folder of a checkout, deciding what may leave the repository.
///
/// Git can commit symlinks, and a symlink is how a malicious or careless repository would make a
/// build publish `/etc/passwd` or the checkout's own `.git/config`. So the walk never follows a
/// link blindly: a link is published (as a copy of its target) only when its real target lies
/// inside the checkout and outside `.git`; anything else is skipped with a log line. `.git`
/// itself, sockets and other special files are never published. Links that lead back into a
/// folder already being walked are cycles and are skipped too.
struct SiteTree {
    /// Real path of the checkout (the repository working tree).
    let repoRoot: String
    let log: @Sendable (String) -> Void

    /// A bound on the number of files, so links that fan out cannot make a build explode.
    static let maxFiles = 500_000

    /// The published folder's real path; fails with a message naming the folder and revision.
    func folderRoot(_ components: [String], label: String) throws -> String {
        let name = components.isEmpty ? "." : components.joined(separator: "/")
        let path = components.isEmpty
            ? repoRoot
            : try URL(fileURLWithPath: repoRoot).appending(checked: name, what: "folder", field: "source.config.folder").path
        guard let real = PathGuard.realPath(path), PathGuard.kind(ofEntryAt: real) != .other else {
            throw FerryError(.failed, "folder \"\(name)\" not found at \(label); create it in the repository or change source.config.folder")
        }
        guard PathGuard.isInside(real, root: repoRoot), !PathGuard.isInside(real, root: repoRoot + "/.git") else {
            throw FerryError(.failed, "folder \"\(name)\" at \(label) is a symlink that leads outside the repository; publish a real folder")
        }
        guard PathGuard.kind(ofEntryAt: real) == .directory else {
            throw FerryError(.failed, "folder \"\(name)\" at \(label) is a file, not a folder; change source.config.folder")
        }
        return real
    }

    /// Every publishable file below `root`, sorted by path.
    func files(under root: String, checkCancellation: () throws -> Void) throws -> [SiteFile] {
        var out: [SiteFile] = []
        try walk(root, prefix: "", entered: [root], into: &out, checkCancellation: checkCancellation)
        return out.sorted { $0.relativePath < $1.relativePath }
    }

    private func walk(
        _ directory: String, prefix: String, entered: Set<String>, into out: inout [SiteFile],
        checkCancellation: () throws -> Void
    ) throws {
        try checkCancellation()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        for name in names where name != ".git" {
            let path = directory + "/" + name
            let relative = prefix + name
            switch PathGuard.kind(ofEntryAt: path) {
            case .file:
                try append(SiteFile(relativePath: relative, source: path), to: &out)
            case .directory:
                try walk(path, prefix: relative + "/", entered: entered.union([path]), into: &out, checkCancellation: checkCancellation)
            case .symlink:
                guard let target = allowedTarget(ofLink: path, relative: relative) else { continue }
                switch PathGuard.kind(ofEntryAt: target) {
                case .file:
                    try append(SiteFile(relativePath: relative, source: target), to: &out)
                case .directory where entered.contains(target):
                    log("skipping \(relative): symlink loops back to a folder that contains it")
                case .directory:
                    try walk(target, prefix: relative + "/", entered: entered.union([target]), into: &out, checkCancellation: checkCancellation)
                default:
                    log("skipping \(relative): symlink to something that is neither a file nor a folder")
                }
            case .other:
                log("skipping \(relative): not a regular file or folder")
            }
        }
    }

    /// The real target of a link when it may be published; nil (with a log line) otherwise.
    private func allowedTarget(ofLink path: String, relative: String) -> String? {
        guard let target = PathGuard.realPath(path) else {
            log("skipping \(relative): symlink target does not exist")
            return nil
        }
        guard PathGuard.isInside(target, root: repoRoot), !PathGuard.isInside(target, root: repoRoot + "/.git") else {
            log("skipping \(relative): symlink points outside the repository")
            return nil
        }
        return target
    }

    private func append(_ file: SiteFile, to out: inout [SiteFile]) throws {
        guard out.count < Self.maxFiles else {
            throw FerryError(.failed, "more than \(Self.maxFiles) files to publish; check for symlinks that repeat whole folders")
        }
        out.append(file)
    }
}
