import FerryCore
import Foundation

/// Talks to the git repository of one workload through the `git` command the context runs.
///
/// The repository is checked again (`GitRemote`, against the context's `git.fileRoots`) before
/// the first command: a stored config may predate the server's current roots. Every command
/// gets the same environment: the remote's own (`GIT_TERMINAL_PROMPT=0` so git fails instead of
/// waiting for a password nobody will type, `GIT_ALLOW_PROTOCOL` limited to the repo's own
/// transport, so no `ext::` or redirect to another one) and, for a private http(s) repo, the
/// access token as an `http.extraHeader` passed through `GIT_CONFIG_*` — never on the command
/// line or in the URL, where it would show up in process lists, logs and error messages. User
/// values come after `--` wherever git's syntax allows it.
struct GitFetcher: Sendable {
    let config: StaticSiteConfig
    let context: any SourceContext
    let remote: GitRemote

    init(config: StaticSiteConfig, context: any SourceContext) throws {
        try StaticSiteConfig.checkBranch(config.branch)
        self.config = config
        self.context = context
        remote = try config.remote(git: context.git)
    }

    /// A commit as git prints it: 7 to 64 lower-case hex digits (sha1 or sha256, maybe abbreviated).
    static func isCommit(_ value: String) -> Bool { GitRefName.isCommit(value) }

    /// The environment for every git command, built from the config and the workload's env.
    var environment: [String: String] {
        get throws {
            try remote.environment(token: context.env[config.tokenEnv], allowInsecure: config.allowInsecure, field: "source.config.repo")
        }
    }

