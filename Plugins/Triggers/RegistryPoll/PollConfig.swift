import FerryCore
import Foundation

/// A `registry-poll` binding's config, decoded and checked: exactly one upstream (`npm`,
/// `composer`, `wordpress`, `oci`, `git`), the interval (default 5m, never below 30 s), an
/// optional `auth` naming the env key of the bound workload that holds the credential, and
/// optional `params` for the jobs, where `$version` and `$revision` are replaced.
struct PollConfig: Sendable {
    static let floor: TimeInterval = 30

    var upstream: any Upstream
    var interval: TimeInterval
    var auth: Auth?
    /// Lets a credential cross plain http to a host off this machine (a trusted network).
    var allowInsecure: Bool
    var params: [String: String]

    struct Auth: Sendable {
        /// The env key (of the first bound workload) whose value is sent; never the value itself.
        var env: String
        var header: String
        /// Written before the value: `Bearer ` by default.
        var prefix: String
    }

    /// `git` is the host's policy a git upstream's URL is checked against.
    init(_ config: JSONValue, git: GitPolicy) throws {
        let kinds = ["npm", "composer", "wordpress", "oci", "git"].filter { config[$0] != nil && config[$0] != .null }
        guard kinds.count == 1, let kind = kinds.first, let section = config[kind] else {
            throw FerryError.invalid("config", "name exactly one upstream: npm, composer, wordpress, oci or git (got \(kinds.isEmpty ? "none" : kinds.joined(separator: ", ")))")
        }
        func string(_ key: String, required: Bool = true) throws -> String? {
            guard let value = section[key]?.stringValue, !value.isEmpty else {
                if required { throw FerryError.invalid("config.\(kind).\(key)", "required") }
                return nil
            }
            return value
        }
        let allowInsecure = config["allowInsecure"] == .bool(true)
        self.allowInsecure = allowInsecure
        switch kind {
        case "npm":
            upstream = NpmUpstream(registry: try string("registry")!, package: try string("package")!, distTag: try string("distTag", required: false) ?? "latest")
        case "composer":
            upstream = ComposerUpstream(url: try string("url")!, package: try string("package", required: false))
        case "wordpress":
            guard case .array(let list)? = section["plugins"], !list.isEmpty else {
                throw FerryError.invalid("config.wordpress.plugins", "list at least one plugin slug")
            }
            upstream = WordPressUpstream(api: try string("api", required: false) ?? "https://api.wordpress.org", plugins: list.compactMap(\.stringValue))
        case "oci":
            let semver = try string("semver", required: false), regex = try string("regex", required: false)
            upstream = OCIUpstream(
                registry: try string("registry")!, repository: try string("repository")!,
                policy: try TagPolicy(semver: semver, regex: regex, field: "config.oci"))
        default:
            upstream = try GitUpstream(
                url: try string("url")!, branch: try string("branch", required: false) ?? "main",
                tokenEnv: try string("tokenEnv", required: false), allowInsecure: allowInsecure, git: git)
        }
        let text = config["interval"]?.stringValue ?? "5m"
        guard let d = Duration.parse(text) else { throw FerryError.invalid("config.interval", "expected a duration like 30s, 5m or 12h") }
        interval = max(Self.floor, Double(d.components.seconds))
        if let a = config["auth"], a != .null {
            guard let env = a["env"]?.stringValue, !env.isEmpty else { throw FerryError.invalid("config.auth.env", "required: the env key holding the credential") }
            auth = Auth(env: env, header: a["header"]?.stringValue ?? "Authorization", prefix: a["prefix"]?.stringValue ?? "Bearer ")
            if let endpoint = upstream.endpoint, let refusal = CredentialTransport.refusal(
                toSend: "the credential in auth.env (\(env))", to: endpoint, allowInsecure: allowInsecure, field: "config.\(kind)") {
                throw refusal
            }
        }
        params = (config["params"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// The job parameters for a new version, with `$version` and `$revision` filled in.
    func jobParams(version: String, revision: Revision) -> JSONValue {
        .object(params.mapValues {
            .string($0.replacingOccurrences(of: "$version", with: version).replacingOccurrences(of: "$revision", with: revision.id))
        })
    }
}
