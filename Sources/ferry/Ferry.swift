import ArgumentParser
import FerryCore

/// `ferry`: the command-line tool. Thin by design: each verb parses its arguments and calls the
/// server's API (or, for `serve`, starts the server); all logic lives in the server.
@main
struct Ferry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract: "Keep Composer repositories, npm mirrors and static sites alive and up to date.",
        version: FerryVersion.current,
        subcommands: [
            ServeCommand.self, ApplyCommand.self, GetCommand.self, DescribeCommand.self, RunCommand.self,
            LogsCommand.self, RollbackCommand.self, PromoteCommand.self, DeleteCommand.self, BindingCommand.self, EnvCommand.self,
            SuspendCommand.self, ResumeCommand.self, NpmCommand.self, TokenCommand.self, UserCommand.self, LoginCommand.self,
            BackupCommand.self, RestoreCommand.self, VersionCommand.self,
        ])

    /// The client options may come before the verb (`GlobalArguments`).
    static func main() async {
        await main(GlobalArguments.normalized(Array(CommandLine.arguments.dropFirst())))
    }
}
