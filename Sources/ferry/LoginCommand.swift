import ArgumentParser
import FerryCore
import Foundation

/// `ferry login --server URL`: checks a token against the server and saves it in the
/// credentials file (mode 0600), so later verbs need no `--token`.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Save a token for a server (read from standard input, or --token).")
    @OptionGroup var options: ClientOptions

    func run() async throws {
        try await CLIOutput.guarded {
            let token = options.token
                ?? readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !token.isEmpty else { throw FerryError.invalid("token", "give the token on standard input or with --token") }
            let me = try CLIOutput.decode(try await APIClient(base: options.server, token: token).get("/api/whoami"))
            try CredentialsFile.save(token, for: options.server)
            print("logged in to \(options.server) as \(me["kind"]?.stringValue ?? "token"):\(me["name"]?.stringValue ?? "?") (\(me["role"]?.stringValue ?? "?")); saved in \(CredentialsFile.url.path)")
        }
    }
}
