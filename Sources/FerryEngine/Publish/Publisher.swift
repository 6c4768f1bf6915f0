import FerryCore
import Foundation

/// Applies a workload's `publish:` targets for a build about to go live, in order; the first
/// that fails stops the rest and fails the deploy (or rollback) before `current` moves, so what
/// Ferry serves stays what it was.
struct Publisher {
    let paths: FerryPaths
    let http: any HTTPFetcher

    func publish(_ build: BuildManifest, workload: WorkloadSpec, env: [String: String], log: (String) -> Void) async throws {
        let objects = ObjectStore(root: paths.objects)
        let manifest: @Sendable (String) -> BuildManifest? = { [paths] id in try? ManifestBuilder.read(from: paths.build(workload.name, id)) }
        for (i, target) in workload.publish.enumerated() {
            if let dir = target.dir {
                do {
                    let (linked, removed) = try DirectoryPublisher(dir: dir, objects: objects, manifest: manifest).publish(build)
                    log("published build \(build.buildID) to \(dir): \(linked) path(s) linked, \(removed) removed")
                } catch let error as FerryError {
                    throw FerryError(.failed, "publish.\(i) (\(dir)): \(error.message); what is live was left as it was", cause: error)
                }
            } else if let s3 = target.s3 {
                guard let accessKey = env[s3.accessKeyEnv], let secretKey = env[s3.secretKeyEnv] else {
                    throw FerryError(.failed, "publish.\(i): the env has no \(s3.accessKeyEnv) or \(s3.secretKeyEnv) for the bucket's credentials; set them (ferry env set --secret) and deploy again")
                }
                let publisher = S3Publisher(
                    target: s3, signer: SigV4(accessKey: accessKey, secretKey: secretKey, region: s3.region), http: http, objects: objects,
                    held: paths.workload(workload.name).appendingPathComponent("publish/\(i)-s3-held"), manifest: manifest)
                do {
                    let (uploaded, deleted) = try await publisher.publish(build) { log($0) }
                    log("published build \(build.buildID) to \(publisher.location): \(uploaded) uploaded, \(deleted) deleted")
                } catch let error as FerryError {
                    throw FerryError(.failed, "publish.\(i) (\(publisher.location)): \(error.message); what is live was left as it was", cause: error)
                }
            }
        }
    }
}
