import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Mark-and-sweep of the object store: an object no build folder's manifest lists is removed,
/// lazily and within a budget per pass (this kind of disk is slow to create files right after a
/// mass delete). It runs only while no job is queued or running, and spares objects touched
/// within `grace`, so an object a starting build has just found already stored is never taken
/// from under it.
struct ObjectCollector {
    let paths: FerryPaths
    var grace: TimeInterval = 3600
    var budget = 20_000

    /// Returns how many objects it removed.
    func collect(now: Date) -> Int {
        let fm = FileManager.default
        var marked = Set<String>()
        let workloads = (try? fm.contentsOfDirectory(atPath: paths.root.appendingPathComponent("workloads").path)) ?? []
        for workload in workloads {
            for id in (try? fm.contentsOfDirectory(atPath: paths.builds(workload).path)) ?? [] {
                let folder = paths.build(workload, id)
                guard fm.fileExists(atPath: folder.appendingPathComponent(BuildManifest.fileName).path) else { continue }
                // A manifest that cannot be read may still name objects: sweep nothing this pass.
                guard let manifest = try? ManifestBuilder.read(from: folder) else { return 0 }
                for file in manifest.files { marked.insert(file.sha256) }
            }
        }
        let store = ObjectStore(root: paths.objects)
        let cutoff = Int(now.timeIntervalSince1970 - grace)
        var removed = 0
        for name in store.all() where !marked.contains(name) {
            guard removed < budget else { break }
            var info = stat()
            guard stat(store.path(name), &info) == 0, info.st_mtim.tv_sec < cutoff else { continue }
            store.remove(name)
            removed += 1
        }
        let temp = paths.objects.appendingPathComponent("tmp").path
        for entry in (try? fm.contentsOfDirectory(atPath: temp)) ?? [] {
            var info = stat()
            if stat(temp + "/" + entry, &info) == 0, info.st_mtim.tv_sec < cutoff { unlink(temp + "/" + entry) }
        }
        return removed
    }
}
