import ArgumentParser
import FerryCore
import FerryServer
import Foundation
import Hummingbird
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Ferry server (API, surfaces, reconciler, jobs).")

    @Option(help: "Data directory (default ./data).") var data: String?
    @Option(help: "HOST:PORT to listen on (default 127.0.0.1:8080).") var listen: String?
    @Option(help: "Server config file (YAML).") var config: String?

    func run() async throws {
        try await CLIOutput.guarded {
            var settings = try config.map(ServerConfiguration.load(file:)) ?? ServerConfiguration()
            let level = Logger.Level(rawValue: settings.logLevel) ?? .info
            let json = settings.logFormat == "json"
            LoggingSystem.bootstrap { label in
                var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            if let data { settings.dataDirectory = URL(fileURLWithPath: data) }
            if let listen { try settings.setListen(listen) }
            let (app, _) = try buildApplication(settings)
            try await app.runService()
        }
    }
}
