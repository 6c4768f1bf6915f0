import FerryCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Re-hashes the objects of every live build in the background, within a read budget, so a
/// file damaged on disk after it was stored (bit rot, a stray write) is found before a client
/// gets it. A damaged object is moved to `objects/quarantine/`, the builds listing it are marked
/// broken (the reconciler then rebuilds, which stores the bytes afresh) and the count shows in
/// `/metrics` (`ferry_objects_damaged_total`).
public final class ObjectScrubber: Service, Sendable {
    let paths: FerryPaths
    let liveBuilds: LiveBuildCache
    let workloads: @Sendable () -> [String]
    let interval: Duration
    /// Bytes hashed per second at most; nil: as fast as the disk goes.
    let bytesPerSecond: Int?
    let logger: Logger
    private let damaged = Atomic<Int>(0)

    init(
        paths: FerryPaths, liveBuilds: LiveBuildCache, workloads: @escaping @Sendable () -> [String], interval: Duration,
        bytesPerSecond: Int?, logger: Logger
    ) {
        self.paths = paths
        self.liveBuilds = liveBuilds
        self.workloads = workloads
        self.interval = interval
        self.bytesPerSecond = bytesPerSecond
        self.logger = logger
    }

    /// Damaged objects found since start.
    public var damagedTotal: Int { damaged.load(ordering: .relaxed) }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            try? await Task.sleep(for: .seconds(60))
            while !Task.isCancelled {
                _ = await pass(budgeted: true)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over the live builds' objects; returns the damaged ones found.
    @discardableResult
    public func pass(budgeted: Bool = false) async -> [String] {
        let store = ObjectStore(root: paths.objects)
        var listing: [String: [(workload: String, build: String, path: String)]] = [:]
        var sizes: [String: Int64] = [:]
        for name in workloads() {
            guard let live = liveBuilds.live(name) else { continue }
            for file in live.manifest.files {
                listing[file.sha256, default: []].append((name, live.id, file.path))
                sizes[file.sha256] = file.size
            }
        }
        var found: [String] = []
        let clock = ContinuousClock()
        let started = clock.now
        var hashed: Int64 = 0
        for (sha256, users) in listing.sorted(by: { $0.key < $1.key }) {
            if Task.isCancelled { break }
            if !store.verify(sha256) {
                found.append(sha256)
                store.quarantine(sha256)
                for user in users {
                    let reason = "\(user.path) is damaged on disk (object \(sha256.prefix(12)) no longer matches its hash)"
                    logger.error("\(user.workload): build \(user.build): \(reason); the build will be made again")
                    liveBuilds.markBroken(user.build, reason)
                }
            }
            hashed += sizes[sha256] ?? 0
            if budgeted, let bytesPerSecond, bytesPerSecond > 0 {
                let due = Duration.seconds(Double(hashed) / Double(bytesPerSecond))
                let elapsed = clock.now - started
                if due > elapsed { try? await Task.sleep(for: due - elapsed) }
            }
        }
        damaged.add(found.count, ordering: .relaxed)
        return found
    }
}
