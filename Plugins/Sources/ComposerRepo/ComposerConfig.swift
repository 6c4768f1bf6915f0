import FerryCore
import Foundation

/// The `source.config` of a composer-repo workload: any mix of a WordPress.org upstream and git
/// repositories. Decoded from the validated JSON; checks the schema cannot express live in `load`.
struct ComposerConfig: Decodable, Sendable {
    struct WordPress: Decodable, Sendable {
        var plugins: [String]?
        var themes: [String]?
        /// Discover every plugin from the svn directory listing (`svn`) instead of a slug list.
        var listing: Bool?
        var api: String?
        var downloads: String?
        var svn: String?
        var themesSvn: String?
        /// Walk the info API's "recently updated" feed to find packages changed since the last sync.
        /// An accelerator only: without it, or when it fails, every package is checked.
        var changes: Bool?
        /// How often `update` checks every package against the info API even when the feed
        /// works, to catch what the feed dropped.
        var fullCheck: String?
        var concurrency: Int?
        var timeout: String?

        var apiBase: String { trimmed(api ?? "https://api.wordpress.org") }
        var downloadsBase: String { trimmed(downloads ?? "https://downloads.wordpress.org") }
        var svnBase: String { trimmed(svn ?? "https://plugins.svn.wordpress.org") }
        var themesSvnBase: String { trimmed(themesSvn ?? "https://themes.svn.wordpress.org") }
        var parallel: Int { max(1, min(concurrency ?? 8, 64)) }
        var requestTimeout: Duration { timeout.flatMap(Duration.parse) ?? .seconds(20) }
        var fullCheckInterval: Duration { fullCheck.flatMap(Duration.parse) ?? .seconds(24 * 3600) }
    }

    struct Vcs: Decodable, Sendable {
        var url: String
        /// Only these branches become `dev-` versions (default: every branch).
        var branches: [String]?
        /// The workload env entry (best a secret) holding a token for a private https repository;
        /// git gets it as a header, never in the URL (which every version's `source` publishes).
        var tokenEnv: String?
        /// The token may cross plain http to a host that is not loopback.
        var allowInsecure: Bool?

        /// Where credentials go instead: nowhere in the URL, which every version's `source`
        /// publishes to each client and the job log shows.
        static let credentialHint =
            "composer-repo publishes the URL in every version's source; put the token in the workload's env (a secret) and name it in tokenEnv, or use an ssh URL (the server user's key)"

        /// The URL as `GitRemote` checks it against the host's `git` policy.
        func remote(git: GitPolicy, field: String) throws(FerryError) -> GitRemote {
            try git.remote(url, field: field, credentialHint: Self.credentialHint)
        }
    }

    /// Security advisories to answer Composer's advisories API with.
    struct Advisories: Decodable, Sendable {
        /// A document in the advisories API's answer shape, read at each update.
        var url: String
    }

    var wordpress: WordPress?
    var vcs: [Vcs]?
    var advisories: Advisories?

    static let slugPattern = #"^[a-z0-9][a-z0-9._-]*$"#

    static func load(from value: JSONValue, git: GitPolicy) throws -> ComposerConfig {
        let config: ComposerConfig
        do { config = try value.decode(ComposerConfig.self) } catch {
            throw FerryError(.invalidInput, "source.config: expected { wordpress: {…}, vcs: [{url}] }; \(error)", field: "source.config", cause: error)
        }
        if config.wordpress == nil && (config.vcs ?? []).isEmpty {
            throw FerryError.invalid("source.config", "name at least one upstream: wordpress (plugins, themes or listing) or vcs (git repositories)")
        }
        if let wp = config.wordpress {
            for (field, slugs) in [("plugins", wp.plugins ?? []), ("themes", wp.themes ?? [])] {
                for (i, slug) in slugs.enumerated() where slug.firstMatch(of: try! Regex(slugPattern)) == nil {
                    throw FerryError.invalid("source.config.wordpress.\(field)[\(i)]", "\"\(slug)\" is not a WordPress.org slug (lower-case letters, digits, . _ -)")
                }
            }
            for (field, url) in [("api", wp.apiBase), ("downloads", wp.downloadsBase), ("svn", wp.svnBase)] {
                guard let scheme = URLComponents(string: url)?.scheme, ["http", "https"].contains(scheme) else {
                    throw FerryError.invalid("source.config.wordpress.\(field)", "expected an http(s) URL, got \"\(url)\"")
                }
            }
            if let t = wp.timeout, Duration.parse(t) == nil {
                throw FerryError.invalid("source.config.wordpress.timeout", "expected a duration like 20s, got \"\(t)\"")
            }
        }
        if let url = config.advisories?.url {
            guard let scheme = URLComponents(string: url)?.scheme, ["http", "https"].contains(scheme) else {
                throw FerryError.invalid("source.config.advisories.url", "expected an http(s) URL, got \"\(url)\"")
            }
        }
        for (i, repo) in (config.vcs ?? []).enumerated() {
            _ = try repo.remote(git: git, field: "source.config.vcs[\(i)].url")
            for (j, branch) in (repo.branches ?? []).enumerated() {
                try GitRefName.checkBranch(branch, field: "source.config.vcs[\(i)].branches[\(j)]")
            }
        }
        return config
    }

    static var schema: ConfigSchema {
        .object([
            .init("wordpress", .object([
                .init("plugins", .array(.string(pattern: slugPattern), "plugin slugs to publish as wp-plugin/<slug>")),
                .init("themes", .array(.string(pattern: slugPattern), "theme slugs to publish as wp-theme/<slug>")),
                .init("listing", .boolean("discover every plugin from the svn directory listing", default: false)),
                .init("api", .string("base URL of the WordPress.org API", default: "https://api.wordpress.org", format: .url)),
                .init("downloads", .string("base URL of the plugin and theme zips", default: "https://downloads.wordpress.org", format: .url)),
                .init("svn", .string("base URL of the plugin directory listing", default: "https://plugins.svn.wordpress.org", format: .url)),
                .init("changes", .boolean("find changed packages quickly from the API's recently-updated feed; without it, or when it fails, every package is checked", default: true)),
                .init("fullCheck", .string("how often every package is checked against the info API even when the feed works", default: "24h", format: .duration)),
                .init("concurrency", .integer("parallel info requests", default: 8, minimum: 1, maximum: 64)),
                .init("timeout", .string("time limit of one upstream request", default: "20s", format: .duration)),
            ], "WordPress.org plugins and themes")),
            .init("vcs", .array(.object([
                .init("url", .string("git URL of a repository holding a composer.json", format: .url)),
                .init("branches", .array(.string(), "branches published as dev- versions (default: all)")),
                .init("tokenEnv", .string("env entry (best a secret) with a token for a private https repository", pattern: "^[A-Za-z_][A-Za-z0-9_]*$")),
                .init("allowInsecure", .boolean("allow the token over plain http to a host that is not loopback", default: false)),
            ], required: ["url"]), "git repositories; each tag with a valid composer.json is a version")),
            .init("advisories", .object([
                .init("url", .string("a JSON document shaped like the advisories API's answer ({\"advisories\": {\"vendor/name\": [...]}}), read at each update", format: .url)),
            ], required: ["url"], "security advisories for composer audit")),
        ])
    }
}

private func trimmed(_ url: String) -> String {
    var url = url
    while url.hasSuffix("/") { url.removeLast() }
    return url
}
