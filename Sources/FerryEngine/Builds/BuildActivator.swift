import FerryCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Makes builds live by swapping the workload's `current` symlink, and reads which build is live.
///
/// The swap is a new symlink under a temporary name renamed over `current`: rename(2) is atomic,
/// so a reader sees the old build or the new one, never a missing or half-written link.
public struct BuildActivator: Sendable {
    public let paths: FerryPaths
    private let counter = SwitchCounter()

    public init(paths: FerryPaths) { self.paths = paths }

    /// Grows with every switch this activator makes for `workload` (activate, deactivate): a
    /// reader that cached what was live knows it is still right while this number is unchanged,
    /// without a readlink, whatever other workloads switch meanwhile.
    public func switches(of workload: String) -> Int { counter.value(workload) }

    private final class SwitchCounter: Sendable {
        private let counts = Mutex<[String: Int]>([:])
        func value(_ workload: String) -> Int { counts.withLock { $0[workload] ?? 0 } }
        func bump(_ workload: String) { counts.withLock { $0[workload, default: 0] += 1 } }
    }

    public func activate(workload: String, buildID: String) throws {
        let current = paths.current(workload)
        let temporary = paths.workload(workload).appendingPathComponent(".current-\(UUID().uuidString)")
        let target = "builds/\(buildID)"
        guard symlink(target, temporary.path) == 0 else {
            throw FerryError(.internal, "cannot create link \(temporary.path): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary.path, current.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw FerryError(.internal, "cannot switch \(current.path): \(reason)")
        }
        counter.bump(workload)
    }

    /// The build id `current` points to, or nil when the link is missing or points elsewhere.
    public func liveBuildID(workload: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: paths.current(workload).path) else {
            return nil
        }
        let parts = target.split(separator: "/")
        guard parts.count == 2, parts[0] == "builds" else { return nil }
        return String(parts[1])
    }

    /// Removes `current` (used when a workload is deleted).
    public func deactivate(workload: String) {
        unlink(paths.current(workload).path)
        counter.bump(workload)
    }

    /// Deletes the files of builds beyond the `keep` newest, never the live one. Returns the
    /// ids whose files were removed.
    public func prune(workload: String, builds: [Build], keep: Int, live: String?) -> [String] {
        let doomed = prunable(builds: builds, keep: keep, live: live)
        remove(workload: workload, buildIDs: doomed)
        return doomed
    }

    /// Which builds retention removes: past the `keep` newest unpruned ones, never the live one.
    /// Callers record them as pruned before `remove`, so a crash in between leaves folders that
    /// start-up recovery deletes, never a listed build with files missing.
    public func prunable(builds: [Build], keep: Int, live: String?) -> [String] {
        let candidates = builds.filter { $0.prunedAt == nil }.sorted { $0.createdAt > $1.createdAt }
        return candidates.dropFirst(max(keep, 1)).filter { $0.id != live }.map(\.id)
    }

    public func remove(workload: String, buildIDs: [String]) {
        for id in buildIDs { try? FileManager.default.removeItem(at: paths.build(workload, id)) }
    }
}
