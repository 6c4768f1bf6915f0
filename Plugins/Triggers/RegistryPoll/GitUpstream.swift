import FerryCore
import Foundation

/// A git remote branch, for repositories that cannot send webhooks: `git ls-remote` names its
/// head commit; the revision is `branch@sha1:<commit>`.
struct GitUpstream: Upstream {
    var url: String
    var branch: String

    var key: String { "git:\(url)#\(branch)" }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        let ref = "refs/heads/\(branch)"
        let output = try await c.run(["git", "ls-remote", "--", url, ref], ["GIT_TERMINAL_PROMPT": "0"])
        guard let line = output.stdout.split(separator: "\n").first(where: { $0.hasSuffix("\t\(ref)") }),
            let commit = line.split(separator: "\t").first
        else { throw FerryError(.unavailable, "\(url) has no branch \(branch)") }
        let revision = Revision.git(branch: branch, commit: String(commit))
        return UpstreamAnswer(
            version: String(commit), revision: revision, label: revision.label,
            details: .object(["branch": .string(branch), "commit": .string(String(commit))]))
    }
}
