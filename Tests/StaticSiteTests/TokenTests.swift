import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// The access token for a private repo reaches git through its environment only.
@Suite(.offPool) struct TokenTests {
    let token = "tok-3f1c9a7e-very-secret"

    @Test func theTokenIsPassedInTheEnvironmentNeverInArgumentsOrMessages() async throws {
        // Nothing listens on port 9, so git fails fast after reading its config.
        let ctx = try TestSourceContext(config: Fixtures.config("http://127.0.0.1:9/team/site.git"), env: ["GIT_TOKEN": token])
        let error = await #expect(throws: FerryError.self) {
            try await StaticSiteSource().run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        }
        let basic = Data("x-access-token:\(token)".utf8).base64EncodedString()
        let commands = ctx.commands
        #expect(!commands.isEmpty)
        for command in commands {
            #expect(!command.arguments.joined(separator: " ").contains(token))
            #expect(!command.arguments.joined(separator: " ").contains(basic))
            #expect(command.environment["GIT_TERMINAL_PROMPT"] == "0")
            #expect(command.environment["GIT_CONFIG_COUNT"] == "1")
            #expect(command.environment["GIT_CONFIG_KEY_0"] == "http.extraHeader")
            #expect(command.environment["GIT_CONFIG_VALUE_0"] == "Authorization: Basic \(basic)")
        }
        #expect(error?.message.contains(token) == false)
        #expect(error?.message.contains("GIT_TOKEN env entry") == true)
        #expect(!ctx.logLines.joined().contains(token))
    }

    @Test func gitReadsTheHeaderFromThatEnvironment() async throws {
        let ctx = try TestSourceContext(config: Fixtures.config("https://git.example.com/site.git", tokenEnv: "DOCS_TOKEN"), env: ["DOCS_TOKEN": token])
        let config = try StaticSiteConfig.load(from: ctx.workload.source.config, git: ctx.git)
        let environment = try GitFetcher(config: config, context: ctx).environment
        let output = try await Shell.run(["git", "config", "--get", "http.extraheader"], environment: environment)
        let basic = Data("x-access-token:\(token)".utf8).base64EncodedString()
        #expect(output.stdout.trimmingCharacters(in: .newlines) == "Authorization: Basic \(basic)")
    }

    @Test func noTokenIsSentToAFileRepositoryOrWhenUnset() async throws {
        for (repo, env) in [("file://\(FileManager.default.temporaryDirectory.path)/site.git", ["GIT_TOKEN": token]), ("https://git.example.com/site.git", [:])] {
            let ctx = try TestSourceContext(config: Fixtures.config(repo), env: env)
            let environment = try GitFetcher(config: StaticSiteConfig.load(from: ctx.workload.source.config, git: ctx.git), context: ctx).environment
            #expect(environment["GIT_CONFIG_COUNT"] == nil)
            #expect(environment["GIT_TERMINAL_PROMPT"] == "0")
            #expect(!environment.values.joined().contains(token))
        }
    }
}
