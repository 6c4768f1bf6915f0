import FerryCore
import Testing

/// `GitRemote`: what a repository URL from config or a webhook may be before any git command
/// sees it, and `GitRefName`: what a branch may be.
@Suite struct GitRemoteTests {
    let roots = GitPolicy(fileRoots: ["/srv/git", "/home/ferry/repos/"])
    let hint = "name it in source.config.tokenEnv"

    func remote(_ url: String, _ policy: GitPolicy? = nil) throws(FerryError) -> GitRemote {
        try (policy ?? roots).remote(url, field: "source.config.repo", credentialHint: hint)
    }

    @Test(arguments: [
        ("https://git.example.com/team/site.git", GitRemote.Transport.https),
        ("http://127.0.0.1:3000/x.git", .http),
        ("ssh://git@git.example.com:2222/team/site.git", .ssh),
        ("git://git.example.com/site.git", .git),
        ("git@github.com:acme/site.git", .ssh),
        ("github.com:acme/site.git", .ssh),
        ("file:///srv/git/site.git", .file),
        ("/home/ferry/repos/site.git", .file),
    ])
    func allowedForms(_ url: String, _ transport: GitRemote.Transport) throws {
        let checked = try remote(url)
        #expect(checked.url == url)
        #expect(checked.transport == transport)
        #expect(checked.environment == ["GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": transport.rawValue])
    }

    /// A token in the URL would be stored, logged and shown; the message says where it belongs.
    @Test(arguments: [
        "https://bot:s3cret-token@git.example.com/site.git",
        "https://s3cret-token@git.example.com/site.git",
        "http://x-access-token:s3cret-token@127.0.0.1/site.git",
        "ssh://git:s3cret-token@git.example.com/site.git",
        "bot:s3cret-token@git.example.com:acme/site.git",
        "git:s3cret-token@git.example.com/acme/site.git",
    ])
    func credentialsAreRefusedWithTheTokenEnvHint(_ url: String) {
        #expect {
            try remote(url)
        } throws: { error in
            guard let error = error as? FerryError else { return false }
            return error.code == .invalidInput && error.field == "source.config.repo" && error.message.contains("tokenEnv")
                && !error.message.contains("s3cret")
        }
    }

    /// Values git would read as options, remote helpers that run programs, other transports.
    @Test(arguments: [
        ("--upload-pack=touch /tmp/pwned", "must not start with \"-\""),
        ("-x", "must not start with \"-\""),
        ("ext::sh -c touch% /tmp/pwned", "remote helpers"),
        ("ext::sh", "remote helpers"),
        ("fd::3", "remote helpers"),
        ("ftp://git.example.com/site.git", "\"ftp\" transport is refused"),
        ("git+ssh://git.example.com/site.git", "transport is refused"),
        ("ssh://-oProxyCommand=touch%20x/site.git", "must not start with \"-\""),
        ("-oProxyCommand=x:site.git", "must not start with \"-\""),
        ("https://git.example.com/a b.git", "spaces"),
        ("site.git", "expected an https"),
        ("../site.git", "expected an https"),
        ("", "required"),
    ])
    func optionsHelpersAndOtherTransportsAreRefused(_ url: String, _ why: String) {
        #expect {
            try remote(url)
        } throws: { error in
            guard let error = error as? FerryError else { return false }
            return error.field == "source.config.repo" && error.message.contains(why)
        }
    }

    @Test(arguments: [
        "file:///etc/site.git", "/etc/site.git", "file:///srv/git/../../etc/x.git", "file:///srv/gitolite/x.git",
        "file:///srv/git/%2e%2e/x.git", "file://otherhost/srv/git/x.git",
    ])
    func localRepositoriesOutsideTheRootsAreRefused(_ url: String) {
        #expect(throws: FerryError.self) { try remote(url) }
    }

    @Test func withNoRootsEveryLocalRepositoryIsRefusedSayingHowToAllowOne() {
        #expect {
            try remote("file:///srv/git/site.git", GitPolicy())
        } throws: { error in
            let message = (error as? FerryError)?.message ?? ""
            return message.contains("git.fileRoots") && message.contains("git: { fileRoots: [")
        }
        #expect(throws: FerryError.self) { try remote("/srv/git/site.git", GitPolicy()) }
    }

    @Test func rootsAreComparedAsFoldersNotAsPrefixes() throws {
        #expect(try remote("file:///srv/git").localPath == "/srv/git")
        #expect(try remote("file:///srv/git/./team//site.git").localPath == "/srv/git/team/site.git")
        #expect(try remote("file:///home/ferry/repos/x").localPath == "/home/ferry/repos/x")
        #expect(throws: FerryError.self) { try remote("file:///srv/gitx/site.git") }
    }

    @Test(arguments: ["--foo", "-x", "--upload-pack=evil", "a..b", "HEAD^", "@{-1}", "a b", ""])
    func branchesThatGitCouldMisreadAreRefused(_ branch: String) {
        #expect {
            try GitRefName.checkBranch(branch, field: "config.git.branch")
        } throws: { error in
            (error as? FerryError)?.field == "config.git.branch"
        }
    }

    @Test func commitIdsAreHexOnly() {
        #expect(GitRefName.isCommit("0123abc"))
        #expect(GitRefName.isCommit(String(repeating: "f", count: 64)))
        #expect(!GitRefName.isCommit("--upload-pack=x"))
        #expect(!GitRefName.isCommit("012345G"))
    }
}
