import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A build as a plain folder of files, for whatever needs one (an `after` hook): every file a
/// hard link to its object — no bytes copied — or a copy where a link cannot be made (another
/// file system). Objects are read-only, so the folder is too, in effect.
struct BuildTree {
    let objects: ObjectStore

    func materialize(_ manifest: BuildManifest, into folder: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var made = Set<String>()
        for file in manifest.files {
            let target = try folder.appending(checked: file.path, what: "build path")
            let parent = target.deletingLastPathComponent().path
            if made.insert(parent).inserted { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            let object = objects.path(file.sha256)
            if link(object, target.path) != 0 {
                guard errno == EXDEV || errno == EMLINK else { throw ObjectStore.writeError(target.path) }
                try fm.copyItem(atPath: object, toPath: target.path)
            }
        }
    }
}
