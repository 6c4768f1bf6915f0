import FerryCore
import Foundation

/// One push, in the terms jobs and filters need, whichever forge sent it.
struct PushEvent: Sendable, Equatable {
    enum Ref: Sendable, Equatable {
        case branch(String)
        case tag(String)
    }

    var ref: Ref
    var fullRef: String
    var before: String?
    /// The commit the ref now points to: what a deploy must build, never "whatever the branch
    /// holds later".
    var after: String?
    /// The ref was removed (`after` all zeros, or GitHub's `deleted: true`): nothing to build.
    var deleted: Bool
    var pusher: String?
    /// Changed paths (added, modified, removed) across the pushed commits, sorted and unique;
    /// nil when the sender did not say, so a paths filter cannot be applied.
    var paths: [String]?
    var repository: String?
    var cloneURL: String?
    /// The sender said the push rewrote the ref's history (GitHub's `forced`). GitLab, Gitea and
    /// Forgejo do not say, so this is false for them.
    var forced = false
    /// The `timestamp` the sender lists for the pushed commit itself (ISO 8601, as sent), from
    /// `head_commit` or `commits`; nil when neither entry is that commit.
    var commitTimestamp: String?
}

/// Why a push body could not be used.
enum PushParseError: Error, Equatable {
    /// Not JSON, or missing what every push carries: the delivery is malformed.
    case malformed(String)
    /// A valid push of a ref that is neither a branch nor a tag (`refs/notes/…`): ignored.
    case unsupportedRef(String)
}

/// Turns push bodies into `PushEvent`s. GitHub, Gitea and Forgejo share GitHub's shape;
/// GitLab names the same facts differently (`user_username`, `project.path_with_namespace`).
enum PushParser {
    /// How many commits GitLab lists in a push body at most.
    static let gitLabCommitLimit = 20

    static func json(_ body: [UInt8]) throws(PushParseError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body)
        } catch {
            throw .malformed("body is not valid JSON")
        }
        guard case .object = value else { throw .malformed("body is not a JSON object") }
        return value
    }

    static func parse(_ body: JSONValue, sender: WebhookSender) throws(PushParseError) -> PushEvent {
        guard let fullRef = body["ref"]?.stringValue else { throw .malformed("push body has no \"ref\"") }
        let ref: PushEvent.Ref
        if fullRef.hasPrefix("refs/heads/") {
            ref = .branch(String(fullRef.dropFirst("refs/heads/".count)))
        } else if fullRef.hasPrefix("refs/tags/") {
            ref = .tag(String(fullRef.dropFirst("refs/tags/".count)))
        } else {
            throw .unsupportedRef(fullRef)
        }
        let after: String?
        let pusher: String?
        let repository: String?
        let cloneURL: String?
        var paths = changedPaths(body["commits"])
        // An annotated tag's `after` is the tag object; builds want the commit it points to.
        let peeled = sender.sendsGitHubStylePayload ? body[path: "head_commit.id"] : body["checkout_sha"]
        let isTag = if case .tag = ref { true } else { false }
        if sender.sendsGitHubStylePayload {
            after = (isTag ? nonEmpty(peeled) : nil) ?? nonEmpty(body["after"]) ?? nonEmpty(body[path: "head_commit.id"])
            pusher = nonEmpty(body[path: "pusher.name"]) ?? nonEmpty(body[path: "pusher.login"])
                ?? nonEmpty(body[path: "pusher.username"])
            repository = nonEmpty(body[path: "repository.full_name"])
            cloneURL = nonEmpty(body[path: "repository.clone_url"])
        } else {
            after = (isTag ? nonEmpty(peeled) : nil) ?? nonEmpty(body["after"]) ?? nonEmpty(body["checkout_sha"])
            pusher = nonEmpty(body["user_username"]) ?? nonEmpty(body["user_name"])
            repository = nonEmpty(body[path: "project.path_with_namespace"])
            cloneURL = nonEmpty(body[path: "project.git_http_url"]) ?? nonEmpty(body[path: "repository.git_http_url"])
            // GitLab lists at most 20 commits; when it truncated, the path list is incomplete and
            // a paths filter could wrongly refuse the push, so the paths count as unknown.
            if case .number(let total) = body["total_commits_count"], case .array(let listed) = body["commits"],
                listed.count >= gitLabCommitLimit, total > Double(listed.count)
            {
                paths = nil
            }
        }
        let deleted = body["deleted"] == .bool(true) || nonEmpty(body["after"]).map(isZeroSHA) == true
            || after.map(isZeroSHA) == true
        return PushEvent(
            ref: ref, fullRef: fullRef, before: nonEmpty(body["before"]), after: deleted ? nil : after,
            deleted: deleted, pusher: pusher, paths: deleted ? nil : paths, repository: repository,
            cloneURL: cloneURL, forced: body["forced"] == .bool(true),
            commitTimestamp: deleted ? nil : after.flatMap { timestamp(of: $0, in: body) })
    }

    /// The timestamp listed with `commit`, looked for only in entries whose `id` is that commit:
    /// another commit's time would make the staleness check compare the wrong thing.
    static func timestamp(of commit: String, in body: JSONValue) -> String? {
        var entries: [JSONValue] = body["head_commit"].map { [$0] } ?? []
        if case .array(let commits) = body["commits"] { entries += commits }
        let entry = entries.first { $0["id"]?.stringValue == commit }
        return entry.flatMap { nonEmpty($0["timestamp"]) }
    }

    /// The union of every commit's added/modified/removed lists, or nil when the body has no
    /// commits or none of them lists files (GitLab system hooks, tag pushes).
    static func changedPaths(_ commits: JSONValue?) -> [String]? {
        guard case .array(let list) = commits, !list.isEmpty else { return nil }
        var found = Set<String>()
        var listsFiles = false
        for commit in list {
            for key in ["added", "modified", "removed"] {
                guard case .array(let files) = commit[key] else { continue }
                listsFiles = true
                for file in files { if let path = file.stringValue { found.insert(path) } }
            }
        }
        return listsFiles ? found.sorted() : nil
    }

    static func isZeroSHA(_ sha: String) -> Bool {
        !sha.isEmpty && sha.allSatisfy { $0 == "0" }
    }

    private static func nonEmpty(_ value: JSONValue?) -> String? {
        guard let s = value?.stringValue, !s.isEmpty else { return nil }
        return s
    }
}
