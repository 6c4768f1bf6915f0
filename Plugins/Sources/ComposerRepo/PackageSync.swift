import FerryCore
import Foundation

/// `discover` and `update`: finds the packages to publish and fetches only those whose upstream
/// changed since the last sync, stamping everything it writes with its sync run id.
struct PackageSync {
    let config: ComposerConfig
    let context: any SourceContext

    private var records: any RecordStore { context.records }
    static let cursors = "cursors"

    // MARK: discover

    func discover() async throws -> JSONValue {
        var counts: [String: Int] = ["new": 0, "changed": 0, "removed": 0]
        if let wp = config.wordpress {
            let upstream = WordPressUpstream(config: wp, http: context.http)
            var plugins = wp.plugins ?? []
            if wp.listing == true {
                context.progress(0.05, "reading the plugin directory listing")
                plugins = Array(Set(plugins + (try await upstream.listing(theme: false)))).sorted()
                context.log("directory listing: \(plugins.count) plugins")
            }
            let wanted = Set(plugins.map { PackageSummary.wordpressName(slug: $0, theme: false) } + (wp.themes ?? []).map { PackageSummary.wordpressName(slug: $0, theme: true) })
            let known = try summaries().filter { $0.upstream == .wordpress }
            let knownNames = Set(known.map(\.name))
            var writes: [RecordWrite] = []
            for (slug, theme) in plugins.map({ ($0, false) }) + (wp.themes ?? []).map({ ($0, true) }) {
                let name = PackageSummary.wordpressName(slug: slug, theme: theme)
                guard !knownNames.contains(name) else { continue }
                let summary = PackageSummary(name: name, type: theme ? "wordpress-theme" : "wordpress-plugin", upstream: .wordpress, origin: slug)
                writes.append(try RecordWrite(key: name, value: summary, label: summary.type, stamp: 0))
            }
            try records.put(PackageSummary.collection, writes)
            counts["new"] = writes.count
            let gone = known.filter { !wanted.contains($0.name) }.map(\.name)
            if !gone.isEmpty, wp.listing != true {
                try records.delete(PackageSummary.collection, keys: gone)
                try records.delete(VersionSet.collection, keys: gone)
                context.log("no longer configured, removed: \(gone.joined(separator: ", "))")
                counts["removed"] = gone.count
            }
            if wp.changes != false {
                context.progress(0.3, "reading the recently-updated feed")
                do {
                    counts["changed"] = try await markChanged(upstream, plugins: !plugins.isEmpty, themes: !(wp.themes ?? []).isEmpty)
                } catch let error where !Task.isCancelled && !(error is CancellationError) {
                    // The feed is an accelerator: its failure costs time (a full check), never a deploy.
                    let reason = (error as? FerryError)?.message ?? "\(error)"
                    context.log("warning: \(reason); the next update checks every package against the info API")
                    var check = try FullCheck.load(records)
                    check.feedFailure = reason
                    try check.save(records)
                    counts["feedFailed"] = 1
                }
            }
        }
        for repo in config.vcs ?? [] {
            let marker = try await VcsUpstream(repo: repo, context: context).marker()
            var cursor = try records.value(VcsCursor.self, in: Self.cursors, key: "vcs:" + repo.url) ?? VcsCursor()
            if cursor.seen != marker { counts["changed", default: 0] += 1 }
            cursor.seen = marker
            try records.put(Self.cursors, RecordWrite(key: "vcs:" + repo.url, value: cursor))
        }
        let summary = "discovered \(counts["new"]!) new, \(counts["changed"]!) changed, \(counts["removed"]!) removed"
        context.log(summary)
        return try JSONValue(encoding: counts)
    }

