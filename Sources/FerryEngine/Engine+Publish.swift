import FerryCore
import Foundation

extension Engine {
    /// A deploy and a rollback publish first and switch `current` after, so a crash between the
    /// two leaves a publish target holding another build than the live one. On start, each
    /// workload with targets publishes its live build again: a target that already holds it
    /// costs one read of its state and no request. A target that cannot be reached is logged
    /// and left for the next deploy; nothing live changes.
    public func republishLiveBuilds() async {
        for workload in (try? database.workloads()) ?? [] where !workload.spec.publish.isEmpty {
            guard let live = liveBuilds.live(workload.name) else { continue }
            do {
                let env = try secrets.openEnv(workload.spec).env
                try await Publisher(paths: paths, http: http).publish(live.manifest, workload: workload.spec, env: env) { line in
                    logger.info("\(workload.name): \(line)")
                }
            } catch {
                logger.error("\(workload.name): cannot publish the live build \(live.id) again after the restart: \(error)")
            }
        }
    }
}
