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
    private let entries = Mutex<[String: (switches: Int, live: LiveBuild?)]>([:])
    private let broken = Mutex<[String: String]>([:])

    init(activator: BuildActivator, paths: FerryPaths, logger: Logger) {
        self.activator = activator
        self.paths = paths
        self.logger = logger
    }

    /// The live build of `name`, or nil when nothing is live (or its manifest is unreadable).
    public func live(_ name: String) -> LiveBuild? {
        let switches = activator.switches(of: name)
        if let cached = entries.withLock({ $0[name] }), cached.switches == switches { return cached.live }
        let live = activator.liveBuildID(workload: name).flatMap { id -> LiveBuild? in
            if let cached = entries.withLock({ $0[name] })?.live, cached.id == id { return cached }
            guard let manifest = try? ManifestBuilder.read(from: paths.build(name, id)) else { return nil }
            return LiveBuild(id: id, objects: paths.objects, manifest: manifest) { [self] entry in
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
        entries.withLock { $0[name] = (switches, live) }
        return live
    }

    /// The live build when `current` points at `linked` (what a readlink just found): the
    /// loaded one when it is that build, else loaded anew — `current` may be changed by hand.
    func live(_ name: String, linkedTo linked: String?) -> LiveBuild? {
        let cached = live(name)
        guard cached?.id != linked else { return cached }
        forget(name)
        return linked == nil ? nil : live(name)
    }

    /// A kept build's manifest (from memory when it is the live one) and what is wrong with it:
    /// damage found earlier, an object missing, or the manifest unreadable (then no manifest).
    /// The one "may this build go live / be built on" check.
    func check(_ workload: String, _ id: String) -> (manifest: BuildManifest?, problem: String?) {
        let manifest: BuildManifest
        if let live = known(workload), live.id == id {
            manifest = live.manifest
        } else {
            do { manifest = try ManifestBuilder.read(from: paths.build(workload, id)) } catch { return (nil, "\(error)") }
        }
        return (manifest, problem(of: id) ?? ManifestVerifier.problem(manifest, objects: ObjectStore(root: paths.objects), depth: .present))
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
