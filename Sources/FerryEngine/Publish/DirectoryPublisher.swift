import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Publishes a live build as a plain folder another web server can serve: `<dir>` is a symlink
/// to one of two trees, `<dir>.ferry/a` and `<dir>.ferry/b`. A new build is applied to the tree
/// that is not being served, by the difference between the build that tree holds and the new one
/// (only changed paths are linked or removed), and `<dir>` is then swapped over to it with one
/// rename, so a reader sees the old tree or the new one, never a mix. Files are hard links to
/// the objects (no bytes copied), copies where the folder is on another file system.
struct DirectoryPublisher {
    let dir: String
    let objects: ObjectStore
    /// Reads a build's manifest by id (nil when it is gone): what a tree last held.
    let manifest: (String) -> BuildManifest?

    /// Which tree is served is not kept here: `<dir>`'s link says it, so a crash between the
    /// swap and a write of this file cannot make the two disagree.
    private struct State: Codable {
        /// The build each tree holds; nil while a tree is being changed (a crash then makes
        /// the next publish rebuild it from nothing).
        var trees: [String: String?]
    }

    private var home: String { dir + ".ferry" }
    private var stateFile: String { home + "/state.json" }

    /// Returns (linked, removed) path counts.
    @discardableResult
    func publish(_ build: BuildManifest) throws -> (linked: Int, removed: Int) {
        let fm = FileManager.default
        try refuseForeignFolder()
        try fm.createDirectory(atPath: home, withIntermediateDirectories: true)
        var state = readState()
        let served = servedSlot()
        if let served, state.trees[served] == .some(build.buildID) { return (0, 0) }
        let slot = served == "a" ? "b" : "a"
        let tree = home + "/" + slot
        let held = (state.trees[slot] ?? nil).flatMap(manifest)
        state.trees[slot] = .some(nil)
        try write(state)
        var linked = 0, removed = 0
        if held == nil {
            try? fm.removeItem(atPath: tree)
        }
        try fm.createDirectory(atPath: tree, withIntermediateDirectories: true)
        let before = Dictionary((held?.files ?? []).map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(build.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for (path, _) in before where after[path] == nil {
            unlink(tree + "/" + path)
            removeEmptyParents(of: path, in: tree)
            removed += 1
        }
        var made = Set<String>()
        for file in build.files where before[file.path] != file.sha256 {
            let target = try URL(fileURLWithPath: tree).appending(checked: file.path, what: "published path").path
            let parent = (target as NSString).deletingLastPathComponent
            if made.insert(parent).inserted, !fm.fileExists(atPath: parent) {
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            unlink(target)
            if link(objects.path(file.sha256), target) != 0 {
                guard errno == EXDEV || errno == EMLINK else { throw ObjectStore.writeError(target) }
                try fm.copyItem(atPath: objects.path(file.sha256), toPath: target)
            }
            linked += 1
        }
        state.trees[slot] = .some(build.buildID)
        try write(state)
        try swap(to: slot)
        return (linked, removed)
    }

    /// `<dir>` must be Ferry's symlink, missing, or an empty folder (replaced); anything else is
    /// someone's files, which are not Ferry's to replace.
    private func refuseForeignFolder() throws {
        guard !isLink(dir), FileManager.default.fileExists(atPath: dir) else { return }
        if (try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty == true {
            try FileManager.default.removeItem(atPath: dir)
            return
        }
        throw FerryError(.failed, "cannot publish to \(dir): it is a folder with files that Ferry did not put there; move them away or choose another publish dir")
    }

    private func swap(to slot: String) throws {
        let temporary = dir + ".ferry/.link-\(UUID().uuidString)"
        guard symlink(home + "/" + slot, temporary) == 0 else { throw ObjectStore.writeError(temporary) }
        guard rename(temporary, dir) == 0 else {
            unlink(temporary)
            throw ObjectStore.writeError(dir)
        }
    }

    private func removeEmptyParents(of path: String, in tree: String) {
        var parts = path.split(separator: "/").dropLast()
        while !parts.isEmpty {
            guard rmdir(tree + "/" + parts.joined(separator: "/")) == 0 else { return }
            parts = parts.dropLast()
        }
    }

    /// "a" or "b" when `<dir>` is Ferry's link to one of its trees.
    private func servedSlot() -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: dir) else { return nil }
        let slot = (target as NSString).lastPathComponent
        return target == home + "/" + slot && (slot == "a" || slot == "b") ? slot : nil
    }

    private func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    private func readState() -> State {
        guard let data = FileManager.default.contents(atPath: stateFile), let state = try? JSONDecoder().decode(State.self, from: data) else {
            return State(trees: [:])
        }
        return state
    }

    private func write(_ state: State) throws {
        try JSONEncoder().encode(state).write(to: URL(fileURLWithPath: stateFile), options: .atomic)
    }
}