    /// Marks known packages whose feed entry differs from what we synced; returns how many.
    private func markChanged(_ upstream: WordPressUpstream, plugins: Bool, themes: Bool) async throws -> Int {
        var changed = 0
        for theme in [false, true] where theme ? themes : plugins {
            let key = theme ? "wordpress:themes:updated" : "wordpress:plugins:updated"
            let cursor = try records.value(FeedCursor.self, in: Self.cursors, key: key)
            // A little overlap: the feed's times have minute precision.
            let since = cursor.map { $0.newest.addingTimeInterval(-3600) }
            let entries = try await upstream.recentlyUpdated(theme: theme, since: since, maxPages: since == nil ? 1 : 20)
            var writes: [RecordWrite] = []
            for entry in entries {
                let name = PackageSummary.wordpressName(slug: entry.slug, theme: theme)
                guard let stored = try records.get(PackageSummary.collection, key: name), var summary = try? stored.decode(PackageSummary.self),
                      summary.upstreamMarker != entry.marker, summary.syncedMarker != entry.marker
                else { continue }
                summary.upstreamMarker = entry.marker
                writes.append(try RecordWrite(key: name, value: summary, label: summary.type, stamp: stored.stamp))
            }
            try records.put(PackageSummary.collection, writes)
            changed += writes.count
            if let newest = entries.compactMap(\.date).max() ?? cursor?.newest {
                try records.put(Self.cursors, RecordWrite(key: key, value: FeedCursor(newest: newest)))
            }
        }
        return changed
    }

    // MARK: update

    func update(force: Bool, only: String?) async throws -> JSONValue {
        try await syncRun(["fetched": 0, "unchanged": 0, "closed": 0, "problems": 0, "vcs": 0]) { run, counts in
            if let wp = config.wordpress {
                try await updateWordPress(wp, run: run, force: force, only: only, counts: &counts)
            }
            for (i, repo) in (config.vcs ?? []).enumerated() {
                try context.checkCancellation()
                context.progress(0.8 + 0.2 * Double(i) / Double(max(1, config.vcs!.count)), "git \(repo.url)")
                try await updateVcs(repo, run: run, force: force, only: only, counts: &counts)
            }
            if let advisories = config.advisories, only == nil {
                try await AdvisoryFeed(url: advisories.url, context: context).refresh(counts: &counts)
            }
        }
    }

    /// After a push of `commit`: only the configured repositories a branch or tag of which points
    /// at it are synced (Satis would rescan everything); WordPress packages and the other
    /// repositories stay as the last run left them.
    func updatePushed(commit: String) async throws -> JSONValue {
        try await syncRun(["vcs": 0, "unchanged": 0, "problems": 0]) { run, counts in
            var matched = 0
            for repo in config.vcs ?? [] {
                try context.checkCancellation()
                let refs: String
                do { refs = try await VcsUpstream(repo: repo, context: context).refs() } catch let error where !(error is CancellationError) {
                    context.log("\(repo.url): \(error); skipped")
                    counts["problems", default: 0] += 1
                    continue
                }
                guard VcsUpstream.refs(refs, pointAt: commit) else { continue }
                matched += 1
                context.log("\(repo.url) has \(commit.prefix(12)): updating only this repository")
                try await updateVcs(repo, run: run, force: false, only: nil, counts: &counts)
            }
            if matched == 0 {
                context.log("no configured repository has a branch or tag at \(commit.prefix(12)); nothing to update")
            }
        }
    }

