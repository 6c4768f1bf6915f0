import FerryCore
import Foundation

/// The `static-site` source: publishes a folder of a git repository as a website under
/// `/sites/{workload}/`, optionally rendering Markdown to HTML.
///
/// Lifecycle, as the engine drives it: `resolve` names the commit (the one a push or the
/// `commit` parameter gave, else the branch head via `git ls-remote`) → `run("deploy")` checks
/// out exactly that commit in the job's scratch directory and copies the folder into the build
/// directory → the engine writes the manifest, verifies and activates → `observe` and `serve`
/// work from the live build only. Register one instance in the composition root:
/// `registry.register(StaticSiteSource())`.
public struct StaticSiteSource: SourcePlugin {
    public static let kind = "static-site"
    public static let mount = "sites"

    /// Has no side effects; the plugin keeps no state between calls.
    public init() {}

    /// The config people write under `source.config`; `repo` is the only required field.
    public var schema: ConfigSchema {
        .object([
            .init("repo", .string("https, http or file URL of the git repository", format: .url)),
            .init("branch", .string("branch to publish; pushes to other branches are ignored", default: StaticSiteConfig.defaultBranch)),
            .init("folder", .string("the folder within the repo to publish; \"\" or \".\" = repo root", default: "")),
            .init("markdown", .boolean("render *.md to HTML pages (index.md or README.md becomes the folder's index.html)", default: false)),
            .init("tokenEnv", .string("name of the workload env entry holding an access token for a private https repo", default: StaticSiteConfig.defaultTokenEnv)),
            .init("allowInsecure", .boolean("send the token even over plain http to a host off this machine (a trusted network only)", default: false)),
        ], required: ["repo"])
    }

    /// Only `deploy`: building a site is cheap enough that there is nothing else to offer.
    public var actions: [ActionDescriptor] {
        [
            ActionDescriptor(
                name: "deploy",
                description: "check out a commit of the branch and publish the folder as the new live build",
                params: .object([
                    .init("commit", .string("exact commit to build; default: the branch head", pattern: "^[0-9a-f]{7,64}$")),
                ]),
                producesBuild: true,
                idempotent: true),
        ]
    }

    /// Refuses at apply what git must never see: a repository URL with credentials, an option,
    /// another transport or a local path outside `git.fileRoots`; a bad branch or folder.
    public func validate(config: JSONValue, git: GitPolicy) throws {
        _ = try StaticSiteConfig.load(from: config, git: git)
    }

    /// The commit `params.commit` names (as given, possibly abbreviated; `run` expands it), or
    /// the head of the configured branch as `git ls-remote` reports it.
    public func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? {
        let config = try StaticSiteConfig.load(from: context.workload.source.config, git: context.git)
        if let commit = params["commit"], !commit.isNull {
            guard let value = commit.stringValue?.lowercased(), GitFetcher.isCommit(value) else {
                throw FerryError(.invalidInput, "params.commit: expected a commit id of 7 to 64 hex digits", field: "params.commit")
            }
            return .git(branch: config.branch, commit: value)
        }
        let head = try await GitFetcher(config: config, context: context).branchHead()
        return .git(branch: config.branch, commit: head)
    }

    /// `deploy`: fetches exactly `revision` (resolving it first when nil), copies the folder into
    /// `context.buildDirectory` and returns `.built` with the commit, branch and file count.
    /// Throws `.invalidInput` for a bad config or commit and `.failed`, saying what to fix, when
    /// git or the repository's content lets the build down; the build directory is then unusable.
    public func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
        guard action == "deploy" else {
            throw FerryError(.invalidInput, "action: static-site has no action \"\(action)\"; use deploy", field: "action")
        }
        let config = try StaticSiteConfig.load(from: context.workload.source.config, git: context.git)
        let folder = try config.folderComponents()
        var wanted = revision
        if wanted == nil {
            context.progress(0, "resolving \(config.branch) of \(config.redactedRepo)")
            wanted = try await resolve(params: params, context: context)
        }
        guard let revision = wanted else {
            throw FerryError(.failed, "no commit to build; name one with --param commit=<sha>")
        }

