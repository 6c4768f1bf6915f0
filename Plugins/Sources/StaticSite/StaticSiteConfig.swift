import FerryCore
import Foundation

/// The `source.config` of a static-site workload, decoded from the validated JSON.
///
/// The validator already fills in schema defaults, but the engine, tests or an older stored spec
/// may hand over a config without them, so every optional field decodes with its default too.
/// The checks that the schema cannot express (folder shape, branch name, the repository URL as
/// `GitRemote` checks it against the host's `GitPolicy`) live in `validate(git:)`; they run when
/// the workload is applied and again before any git command sees a value.
struct StaticSiteConfig: Decodable, Sendable, Equatable {
    var repo: String
    var branch: String
    var folder: String
    var markdown: Bool
    var tokenEnv: String
    /// Lets the token travel over plain http to a host off this machine (a trusted network).
    var allowInsecure: Bool

    static let defaultBranch = "main"
    static let defaultTokenEnv = "GIT_TOKEN"

    init(repo: String, branch: String = defaultBranch, folder: String = "", markdown: Bool = false, tokenEnv: String = defaultTokenEnv,
         allowInsecure: Bool = false) {
        self.repo = repo
        self.branch = branch
        self.folder = folder
        self.markdown = markdown
        self.tokenEnv = tokenEnv
        self.allowInsecure = allowInsecure
    }

    private enum CodingKeys: String, CodingKey { case repo, branch, folder, markdown, tokenEnv, allowInsecure }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            repo: try c.decode(String.self, forKey: .repo),
            branch: try c.decodeIfPresent(String.self, forKey: .branch) ?? Self.defaultBranch,
            folder: try c.decodeIfPresent(String.self, forKey: .folder) ?? "",
            markdown: try c.decodeIfPresent(Bool.self, forKey: .markdown) ?? false,
            tokenEnv: try c.decodeIfPresent(String.self, forKey: .tokenEnv) ?? Self.defaultTokenEnv,
            allowInsecure: try c.decodeIfPresent(Bool.self, forKey: .allowInsecure) ?? false)
    }

    /// Decodes and checks a workload's config, turning decoding errors into field-named input errors.
    static func load(from config: JSONValue, git: GitPolicy) throws -> StaticSiteConfig {
        let decoded: StaticSiteConfig
        do {
            decoded = try config.decode(StaticSiteConfig.self)
        } catch {
            throw FerryError(
                .invalidInput, "source.config: expected an object with at least \"repo\" (a git URL); \(error)",
                field: "source.config", cause: error)
        }
        try decoded.validate(git: git)
        return decoded
    }

    /// Rejects values that would be unsafe or meaningless on a git command line.
    func validate(git: GitPolicy) throws {
        _ = try remote(git: git)
        try Self.checkBranch(branch)
        _ = try folderComponents()
    }

    /// Where a token goes instead of the URL, for the message that refuses `user:token@`.
    var credentialHint: String {
        "put the token in a workload env entry (a secret) and name it in source.config.tokenEnv (now \(tokenEnv))"
    }

    /// The repository as `GitRemote` checks it: no credentials, no option-like value, no other
    /// transport, and a local repository only under the host's `git.fileRoots`.
    /// A site is fetched over http(s) or from a file URL only: the token is an http header,
    /// and an ssh key of the server's user should not be lent to any workload file.
    func remote(git: GitPolicy) throws(FerryError) -> GitRemote {
        let remote = try git.remote(repo, field: "source.config.repo", credentialHint: credentialHint)
        guard [.https, .http, .file].contains(remote.transport), repo.contains("://") else {
            throw FerryError.invalid("source.config.repo", "expected an https, http or file URL of a git repository")
        }
        return remote
    }

    /// The repo URL without user or password, for messages, logs and build meta.
    var redactedRepo: String {
        guard var parts = URLComponents(string: repo), parts.user != nil || parts.password != nil else { return repo }
        parts.user = nil
        parts.password = nil
        return parts.string ?? "the configured repository"
    }

    /// The published folder as path components; empty for the repository root.
    ///
    /// `""`, `"."` and `"./"` mean the root; absolute paths and `..` are refused so the build can
    /// never reach outside the checkout.
    func folderComponents() throws -> [String] {
        let field = "source.config.folder"
        if folder.hasPrefix("/") {
            throw FerryError(.invalidInput, "\(field): must be a path inside the repository, not an absolute path (\"\(folder)\")", field: field)
        }
        if folder.contains("\0") || folder.contains("\\") {
            throw FerryError(.invalidInput, "\(field): use \"/\" to separate folders and no control characters", field: field)
        }
        let parts = folder.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if parts.contains("..") {
            throw FerryError(.invalidInput, "\(field): must not contain \"..\"; name a folder inside the repository", field: field)
        }
        if parts.contains(".git") {
            throw FerryError(.invalidInput, "\(field): the .git folder cannot be published", field: field)
        }
        return parts.filter { $0 != "." }
    }

    /// The folder as people wrote it, normalised (`public`, `docs/site`), or `.` for the root.
    var folderLabel: String {
        let parts = (try? folderComponents()) ?? []
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// Keeps a branch from being read as an option or a revision expression (`GitRefName`).
    static func checkBranch(_ branch: String) throws {
        try GitRefName.checkBranch(branch, field: "source.config.branch")
    }
}