    /// One sync run around `body`: started, then finished or failed with the counts, and the
    /// counts (with the run id) returned as the job's details.
    private func syncRun(
        _ initial: [String: Int], _ body: (SyncRun, inout [String: Int]) async throws -> Void
    ) async throws -> JSONValue {
        var run = try SyncRun.start(kind: "update", records: records)
        context.log("sync run \(run.id) started")
        var counts = initial
        do {
            try await body(run, &counts)
            try run.finish(.finished, counts: counts, records: records)
        } catch {
            try? run.finish(.failed, counts: counts, records: records)
            throw error
        }
        context.log("sync run \(run.id): \(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
        var details = try JSONValue(encoding: counts)
        if case .object(var o) = details { o["syncRun"] = .number(Double(run.id)); details = .object(o) }
        return details
    }

    private func updateWordPress(_ wp: ComposerConfig.WordPress, run: SyncRun, force: Bool, only: String?, counts: inout [String: Int]) async throws {
        let all = try summaries().filter { $0.upstream == .wordpress }
        var check = try FullCheck.load(records)
        let full = only == nil ? (force ? "forced" : check.reason(wp, now: Date())) : nil
        let due = all.filter { s in
            if let only { return s.name == only }
            return s.active && (full != nil || s.needsSync)
        }
        counts["unchanged"] = all.count - due.count
        if let full {
            context.log("wordpress: checking all \(due.count) packages against the info API: \(full)")
        } else {
            context.log("wordpress: \(due.count) of \(all.count) packages changed upstream")
        }
        let upstream = WordPressUpstream(config: wp, http: context.http)
        var done = 0
        for batch in stride(from: 0, to: due.count, by: 200).map({ Array(due[$0..<min($0 + 200, due.count)]) }) {
            try context.checkCancellation()
            let results = await withTaskGroup(of: (PackageSummary, WordPressUpstream.InfoResult).self) { group in
                var out: [(PackageSummary, WordPressUpstream.InfoResult)] = []
                var iterator = batch.makeIterator()
                for _ in 0..<wp.parallel {
                    guard let s = iterator.next() else { break }
                    group.addTask { (s, await upstream.info(slug: s.origin, theme: s.isTheme)) }
                }
                while let r = await group.next() {
                    out.append(r)
                    if let s = iterator.next() { group.addTask { (s, await upstream.info(slug: s.origin, theme: s.isTheme)) } }
                }
                return out
            }
            var summaryWrites: [RecordWrite] = [], versionWrites: [RecordWrite] = [], changes: [RecordWrite] = []
            for (old, result) in results {
                var s = old
                switch result {
                case .info(let info):
                    let mapped = WordPressPackage(slug: s.origin, theme: s.isTheme, downloadsBase: wp.downloadsBase).map(info)
                    if !force, s.active, s.problem == nil, !s.needsSync, s.syncedMarker == mapped.marker {
                        counts["unchanged", default: 0] += 1
                        continue
                    }
                    if !s.active { changes.append(try StatusChange(name: s.name, active: true, reason: "answers again upstream", at: Date(), by: "update").write()) }
                    s.active = true
                    s.inactiveReason = nil
                    s.problem = mapped.versions.isEmpty ? "no Composer-valid versions upstream" : nil
                    s.skipped = mapped.skipped
                    s.latest = mapped.latest
                    s.versionCount = mapped.versions.count
                    s.description = mapped.description
                    s.homepage = mapped.homepage
                    s.lastUpdated = mapped.lastUpdated
                    s.upstreamMarker = mapped.marker
                    s.syncedMarker = mapped.marker
                    s.syncedAt = Date()
                    versionWrites.append(VersionSet(versions: mapped.versions).write(key: s.name, stamp: run.id))
                    counts["fetched", default: 0] += 1
                    for skip in mapped.skipped { context.log("\(s.name) \(skip.version): skipped, \(skip.reason)") }
                case .closed(let reason):
                    deactivate(&s, reason: reason, changes: &changes, counts: &counts)
                case .notFound:
                    deactivate(&s, reason: "not found on WordPress.org", changes: &changes, counts: &counts)
                case .problem(let problem):
                    s.problem = problem
                    counts["problems", default: 0] += 1
                    context.log("\(s.name): \(problem); keeping what was synced before")
                }
                summaryWrites.append(try RecordWrite(key: s.name, value: s, label: s.type, stamp: run.id))
            }
            // Versions first: a summary never points at versions that are not stored yet.
            try records.put(VersionSet.collection, versionWrites)
            try records.put(PackageSummary.collection, summaryWrites)
            try records.put(StatusChange.collection, changes)
            done += batch.count
            context.progress(0.8 * Double(done) / Double(max(1, due.count)), "checked \(done) of \(due.count) packages")
        }
        if full != nil {
            check.lastFull = Date()
            check.feedFailure = nil
            try check.save(records)
            counts["fullCheck"] = 1
        }
    }

    private func deactivate(_ s: inout PackageSummary, reason: String, changes: inout [RecordWrite], counts: inout [String: Int]) {
        if s.active, let change = try? StatusChange(name: s.name, active: false, reason: reason, at: Date(), by: "update").write() {
            changes.append(change)
        }
        s.active = false
        s.inactiveReason = reason
        counts["closed", default: 0] += 1
        context.log("\(s.name): \(reason); left out of builds")
    }

    private func updateVcs(_ repo: ComposerConfig.Vcs, run: SyncRun, force: Bool, only: String?, counts: inout [String: Int]) async throws {
        let key = "vcs:" + repo.url
        var cursor = try records.value(VcsCursor.self, in: Self.cursors, key: key) ?? VcsCursor()
        if let only, cursor.name != only { return }
        let vcs = VcsUpstream(repo: repo, context: context)
        do {
            let marker = try await vcs.marker()
            cursor.seen = marker
            if !force, cursor.synced == marker { counts["unchanged", default: 0] += 1; return }
            let result = try await vcs.sync(distBase: context.publicBase)
            if let clash = try records.value(PackageSummary.self, in: PackageSummary.collection, key: result.name), clash.origin != repo.url {
                throw FerryError(.failed, "\(repo.url) names \(result.name), which \(clash.origin) already publishes")
            }
            var s = try records.value(PackageSummary.self, in: PackageSummary.collection, key: result.name)
                ?? PackageSummary(name: result.name, type: "library", upstream: .vcs, origin: repo.url)
            let newest = result.versions.first
            s.type = newest?["type"]?.stringValue ?? "library"
            s.description = newest?["description"]?.stringValue
            s.homepage = newest?["homepage"]?.stringValue
            s.latest = result.latest
            s.versionCount = result.versions.count
            s.skipped = result.skipped
            s.lastUpdated = result.lastUpdated
            s.problem = result.versions.isEmpty ? "no version has a valid composer.json" : nil
            s.upstreamMarker = marker
            s.syncedMarker = marker
            s.syncedAt = Date()
            try records.put(VersionSet.collection, VersionSet(versions: result.versions).write(key: s.name, stamp: run.id))
            try records.put(PackageSummary.collection, RecordWrite(key: s.name, value: s, label: s.type, stamp: run.id))
            cursor.synced = marker
            cursor.name = s.name
            cursor.problem = nil
            counts["vcs", default: 0] += 1
            context.log("\(s.name): \(result.versions.count) versions from \(repo.url)" + (result.skipped.isEmpty ? "" : ", \(result.skipped.count) skipped"))
        } catch let error as CancellationError {
            throw error
        } catch {
            cursor.problem = "\(error)"
            counts["problems", default: 0] += 1
            context.log("\(repo.url): \(error); keeping what was synced before")
            if let name = cursor.name, var s = try records.value(PackageSummary.self, in: PackageSummary.collection, key: name) {
                s.problem = "\(error)"
                try records.put(PackageSummary.collection, RecordWrite(key: name, value: s, label: s.type, stamp: run.id))
            }
        }
        try records.put(Self.cursors, RecordWrite(key: key, value: cursor))
    }

    func summaries() throws -> [PackageSummary] {
        try records.all(PackageSummary.collection).compactMap { try? $0.decode(PackageSummary.self) }
    }
}

struct FeedCursor: Codable { var newest: Date }

struct VcsCursor: Codable {
    var seen: String?
    var synced: String?
    var name: String?
    var problem: String?
}
