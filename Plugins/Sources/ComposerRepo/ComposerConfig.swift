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

    /// An upstream Composer v2 repository mirrored lazily (PACKAGE.broker's use): p2 files and
    /// dists are fetched on first request and served from the cache from then on.
    struct Proxy: Decodable, Sendable, Equatable {
        var url: String
        /// Only these package names are proxied (`laravel/*`, `acme/tool`); others are 404
        /// without an upstream request, so a typo never leaks a name to the upstream.
        var packages: [String]
        /// The env entry (best a secret) with the upstream's credential: `user:password` for
        /// HTTP basic (Composer's `http-basic`), anything else is sent as a bearer token.
        var authEnv: String?
        /// How long a cached p2 file is served before the upstream is asked again (conditionally).
        var ttl: String?
        var allowInsecure: Bool?

        var base: String { trimmed(url) }
        var patterns: [StarPattern] { packages.map(StarPattern.init) }
        var freshFor: Duration { ttl.flatMap(Duration.parse) ?? .seconds(300) }
        func offers(_ name: String) -> Bool { patterns.contains { $0.matches(name) } }
    }

    var wordpress: WordPress?
    var vcs: [Vcs]?
    var advisories: Advisories?
    var proxy: [Proxy]?

    static let slugPattern = #"^[a-z0-9][a-z0-9._-]*$"#

    static func load(from value: JSONValue, git: GitPolicy) throws -> ComposerConfig {
        let config: ComposerConfig
        do { config = try value.decode(ComposerConfig.self) } catch {
            throw FerryError(.invalidInput, "source.config: expected { wordpress: {…}, vcs: [{url}] }; \(error)", field: "source.config", cause: error)
        }
        if config.wordpress == nil && (config.vcs ?? []).isEmpty && (config.proxy ?? []).isEmpty {
            throw FerryError.invalid("source.config", "name at least one upstream: wordpress (plugins, themes or listing), vcs (git repositories) or proxy (Composer repositories)")
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
        for (i, proxy) in (config.proxy ?? []).enumerated() {
            try checkProxy(proxy, field: "source.config.proxy[\(i)]")
        }
        for (i, repo) in (config.vcs ?? []).enumerated() {
            _ = try repo.remote(git: git, field: "source.config.vcs[\(i)].url")
            for (j, branch) in (repo.branches ?? []).enumerated() {
                try GitRefName.checkBranch(branch, field: "source.config.vcs[\(i)].branches[\(j)]")
            }
        }
        return config
    }

    private static func checkProxy(_ proxy: Proxy, field: String) throws {
        guard let parts = URLComponents(string: proxy.base), let scheme = parts.scheme, ["http", "https"].contains(scheme), parts.host?.isEmpty == false,
              parts.user == nil, parts.password == nil
        else {
            let shown = URLComponents(string: proxy.base)?.user == nil ? "\"\(proxy.url)\"" : "a URL with credentials in it"
            throw FerryError.invalid("\(field).url", "expected an http(s) URL without credentials in it (put those in the env and name them in authEnv), got \(shown)")
        }
        if proxy.packages.isEmpty {
            throw FerryError.invalid("\(field).packages", "name the packages to proxy, for example [\"laravel/*\", \"acme/*\"]")
        }
        for (j, pattern) in proxy.packages.enumerated() where pattern.firstMatch(of: try! Regex(namePattern)) == nil {
            throw FerryError.invalid("\(field).packages[\(j)]", "\"\(pattern)\" is not a package name or pattern (vendor/name, * for any run of characters)")
        }
        if let ttl = proxy.ttl, Duration.parse(ttl) == nil {
            throw FerryError.invalid("\(field).ttl", "expected a duration like 5m, got \"\(ttl)\"")
        }
        if proxy.authEnv != nil, let refusal = CredentialTransport.refusal(toSend: "the proxy credential", to: proxy.base, allowInsecure: proxy.allowInsecure ?? false, field: "\(field).url") {
            throw refusal
        }
    }

    static let namePattern = #"^[a-z0-9*][a-z0-9_.*-]*/[a-z0-9*][a-z0-9_.*-]*$"#

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
            .init("proxy", .array(.object([
                .init("url", .string("base URL of a Composer v2 repository (Packagist, a Satis, a private Packagist)", format: .url)),
                .init("packages", .array(.string(pattern: namePattern), "package names or patterns served from it (laravel/*, acme/tool)")),
                .init("authEnv", .string("env entry (best a secret) with the upstream credential: user:password or a bearer token", pattern: "^[A-Za-z_][A-Za-z0-9_]*$")),
                .init("ttl", .string("how long a fetched p2 file is served before the upstream is asked again", default: "5m", format: .duration)),
                .init("allowInsecure", .boolean("allow the credential over plain http to a host that is not loopback", default: false)),
            ], required: ["url", "packages"]), "upstream Composer repositories mirrored lazily: fetched on first request, then served from the cache")),
        ])
    }
}

private func trimmed(_ url: String) -> String {
    var url = url
    while url.hasSuffix("/") { url.removeLast() }
    return url
}
