import Foundation

/// A git repository URL from a workload's config, a binding or a webhook, checked once before
/// any git command sees it. Every plugin that runs git builds its remote here, at config
/// validation (so an apply gets a 400 naming the field) and again before running git.
///
/// Allowed: `https://`, `http://`, `ssh://`, `git://`, scp-like `user@host:path`, and — only
/// under the policy's roots — `file://` URLs and plain absolute paths. Refused, each with a
/// message that says what to do instead:
/// * a value starting with `-`, which git would read as an option (`--upload-pack=…`);
/// * remote helpers (`ext::sh -c …`, `fd::`, any `<name>::`) and other transports: they run
///   programs or reach places the allow list does not name;
/// * credentials in the URL (`user:token@`, or a bare token as the user of an http URL): the URL
///   is stored, logged and shown, so the token would be too; the hint names the config key
///   (`tokenEnv`) that takes it from the workload's env instead;
/// * spaces and control characters, relative paths, `..` and `%` in local paths.
///
/// Messages never quote the whole value, since a refused value may be a credential.
public struct GitRemote: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, CaseIterable {
        case https, http, ssh, git, file
    }

    /// The URL exactly as given; safe to show once checked (it carries no credentials).
    public let url: String
    public let transport: Transport
    /// The normalised repository folder of a `file://` URL or absolute path.
    public let localPath: String?

    public var description: String { url }

    /// Whether an access token may be sent to it (as an http header, never in the URL).
    public var takesToken: Bool { transport == .https || transport == .http }

    /// The environment every git command about this remote gets: no password prompt (a job has
    /// no terminal; git would wait for ever) and only this remote's own transport, so neither a
    /// redirect nor a submodule nor `ext::` can make git run a program or reach the disk.
    public var environment: [String: String] {
        ["GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": transport.rawValue]
    }

    /// `environment` plus, when there is a token, the header git sends it in (`http.extraHeader`
    /// in `GIT_CONFIG_*`, never in the URL or the arguments, so it shows in no process list).
    /// Plain http to a host off this machine would put the token on the wire: refused, naming
    /// `field`, unless the config says `allowInsecure: true`. On a redirect to another host,
    /// curl (under git) drops the header.
    public func environment(token: String?, allowInsecure: Bool, field: String) throws(FerryError) -> [String: String] {
        var env = environment
        guard takesToken, let token, !token.isEmpty else { return env }
        if let refusal = CredentialTransport.refusal(toSend: "the access token", to: url, allowInsecure: allowInsecure, field: field) {
            throw refusal
        }
        env["GIT_CONFIG_COUNT"] = "1"
        env["GIT_CONFIG_KEY_0"] = "http.extraHeader"
        env["GIT_CONFIG_VALUE_0"] = "Authorization: Basic \(Data("x-access-token:\(token)".utf8).base64EncodedString())"
        return env
    }

    init(_ text: String, field: String, policy: GitPolicy, credentialHint: String) throws(FerryError) {
        func refuse(_ why: String) -> FerryError { FerryError.invalid(field, why) }
        let credentials = refuse(
            "must not carry a user name, password or token: the URL is stored and shown as is; \(credentialHint)")
        guard !text.isEmpty else { throw refuse("required: the git repository's URL") }
        if text.hasPrefix("-") {
            throw refuse("must not start with \"-\": git would read it as an option; give an https, ssh, git or file URL")
        }
        if let helper = text.range(of: "::"), !text[..<helper.lowerBound].contains("/") {
            let name = text[..<helper.lowerBound].prefix(20)
            throw refuse("git remote helpers (\"\(name)::\", ext::, fd::) are refused: they run programs; give an https, ssh, git or file URL")
        }
        if text.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0) }) {
            throw refuse("must not contain spaces or control characters")
        }

        url = text
        if let schemeEnd = text.range(of: "://"), text[..<schemeEnd.lowerBound].wholeMatch(of: /[A-Za-z][A-Za-z0-9+.\-]*/) != nil {
            let scheme = text[..<schemeEnd.lowerBound].lowercased()
            guard let transport = Transport(rawValue: scheme) else {
                throw refuse("the \"\(scheme.prefix(20))\" transport is refused; use https, http, ssh, git or file")
            }
            guard let parts = URLComponents(string: text) else { throw refuse("is not a valid \(scheme) URL") }
            self.transport = transport
            if parts.password != nil || (parts.user != nil && transport != .ssh) { throw credentials }
            if let user = parts.user, user.hasPrefix("-") { throw refuse("the user name must not start with \"-\"") }
            if transport == .file {
                guard (parts.host ?? "").isEmpty || parts.host == "localhost" else {
                    throw refuse("a file URL names a folder on this host: file:///path/to/repo")
                }
                localPath = try Self.local(parts.percentEncodedPath, field: field, policy: policy)
            } else {
                let host = parts.host ?? ""
                guard !host.isEmpty else { throw refuse("a \(scheme) URL needs a host: \(scheme)://host/path") }
                if host.hasPrefix("-") { throw refuse("the host must not start with \"-\"") }
                localPath = nil
            }
        } else if text.hasPrefix("/") {
            transport = .file
            localPath = try Self.local(text, field: field, policy: policy)
        } else if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
            // git's scp-like syntax: `[user@]host:path`, a colon before any slash.
            let login = text[..<colon], path = text[text.index(after: colon)...]
            if !login.contains("@"), let at = path.firstIndex(of: "@"), !path[..<at].contains("/") { throw credentials }
            let host = login.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
            let user = login.contains("@") ? login[..<login.lastIndex(of: "@")!] : ""
            guard !host.isEmpty, !path.isEmpty else { throw refuse("expected user@host:path (scp-like ssh) or a URL") }
            if host.hasPrefix("-") || user.hasPrefix("-") { throw refuse("the user and host must not start with \"-\"") }
            if user.contains(":") { throw credentials }
            transport = .ssh
            localPath = nil
        } else {
            throw refuse("expected an https, http, ssh, git or file URL, user@host:path, or an absolute path")
        }
    }

    /// Checks a local repository path against the roots the operator allowed.
    private static func local(_ path: String, field: String, policy: GitPolicy) throws(FerryError) -> String {
        if path.contains("%") {
            throw FerryError.invalid(field, "write the repository path without percent-escapes")
        }
        guard let normalised = GitPolicy.normalise(path) else {
            throw FerryError.invalid(field, "a local repository needs an absolute path without \"..\"")
        }
        guard policy.allows(path: normalised) else {
            let roots = policy.fileRoots.isEmpty
                ? "none are listed, so local repositories are refused; allow a folder with `git: { fileRoots: [/srv/git] }` in the server config"
                : "allowed: \(policy.fileRoots.joined(separator: ", "))"
            throw FerryError.invalid(field, "\(normalised) is not under a folder listed in the server config's git.fileRoots (\(roots))")
        }
        return normalised
    }
}
