import FerryCore
import Foundation

/// One package's part of a refresh: fetch the upstream packument, merge it into the stored one
/// (Verdaccio's rules), download the tarballs the policy and the dependency ranges want, verify
/// them, write the packument back — and say which dependencies the added versions need.
/// Never throws: whatever goes wrong becomes a line in `failures`.
struct PackageRefresh {
    struct Demand: Sendable {
        /// Whether the version policy applies (the package was named by the run itself).
        var policy: Bool
        /// Ranges dependents asked for.
        var ranges: Set<String> = []
        /// Whether anything needs the package other than as an optional dependency; only
        /// optional demands are held to the config's `platforms`.
        var required: Bool

        init(policy: Bool, required: Bool? = nil) {
            self.policy = policy
            self.required = required ?? policy
        }
    }

    struct Result: Sendable {
        var name: String
        var upstream: (Packument, String?)?
        var fetched: [String] = []
        var addedVersions = 0
        var failures: [String] = []
        var dependencies: [VersionPolicy.Dependency] = []
        /// Versions left out because they are built for platforms the mirror does not serve.
        var skipped: [String] = []
        var wrote = false
        var log: [String] = []
    }

    let refresher: Refresher
    let name: String
    let demand: Demand

    func run(cached: (Packument, String?)?) async -> Result {
        var result = Result(name: name)
        let layout = refresher.layout
        let upstream: Packument
        let etag: String?
        do {
            if let cached {
                (upstream, etag) = cached
            } else {
                (upstream, etag) = try await refresher.client.packument(name)
            }
        } catch {
            result.failures.append("\(error)")
            result.log.append("✗ \(name): \(error)")
            return result
        }
        result.upstream = (upstream, etag)
        var stored: Packument
        do {
            stored = try Packument.load(layout.packumentFile(name)) ?? Packument(name: name)
        } catch {
            result.failures.append("stored packument unreadable, left as is: \(error)")
            return result
        }
        let present = Set(stored.versions.keys.filter { v in
            stored.dist(v).map { FileManager.default.fileExists(atPath: layout.tarballFile(name, fileName: $0.fileName).path) } ?? false
        })
        let merge = stored.merge(upstream: upstream, uplink: refresher.config.uplink, etag: etag, now: Date())
        result.addedVersions = merge.added.count
        var wanted = demand.policy ? VersionPolicy.wanted(refresher.config.policy, upstream: upstream, stored: present) : []
        let platforms = demand.required ? nil : refresher.config.platforms
        for range in demand.ranges.sorted() {
            if let version = VersionPolicy.pick(range, in: stored) {
                if let doc = stored.versionDoc(version), !VersionPolicy.fits(doc, platforms: platforms) {
                    result.skipped.append(version)
                    continue
                }
                wanted.append(version)
            } else {
                result.failures.append("no version satisfies \"\(range)\" (a dependent asked for it)")
            }
        }
        var downloaded = false
        for version in VersionPolicy.sorted(Array(Set(wanted))) {
            guard let dist = stored.dist(version) else {
                result.failures.append("\(version): the packument gives no usable dist.tarball")
                continue
            }
            let file = layout.tarballFile(name, fileName: dist.fileName)
            if FileManager.default.fileExists(atPath: file.path) { continue }
            if refresher.dryRun {
                result.fetched.append(version)
            } else {
                do {
                    try refresher.context.checkCancellation()
                    try await refresher.client.tarball(dist, to: file)
                    stored.recordDistfile(dist, registry: refresher.config.uplink)
                    result.fetched.append(version)
                    downloaded = true
                } catch {
                    result.failures.append("\(version): \(error)")
                    result.log.append("✗ \(name)@\(version): \(error)")
                    continue
                }
            }
            if let doc = stored.versionDoc(version) { result.dependencies += VersionPolicy.dependencies(of: doc) }
        }
        if !result.skipped.isEmpty {
            result.log.append("· \(name): \(result.skipped.joined(separator: ", ")) skipped, built for no platform in source.config.platforms")
        }
        let known = FileManager.default.fileExists(atPath: layout.packumentFile(name).path)
        if !known, wanted.isEmpty, !result.skipped.isEmpty { return result }
        if !result.fetched.isEmpty {
            result.log.append("\(refresher.dryRun ? "would fetch" : "+") \(name): \(result.fetched.joined(separator: ", "))")
        }
        guard !refresher.dryRun, merge.changed || downloaded else { return result }
        do {
            try stored.write(to: layout.packumentFile(name))
            result.wrote = true
        } catch {
            result.failures.append("\(error)")
        }
        return result
    }
}