        try context.checkCancellation()
        context.progress(0.05, "fetching \(revision.label)")
        // Kept between deploys (a workload's jobs never run at once), so the next one fetches and
        // rewrites only what changed.
        let checkout = context.stateDirectory.appendingPathComponent("checkout", isDirectory: true)
        let commit = try await GitFetcher(config: config, context: context).checkout(commit: revision.id, into: checkout)
        let label = Revision.git(branch: config.branch, commit: commit).label
        context.log("checked out \(label) from \(config.redactedRepo)")

        try context.checkCancellation()
        context.progress(0.4, "listing folder \"\(config.folderLabel)\"")
        guard let repoRoot = PathGuard.realPath(checkout.path) else {
            throw FerryError(.failed, "the checkout of \(label) disappeared; retry the deploy")
        }
        let tree = SiteTree(repoRoot: repoRoot, log: { context.log($0) })
        let root = try tree.folderRoot(folder, label: label)
        let files = try tree.files(under: root, checkCancellation: { try context.checkCancellation() })
        let plan = SiteCopier.plan(files, markdown: config.markdown, log: { context.log($0) })
        guard !plan.isEmpty else {
            throw FerryError(.failed, "folder \"\(config.folderLabel)\" at \(label) has no files to publish; the live site was left as it is")
        }

        let changed = await changes(config: config, checkout: checkout, context: context)
        let prefix = root == repoRoot ? "" : String(root.dropFirst(repoRoot.count + 1)) + "/"
        let toWrite = plan.filter { entry in
            guard let changed, !entry.render, entry.file.source == root + "/" + entry.file.relativePath,
                  !changed.contains(prefix + entry.file.relativePath)
            else { return true }
            return !context.build.keep(entry.output)
        }
        context.progress(0.5, "copying \(toWrite.count) files")
        try SiteCopier(context: context).copy(toWrite, into: context.buildDirectory, start: 0.5)
        let rendered = plan.filter(\.render).count
        let kept = plan.count - toWrite.count
        context.log("published \(plan.count) files from \"\(config.folderLabel)\" at \(label)" + (rendered > 0 ? ", \(rendered) rendered from Markdown" : "")
            + (changed == nil ? "" : "; \(toWrite.count) written, \(kept) unchanged since \(context.build.base?.revision?.label ?? "the live build")"))
        return .built(meta: .object([
            "commit": .string(commit),
            "branch": .string(config.branch),
            "files": .number(Double(plan.count)),
            "folder": .string(config.folderLabel),
            "markdown": .bool(config.markdown),
        ]))
    }

    /// What changed in the repository since the live build's commit, when the live build was
    /// made from this repository's same folder with the same rules; nil means write everything.
    private func changes(config: StaticSiteConfig, checkout: URL, context: any SourceContext) async -> Set<String>? {
        guard let base = context.build.base, let commit = base.meta["commit"]?.stringValue,
              base.meta["folder"]?.stringValue == config.folderLabel, base.meta["markdown"] == .bool(config.markdown),
              let fetcher = try? GitFetcher(config: config, context: context)
        else { return nil }
        let changed = await fetcher.changedPaths(since: commit, in: checkout)
        if changed == nil { context.log("the live build's commit \(commit) cannot be compared with; writing every file") }
        return changed
    }

    /// Healthy while the live build has files to serve; a site without a root `index.html` still
    /// serves its files, so that is worth a reason but not a degraded state.
    public func observe(workload: WorkloadSpec, live: LiveBuild) -> Observation {
        let count = live.manifest.files.count
        if count == 0 {
            return Observation(health: .degraded, reason: "live build \(live.id) has no files; deploy again")
        }
        let from = live.revision.map { " from \($0.label)" } ?? ""
        if live.file("index.html") == nil {
            return Observation(health: .healthy, reason: "serving \(count) files\(from); there is no index.html at the root")
        }
        return Observation(health: .healthy, reason: "serving \(count) files\(from)")
    }

    /// GET and HEAD of the live build's files; see `SiteSurface` for the rules.
    public func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse {
        SiteSurface(live: live).respond(to: request)
    }
}
