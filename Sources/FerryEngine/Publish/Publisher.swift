import FerryCore
import Foundation

/// Applies a workload's `publish:` targets for a build about to go live, in order; the first
/// that fails stops the rest and fails the deploy (or rollback) before `current` moves, so what
/// Ferry serves and what was published stay the same build.
struct Publisher {
    let paths: FerryPaths

    func publish(_ build: BuildManifest, workload: WorkloadSpec, log: (String) -> Void) throws {
        for (i, target) in workload.publish.enumerated() {
            if let dir = target.dir {
                let publisher = DirectoryPublisher(dir: dir, objects: ObjectStore(root: paths.objects)) { id in
                    try? ManifestBuilder.read(from: paths.build(workload.name, id))
                }
                do {
                    let (linked, removed) = try publisher.publish(build)
                    log("published build \(build.buildID) to \(dir): \(linked) path(s) linked, \(removed) removed")
                } catch let error as FerryError {
                    throw FerryError(.failed, "publish.\(i) (\(dir)): \(error.message); what is live was left as it was", cause: error)
                }
            } else if target.s3 != nil {
                throw FerryError(.failed, "publish.\(i): s3 targets are not supported by this version; what is live was left as it was")
            }
        }
    }
}
