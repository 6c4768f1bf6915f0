import FerryCore
import Foundation

/// A git remote branch, for repositories that cannot send webhooks: `git ls-remote` names its
/// head commit; the revision is `branch@sha1:<commit>`.
///
/// The URL is a checked `GitRemote` (no credentials, no option-like value, no other transport,
/// a local repository only under the host's `git.fileRoots`) and the branch a plain branch
/// name, both refused when the binding is stored; `ls-remote` gets them after `--`, with the
/// remote's environment. A private http(s) repository's token comes from the bound workload's
/// env entry `tokenEnv` and reaches git as an `http.extraHeader` in `GIT_CONFIG_*`, never in
/// the URL or the arguments.
struct GitUpstream: Upstream {
    var remote: GitRemote
    var branch: String
    var tokenEnv: String
    /// The binding's `allowInsecure`: the token may cross plain http to another host.
    var allowInsecure: Bool

    static let defaultTokenEnv = "GIT_TOKEN"

    /// Checks `config.git`'s values; errors name the field (`config.git.url`).
    init(url: String, branch: String, tokenEnv: String?, allowInsecure: Bool = false, git: GitPolicy) throws {
        let tokenEnv = tokenEnv ?? Self.defaultTokenEnv
        remote = try git.remote(
            url, field: "config.git.url",
            credentialHint: "put the token in the bound workload's env (a secret) and name it in config.git.tokenEnv (now \(tokenEnv))")
        try GitRefName.checkBranch(branch, field: "config.git.branch")
        self.branch = branch
        self.tokenEnv = tokenEnv
        self.allowInsecure = allowInsecure
    }

    var url: String { remote.url }
    var endpoint: String? { nil }
    var key: String { "git:\(url)#\(branch)" }

    /// The remote's environment, with the token header when there is a token to send.
    func environment(token: String?) throws -> [String: String] {
        try remote.environment(token: token, allowInsecure: allowInsecure, field: "config.git.url")
    }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        let ref = "refs/heads/\(branch)"
        let output = try await c.run(["git", "ls-remote", "--", url, ref], try environment(token: c.env(tokenEnv)))
        guard let line = output.stdout.split(separator: "\n").first(where: { $0.hasSuffix("\t\(ref)") }),
            let commit = line.split(separator: "\t").first, GitRefName.isCommit(String(commit))
        else { throw FerryError(.unavailable, "\(url) has no branch \(branch)") }
        let revision = Revision.git(branch: branch, commit: String(commit))
        return UpstreamAnswer(
            version: String(commit), revision: revision, label: revision.label,
            details: .object(["branch": .string(branch), "commit": .string(String(commit))]))
    }
}
