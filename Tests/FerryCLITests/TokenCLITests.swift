import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Tokens from the operator's side: the first admin token made with no server, the CLI sending
/// it from `--token`, `FERRY_TOKEN` or the credentials file `ferry login` writes (mode 0600).
@Suite(.serialized) struct TokenCLITests {
    @Test func bootstrapTokenLoginAndRevoke() throws {
        let temp = try TempDir()
        let data = temp.url.appendingPathComponent("data")
        let made = try FerryProcess.run(["token", "create", "--data", data.path, "--name", "admin", "--role", "admin"])
        #expect(made.status == 0, "\(made.stderr)")
        let secret = made.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(secret.hasPrefix("ferry_"))

        let ferry = try FerryProcess(dataDirectory: data)
        ferry.authMode = "token"
        try ferry.start()
        defer { ferry.stop() }

        let refused = try ferry.cli("get", "workloads")
        #expect(refused.status == FerryError.Code.unauthorized.exitCode, "\(refused.stdout) \(refused.stderr)")
        #expect(!refused.stderr.contains("ferry_"))
        #expect(try ferry.cli("get", "workloads", "--token", secret).status == 0)
        let viaEnv = try FerryProcess.run(["get", "workloads", "--server", ferry.server], environment: ["FERRY_TOKEN": secret])
        #expect(viaEnv.status == 0, "\(viaEnv.stderr)")

        let credentials = temp.url.appendingPathComponent("credentials")
        let env = ["FERRY_CREDENTIALS": credentials.path]
        let login = try FerryProcess.run(["login", "--server", ferry.server], stdin: secret + "\n", environment: env)
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("as token:admin (admin)"))
        #expect(!login.stdout.contains(secret))
        let mode = try FileManager.default.attributesOfItem(atPath: credentials.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FerryProcess.run(["token", "create", "--name", "ci", "--role", "viewer", "--server", ferry.server], environment: env).status == 0)
        let listed = try FerryProcess.run(["token", "list", "--server", ferry.server], environment: env)
        #expect(listed.stdout.contains("ci\tviewer\t*"), "\(listed.stdout)")

        #expect(try FerryProcess.run(["token", "revoke", "admin", "--server", ferry.server], environment: env).status == 0)
        let afterRevoke = try ferry.cli("get", "workloads", "--token", secret)
        #expect(afterRevoke.status == FerryError.Code.unauthorized.exitCode)
    }

    @Test func aBadRoleIsRefusedAndNothingIsWritten() throws {
        let temp = try TempDir()
        let data = temp.url.appendingPathComponent("data")
        let bad = try FerryProcess.run(["token", "create", "--data", data.path, "--name", "x", "--role", "root"])
        #expect(bad.status == FerryError.Code.invalidInput.exitCode)
        #expect(bad.stderr.contains("role"))
        let listed = try FerryProcess.run(["token", "list", "--data", data.path])
        #expect(!listed.stdout.contains("\nx\t"))
    }
}