    /// The commit the branch points at upstream, asked with `git ls-remote` (no clone needed).
    func branchHead() async throws -> String {
        let ref = "refs/heads/\(config.branch)"
        let output = try await git(["ls-remote", "--", remote.url, ref], in: nil, doing: "list the branches of \(config.redactedRepo)")
        for line in output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2, fields[1] == ref, Self.isCommit(String(fields[0])) { return String(fields[0]) }
        }
        throw FerryError(.failed, "branch \"\(config.branch)\" not found in \(config.redactedRepo); push it or set source.config.branch to an existing branch")
    }

    /// Checks out exactly `commit` into `directory` (created fresh) and returns the full commit id.
    ///
    /// Order: a shallow fetch of the bare commit (GitHub, Gitea, GitLab and git's protocol v2
    /// allow it), then the branch, then every branch and tag when the server refuses unadvertised
    /// objects or the commit is abbreviated. The checkout is detached and verified with
    /// `rev-parse HEAD`, so a branch that moved on meanwhile cannot change what is built.
    ///
    /// A checkout of this repository left in `directory` by an earlier deploy is reused: only the
    /// objects the new commit adds are fetched and only the files that differ are rewritten
    /// (`checkout -f`, then `clean -ffdx` of anything else). Should reusing it fail in any way,
    /// the folder is made afresh and the checkout done once more from nothing.
    func checkout(commit: String, into directory: URL) async throws -> String {
        guard Self.isCommit(commit) else {
            throw FerryError(.invalidInput, "params.commit: \"\(commit)\" is not a commit id (7 to 64 hex digits)", field: "params.commit")
        }
        if await reusable(directory) {
            do { return try await checkoutCommit(commit, in: directory) } catch is CancellationError {
                throw CancellationError()
            } catch {
                context.log("the checkout kept from the last deploy could not be reused (\(error)); checking out afresh")
            }
        }
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = try await git(["-c", "init.defaultBranch=main", "init", "-q"], in: directory, doing: "create a git repository")
        _ = try await git(["remote", "add", "--", "origin", remote.url], in: directory, doing: "add the remote")
        return try await checkoutCommit(commit, in: directory)
    }

    /// Whether `directory` holds a git checkout whose origin is this workload's repository.
    private func reusable(_ directory: URL) async -> Bool {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(".git").path) else { return false }
        let url = try? await git(["remote", "get-url", "origin"], in: directory, doing: "read the remote")
        return url?.trimmingCharacters(in: .whitespacesAndNewlines) == remote.url
    }

    private func checkoutCommit(_ commit: String, in directory: URL) async throws -> String {

        var full: String? = nil
        var fetchError: FerryError? = nil
        var fetchedAnything = false
        if GitRefName.isFullCommit(commit) {
            do {
                _ = try await git(["fetch", "--depth", "1", "--no-tags", "--", "origin", commit], in: directory, doing: "fetch \(commit)")
                full = commit
            } catch let error as FerryError {
                fetchError = error
                context.log("the server did not hand out \(commit) by id; fetching branch \"\(config.branch)\" instead")
            }
        }
        let fallbacks: [(refspecs: [String], what: String)] = [
            (["+refs/heads/\(config.branch):refs/remotes/origin/\(config.branch)"], "branch \"\(config.branch)\""),
            (["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"], "every branch and tag"),
        ]
        for fallback in fallbacks where full == nil {
            try context.checkCancellation()
            do {
                _ = try await git(["fetch", "--no-tags", "--", "origin"] + fallback.refspecs, in: directory, doing: "fetch \(fallback.what)")
            } catch let error as FerryError {
                fetchError = error
                continue
            }
            fetchedAnything = true
            full = try? await git(["rev-parse", "--verify", "--quiet", "\(commit)^{commit}"], in: directory, doing: "find \(commit)")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let full, GitRefName.isFullCommit(full), full.hasPrefix(commit) else {
            if !fetchedAnything, let fetchError { throw fetchError }
            throw FerryError(.failed, "commit \(commit) not found in \(config.redactedRepo); it may have been force-pushed away — deploy the branch head or another existing commit")
        }
        try context.checkCancellation()
        _ = try await git(["-c", "advice.detachedHead=false", "checkout", "-q", "-f", "--detach", full], in: directory, doing: "check out \(full)")
        _ = try await git(["clean", "-q", "-ffdx"], in: directory, doing: "remove files the commit does not have")
        // A ref, so the next fetch tells the server what is here (a detached HEAD alone is not
        // offered in negotiation, and the server would send the whole tree again).
        _ = try await git(["update-ref", "refs/ferry/checked-out", full], in: directory, doing: "remember \(full)")
        let head = try await git(["rev-parse", "HEAD"], in: directory, doing: "read HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
        guard head == full else {
            throw FerryError(.failed, "checked out \(head) but \(full) was asked for; retry the deploy")
        }
        return full
    }

    /// The paths (relative to the repository) that differ between `base` and the commit checked
    /// out in `directory`, from `git diff --name-status`; nil when the base commit cannot be had
    /// (history rewritten, a server that refuses it), and the build then writes every file. The
    /// base is fetched shallow and, where the server allows it, without file contents.
    func changedPaths(since base: String, in directory: URL) async -> Set<String>? {
        guard Self.isCommit(base) else { return nil }
        var fetched = (try? await git(["cat-file", "-e", "\(base)^{commit}"], in: directory, doing: "look for \(base)")) != nil
        for filter in [["--filter=blob:none"], []] where !fetched {
            fetched = (try? await git(["fetch", "--depth", "1", "--no-tags"] + filter + ["--", "origin", base], in: directory, doing: "fetch \(base)")) != nil
        }
        guard fetched,
              let output = try? await git(["diff", "--no-renames", "--name-status", "-z", base, "HEAD"], in: directory, doing: "compare with \(base)")
        else { return nil }
        // -z: status NUL path NUL, repeated.
        let fields = output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        var changed = Set<String>()
        var i = 0
        while i + 1 < fields.count {
            changed.insert(fields[i + 1])
            i += 2
        }
        return changed
    }

    /// Runs one git command; a failure becomes a `FerryError` that says which step failed.
    private func git(_ arguments: [String], in directory: URL?, doing step: String) async throws -> String {
        let environment = try self.environment
        do {
            return try await context.run(["git"] + arguments, in: directory, environment: environment).stdout
        } catch let error as FerryError {
            var hint = ""
            if remote.takesToken { hint = "; check the URL and, for a private repository, the \(config.tokenEnv) env entry" }
            throw FerryError(.failed, "git could not \(step): \(error.message)\(hint)", cause: error)
        }
    }
}
