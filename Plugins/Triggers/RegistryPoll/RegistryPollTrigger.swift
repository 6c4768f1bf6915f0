import FerryCore
import Foundation

/// The `registry-poll` trigger: asks an upstream every `interval` what it holds now and fires
/// only when that changed, carrying the new version as the jobs' revision (and, through
/// `params`, as their parameters) so each job builds exactly what was seen.
///
/// One watcher per binding. Its cursor (last delivered version, ETag, Last-Modified, failure
/// count) lives in the binding's records, so a restart neither fires again for a version it
/// delivered nor misses one that appeared meanwhile. Each firing uses `<upstream>@<version>` as
/// its delivery id, so the dispatcher stores a repeat as a duplicate. Failed checks back off
/// (0.5 s doubling to 15 min) and show on the binding's status.
public struct RegistryPollTrigger: WatchTrigger {
    public static let kind = "registry-poll"
    public static let mode = TriggerMode.watch
    public init() {}

    /// Nested sections carry no defaults: the validator would otherwise add every upstream
    /// section to every config. `PollConfig` applies them.
    public var schema: ConfigSchema {
        .object([
            .init("interval", .string("How often to ask (at least 30s)", default: "5m", format: .duration)),
            .init("npm", .object([
                .init("registry", .string("Registry base URL", format: .url)),
                .init("package", .string("Package name, scoped or not")),
                .init("distTag", .string("Dist-tag to follow (default latest)")),
            ], required: ["registry", "package"], "An npm package's packument")),
            .init("composer", .object([
                .init("url", .string("Repository base URL (where packages.json is)", format: .url)),
                .init("package", .string("vendor/name; without it, any change of packages.json counts")),
            ], required: ["url"], "A Composer repository or one of its packages")),
            .init("wordpress", .object([
                .init("api", .string("WordPress.org API base (https://api.wordpress.org)", format: .url)),
                .init("plugins", .array(.string(), "Plugin slugs")),
            ], required: ["plugins"], "WordPress.org plugins, by the info API")),
            .init("oci", .object([
                .init("registry", .string("Registry base URL", format: .url)),
                .init("repository", .string("Repository name (acme/app)")),
                .init("semver", .string("Tag policy: a semver range; the highest match wins")),
                .init("regex", .string("Tag policy: a regex; the highest match wins")),
            ], required: ["registry", "repository"], "An OCI/Docker registry repository's tags")),
            .init("git", .object([
                .init("url", .string("Remote URL")),
                .init("branch", .string("Branch to follow (default main)")),
                .init("tokenEnv", .string("Env key of the bound workload holding an access token for a private https remote (default GIT_TOKEN)")),
            ], required: ["url"], "A git remote branch, by git ls-remote")),
            .init("auth", .object([
                .init("env", .string("Env key of the bound workload holding the credential (never the value)")),
                .init("header", .string("Header to send (default Authorization)")),
                .init("prefix", .string("Written before the value (default \"Bearer \")")),
            ], required: ["env"], "Credential for the upstream, sent only to its origin and only over https (or http to loopback)")),
            .init("allowInsecure", .boolean("Send the credential even over plain http to a host off this machine (a trusted network only)", default: false)),
            .init("params", .map(.string(), "Job parameters; $version and $revision are replaced")),
        ])
    }

    /// Without the host's policy, a local git repository counts as outside every root.
    public func validate(config: JSONValue) throws { try validate(config: config, git: GitPolicy()) }

    public func validate(config: JSONValue, git: GitPolicy) throws { _ = try PollConfig(config, git: git) }

    public func watch(_ context: any WatchContext) async throws {
        let config = try PollConfig(context.binding.config, git: context.git)
        var poller = Poller(config: config, state: try PollState.load(context.records, key: config.upstream.key))
        while true {
            try Task.checkCancellation()
            let wait = try await poller.poll(context)
            let jitter = poller.state.failures == 0 ? Double.random(in: 0...(config.interval * 0.1)) : 0
            try await context.sleep(until: context.now.addingTimeInterval(wait + jitter))
        }
    }
}
