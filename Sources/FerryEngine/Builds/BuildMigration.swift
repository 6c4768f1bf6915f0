import FerryCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Moves builds of the layout before content-addressing (`builds/<id>/content/` trees) into the
/// object store on the first start of this version, with nothing lost: each file's time is
/// written into the manifest first (it is the file's `Last-Modified`), then every file is moved
/// into `objects/`, then the emptied folder goes. Each step can be cut short and re-run, so a
/// crash part-way is finished by the next start. `current` keeps pointing at `builds/<id>`.
struct BuildMigration {
    let paths: FerryPaths
    let logger: Logger

    /// Returns how many builds it moved.
    @discardableResult
    func run() throws -> Int {
        let fm = FileManager.default
        let objects = ObjectStore(root: paths.objects)
        var moved = 0
        let workloads = (try? fm.contentsOfDirectory(atPath: paths.root.appendingPathComponent("workloads").path)) ?? []
        for workload in workloads.sorted() {
            for id in ((try? fm.contentsOfDirectory(atPath: paths.builds(workload).path)) ?? []).sorted() {
                let folder = paths.build(workload, id)
                let content = paths.buildContent(workload, id)
                // No manifest: a build that never finished; start-up recovery removes it.
                guard fm.fileExists(atPath: content.path), var manifest = try? ManifestBuilder.read(from: folder) else { continue }
                if manifest.files.contains(where: { $0.modified == nil }) {
                    for i in manifest.files.indices where manifest.files[i].modified == nil {
                        var info = stat()
                        let path = content.appendingPathComponent(manifest.files[i].path).path
                        manifest.files[i].modified = stat(path, &info) == 0 ? Int64(info.st_mtim.tv_sec) : Int64(Date().timeIntervalSince1970)
                    }
                    try ManifestBuilder.write(manifest, to: folder)
                }
                let present = manifest.files.filter { fm.fileExists(atPath: content.appendingPathComponent($0.path).path) }
                let stored = try objects.ingest(present.map { content.appendingPathComponent($0.path).path })
                for (file, object) in zip(present, stored) where object.sha256 != file.sha256 {
                    logger.error("\(workload): build \(id): \(file.path) did not match its manifest; the build is not whole and will be rebuilt")
                }
                try? fm.removeItem(at: content)
                moved += 1
            }
        }
        if moved > 0 { logger.notice("moved \(moved) build(s) into the object store (\(paths.objects.path))") }
        return moved
    }
}
