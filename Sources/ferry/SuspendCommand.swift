import ArgumentParser
import FerryCore
import Foundation

/// `ferry suspend|resume workload NAME` and `ferry suspend|resume binding ID`: a suspended
/// workload or binding is left alone by triggers (and a workload by the reconciler).
struct SuspendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Stop triggers (and the reconciler) acting on a workload or binding.")

    @OptionGroup var options: ClientOptions
    @OptionGroup var target: SuspendTarget

    func run() async throws { try await target.send("suspend", options) }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Undo `ferry suspend`.")

    @OptionGroup var options: ClientOptions
    @OptionGroup var target: SuspendTarget

    func run() async throws { try await target.send("resume", options) }
}

struct SuspendTarget: ParsableArguments {
    enum Kind: String, ExpressibleByArgument { case workload, binding }

    @Argument(help: "workload or binding") var kind: Kind
    @Argument(help: "Its name or id.") var name: String

    func send(_ verb: String, _ options: ClientOptions) async throws {
        try await CLIOutput.guarded {
            let collection = kind == .workload ? "workloads" : "bindings"
            let data = try await options.client.post("/api/\(collection)/\(name.pathEncoded)/\(verb)")
            if options.output == .json { return CLIOutput.printJSON(data) }
            print("\(kind.rawValue)/\(name) \(verb == "suspend" ? "suspended" : "resumed")")
        }
    }
}
