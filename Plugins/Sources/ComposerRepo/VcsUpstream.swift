import Crypto
import FerryCore
import Foundation

/// A git repository as an upstream: every tag whose tree holds a valid composer.json is a
/// version, every branch a `dev-` version. Ferry keeps a bare mirror in the workload's state
/// folder and builds each version's dist zip itself with `git archive`, cached by commit so its
/// bytes — and the sha1 the client checks — never change.
///
/// Every git command gets the remote's environment (`GIT_ALLOW_PROTOCOL` of its own transport,
/// no password prompt), the URL comes after `--`, and the URL is checked again against the
/// context's `git.fileRoots` first, since a stored config may predate the server's roots.
struct VcsUpstream {
    let repo: ComposerConfig.Vcs
    let context: any SourceContext

    struct Result {
        var name: String
        var versions: [JSONValue]
        var skipped: [PackageSummary.Skipped]
        var summary: JSONValue
        var latest: String?
        var lastUpdated: Date?
    }

    private var mirror: URL {
        let id = SHA256.hash(data: Data(repo.url.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return context.stateDirectory.appendingPathComponent("git/\(id).git")
    }

    static func distCache(_ state: URL, commit: String) -> URL { state.appendingPathComponent("dists/\(commit).zip") }

    /// The checked remote; the field has no index here, the URL in the message says which.
    private func remote() throws(FerryError) -> GitRemote {
        try repo.remote(git: context.git, field: "source.config.vcs[].url")
    }

    /// Runs git with the remote's environment, plus the `tokenEnv` token as a header.
    private func git(_ arguments: [String]) async throws -> CommandOutput {
        let environment = try remote().environment(
            token: repo.tokenEnv.flatMap { context.env[$0] }, allowInsecure: repo.allowInsecure ?? false, field: "source.config.vcs[].url")
        return try await context.run(["git"] + arguments, in: nil, environment: environment)
    }

    /// The remote's refs as `ls-remote` prints them (`<commit>\t<ref>` lines).
    func refs() async throws -> String {
        try await git(["ls-remote", "--heads", "--tags", "--", try remote().url]).stdout
    }

    /// A hash of the remote's refs: cheap to get, and it changes whenever a branch moves or a tag appears.
    func marker() async throws -> String {
        Self.marker(refs: try await refs())
    }

    static func marker(refs: String) -> String {
        SHA256.hash(data: Data(refs.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether one of the remote's branches or tags points at `commit` (a push names it).
    static func refs(_ refs: String, pointAt commit: String) -> Bool {
        refs.split(separator: "\n").contains { $0.split(separator: "\t").first.map(String.init) == commit }
    }

    func sync(distBase: String) async throws -> Result {
        let url = try remote().url
        let fm = FileManager.default
        if !fm.fileExists(atPath: mirror.path) {
            try fm.createDirectory(at: mirror, withIntermediateDirectories: true)
            _ = try await git(["init", "-q", "--bare", mirror.path])
        }
        _ = try await git(["-C", mirror.path, "fetch", "-q", "--prune", "--force", "--", url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"])
        let refs = try await git([
            "-C", mirror.path, "for-each-ref",
            "--format=%(refname)%09%(objectname)%09%(*objectname)%09%(committerdate:iso-strict)%09%(*committerdate:iso-strict)",
            "refs/heads", "refs/tags",
        ]).stdout

        var candidates: [(version: String, normalized: String, commit: String, time: String, manifest: JSONValue)] = []
        var skipped: [PackageSummary.Skipped] = []
        for line in refs.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { continue }
            let isTag = f[0].hasPrefix("refs/tags/")
            let ref = String(f[0].dropFirst(isTag ? 10 : 11))
            let commit = f[2].isEmpty ? f[1] : f[2]
            let time = f[4].isEmpty ? f[3] : f[4]
            let version: String, normalized: String
            if isTag {
                guard let n = try? ComposerVersion.normalize(ref), !ComposerVersion.isDev(n) else {
                    skipped.append(.init(version: ref, reason: "tag is not a valid Composer version"))
                    continue
                }
                (version, normalized) = (ref, n)
            } else {
                if let only = repo.branches, !only.contains(ref) { continue }
                (version, normalized) = ComposerVersion.branchVersion(ref)
            }
            guard let manifest = try await composerJSON(commit) else {
                skipped.append(.init(version: version, reason: "no valid composer.json at \(ref)"))
                continue
            }
            candidates.append((version, normalized, commit, time, manifest))
        }
        let named = candidates.sorted { !ComposerVersion.isDev($0.normalized) && ComposerVersion.isDev($1.normalized) }
        guard let name = named.first?.manifest["name"]?.stringValue else {
            throw FerryError(.failed, "\(repo.url): no tag or branch has a composer.json with a \"name\"")
        }

        var versions: [JSONValue] = []
        for c in candidates {
            guard c.manifest["name"]?.stringValue == name else {
                skipped.append(.init(version: c.version, reason: "composer.json names \(c.manifest["name"]?.plainText ?? "nothing"), not \(name)"))
                continue
            }
            let (sha1, _) = try await dist(commit: c.commit)
            guard case .object(var v) = c.manifest else { continue }
            for key in ["version", "repositories", "config", "minimum-stability", "prefer-stable", "extra.branch-alias-ignored"] { v[key] = nil }
            v["name"] = .string(name)
            v["version"] = .string(c.version)
            v["version_normalized"] = .string(c.normalized)
            v["time"] = .string(c.time)
            v["source"] = .object(["type": .string("git"), "url": .string(repo.url), "reference": .string(c.commit)])
            v["dist"] = .object([
                "type": .string("zip"), "url": .string("\(distBase)/dists/\(name)/\(c.commit).zip"), "reference": .string(c.commit), "shasum": .string(sha1),
            ])
            versions.append(.object(v))
        }
        versions.sort { ComposerVersion.isNewer($0["version_normalized"]!.plainText, than: $1["version_normalized"]!.plainText) }
        let stable = versions.first { !ComposerVersion.isDev($0["version_normalized"]!.plainText) }
        let newestTime = candidates.compactMap { ISO8601DateFormatter().date(from: $0.time) }.max()
        return Result(
            name: name, versions: versions, skipped: skipped, summary: stable ?? versions.first ?? .null,
            latest: stable?["version"]?.stringValue, lastUpdated: newestTime)
    }

    /// The commit's composer.json when it is a JSON object with a valid lower-case `vendor/name`.
    private func composerJSON(_ commit: String) async throws -> JSONValue? {
        guard GitRefName.isCommit(commit), let out = try? await git(["-C", mirror.path, "show", "\(commit):composer.json"]) else { return nil }
        guard let json = JSONText.parse(Array(out.stdout.utf8)), let name = json["name"]?.stringValue,
              PackageName.isValid(name)
        else { return nil }
        return json
    }

    /// The commit's zip in the dist cache (made once), with its sha1 and size.
    func dist(commit: String) async throws -> (sha1: String, file: URL) {
        guard GitRefName.isCommit(commit) else { throw FerryError(.failed, "\(repo.url): \"\(commit.prefix(80))\" is not a commit id") }
        let file = Self.distCache(context.stateDirectory, commit: commit)
        let fm = FileManager.default
        if !fm.fileExists(atPath: file.path) {
            try fm.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temp = file.deletingLastPathComponent().appendingPathComponent(".\(commit).\(UUID().uuidString).zip")
            _ = try await git(["-C", mirror.path, "archive", "--format=zip", "-o", temp.path, commit])
            _ = try? fm.removeItem(at: file)
            try fm.moveItem(at: temp, to: file)
        }
        let data = try Data(contentsOf: file)
        return (Insecure.SHA1.hash(data: data).map { String(format: "%02x", $0) }.joined(), file)
    }
}
