import FerryCore
import Foundation
import Logging
import Synchronization

/// Each workload's live build with its manifest index, loaded once per switch of `current`
/// (`BuildActivator.switches`), so serving a request and a reconcile pass read memory, not the
/// disk. Also what is known to be wrong with builds: the scrub and serving report objects that
/// no longer match, and the reconciler treats such a build as not live.
public final class LiveBuildCache: Sendable {
    let activator: BuildActivator
    let paths: FerryPaths
    let logger: Logger
    /// Objects up to this size are re-hashed the first time a live build serves them; larger
    /// ones are checked for presence and size, and left to the scrub.
    static let hashOnReadLimit: Int64 = 16 << 20
    /// `present`: every object of the build was found present in this process (at activation, or
    /// by `check` once) — a build loaded after a restart has not been yet.
    private let entries = Mutex<[String: (switches: Int, live: LiveBuild?, present: Bool)]>([:])
    private let broken = Mutex<[String: String]>([:])

    init(activator: BuildActivator, paths: FerryPaths, logger: Logger) {
        self.activator = activator
        self.paths = paths
        self.logger = logger
    }

    /// The live build of `name`, or nil when nothing is live (or its manifest is unreadable).
    public func live(_ name: String) -> LiveBuild? {
        let switches = activator.switches(of: name)
        let cached = entries.withLock { $0[name] }
        if let cached, cached.switches == switches { return cached.live }
        guard let id = activator.liveBuildID(workload: name) else {
            entries.withLock { $0[name] = (switches, nil, false) }
            return nil
        }
        if let cached, let live = cached.live, live.id == id {
            entries.withLock { $0[name] = (switches, live, cached.present) }
            return live
        }
        let live = (try? ManifestBuilder.read(from: paths.build(name, id))).map { make(name, id, $0) }
        entries.withLock { $0[name] = (switches, live, false) }
        return live
    }

    /// Holds the manifest a job has just made live, so nothing reads it back from disk: the
    /// next build's base, a promotion into a child stage and the first request all find it here.
    func adopt(_ name: String, _ manifest: BuildManifest) {
        let switches = activator.switches(of: name)
        guard activator.liveBuildID(workload: name) == manifest.buildID else { return }
        let live = make(name, manifest.buildID, manifest)
        entries.withLock { $0[name] = (switches, live, true) }
    }

    private func make(_ name: String, _ id: String, _ manifest: BuildManifest) -> LiveBuild {
        LiveBuild(id: id, objects: paths.objects, manifest: manifest) { [self] entry in
            let objects = ObjectStore(root: paths.objects)
            let whole = entry.size <= Self.hashOnReadLimit ? objects.verify(entry.sha256) : objects.has(entry.sha256, size: entry.size)
            if !whole {
                let reason = "\(entry.path) is damaged on disk (object \(entry.sha256.prefix(12)) no longer matches its hash)"
                logger.error("\(name): build \(id): \(reason); not serving it")
                markBroken(id, reason)
                objects.quarantine(entry.sha256)
            }
            return whole
        }
    }

    /// The live build when `current` points at `linked` (what a readlink just found): the
    /// loaded one when it is that build, else loaded anew — `current` may be changed by hand.
    func live(_ name: String, linkedTo linked: String?) -> LiveBuild? {
        let cached = live(name)
        guard cached?.id != linked else { return cached }
        forget(name)
        return linked == nil ? nil : live(name)
    }

    /// A kept build's manifest and what is wrong with it: damage found earlier, an object
    /// missing, or the manifest unreadable (then no manifest). The one "may this build go live /
    /// be built on" check. The live build held in memory is stat'ed once: every object it lists
    /// was then present, none is removed while a build lists it, and damage found since
    /// (serving's first read, the scrub) is what `problem(of:)` knows — so building on it or
    /// promoting it again costs nothing per file. Any other build is checked object by object.
    func check(_ workload: String, _ id: String) -> (manifest: BuildManifest?, problem: String?) {
        let live = known(workload).flatMap { $0.id == id ? $0 : nil }
        if let live, entries.withLock({ $0[workload]?.present == true }) { return (live.manifest, problem(of: id)) }
        let manifest: BuildManifest
        if let live { manifest = live.manifest } else {
            do { manifest = try ManifestBuilder.read(from: paths.build(workload, id)) } catch { return (nil, "\(error)") }
        }
        let problem = problem(of: id) ?? ManifestVerifier.problem(manifest, objects: ObjectStore(root: paths.objects), depth: .present)
        if problem == nil, live != nil {
            entries.withLock { e in if e[workload]?.live?.id == id { e[workload]?.present = true } }
        }
        return (manifest, problem)
    }

    /// The live build as last loaded, when nothing was switched since; never touches the disk.
    public func known(_ name: String) -> LiveBuild? {
        guard let cached = entries.withLock({ $0[name] }), cached.switches == activator.switches(of: name) else { return nil }
        return cached.live
    }

    func forget(_ name: String) { _ = entries.withLock { $0.removeValue(forKey: name) } }

    /// Records that a build has an object that is gone or no longer matches its hash.
    public func markBroken(_ buildID: String, _ reason: String) { broken.withLock { $0[buildID] = reason } }

    /// What is known to be wrong with a build, or nil.
    public func problem(of buildID: String) -> String? { broken.withLock { $0[buildID] } }

    /// Builds known broken, for the scrub to clear once healed.
    var brokenBuilds: [String: String] { broken.withLock { $0 } }

    func clearBroken(_ buildID: String) { _ = broken.withLock { $0.removeValue(forKey: buildID) } }
}
