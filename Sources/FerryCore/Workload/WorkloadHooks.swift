/// Operator hooks (`hooks:` in a workload file): existing scripts run as steps of an action's
/// job, before the action (a non-zero exit fails the job before anything changes) and after it
/// succeeded, with the job's env, their output in the job log, and a timeout.
public struct ActionHooks: Codable, Sendable, Equatable {
    public var before: [HookCommand]
    public var after: [HookCommand]

    public init(before: [HookCommand] = [], after: [HookCommand] = []) {
        self.before = before
        self.after = after
    }

    /// Reads `hooks:` (action → `{before, after}`); each command is a path or
    /// `{run, args, timeout}`. `actions` are the source's, so a typo is refused at apply.
    public static func read(_ value: JSONValue?, at field: String, actions: [String]) throws -> [String: ActionHooks] {
        guard let value, value != .null else { return [:] }
        guard case .object(let byAction) = value else { throw FerryError.invalid(field, "expected a mapping of action → { before, after }") }
        var out: [String: ActionHooks] = [:]
        for (action, entry) in byAction.sorted(by: { $0.key < $1.key }) {
            let here = "\(field).\(action)"
            guard actions.contains(action) else { throw FerryError.invalid(here, "no such action; the source has \(actions.joined(separator: ", "))") }
            guard case .object(let phases) = entry else { throw FerryError.invalid(here, "expected { before: [...], after: [...] }") }
            for key in phases.keys.sorted() where key != "before" && key != "after" { throw FerryError.invalid("\(here).\(key)", "unknown field") }
            out[action] = ActionHooks(
                before: try commands(phases["before"], at: "\(here).before"), after: try commands(phases["after"], at: "\(here).after"))
        }
        return out
    }

    private static func commands(_ value: JSONValue?, at field: String) throws -> [HookCommand] {
        guard let value, value != .null else { return [] }
        guard case .array(let list) = value else { throw FerryError.invalid(field, "expected a list of commands") }
        var out: [HookCommand] = []
        for (i, entry) in list.enumerated() {
            out.append(try HookCommand.read(entry, at: "\(field).\(i)"))
        }
        return out
    }
}

/// One hook: an absolute path to an executable under the server's `hooks.allow`, its arguments
/// and how long it may run.
public struct HookCommand: Codable, Sendable, Equatable {
    public var run: String
    public var args: [String]
    public var timeoutSeconds: Double

    public static let defaultTimeout = 600.0

    public init(run: String, args: [String] = [], timeoutSeconds: Double = HookCommand.defaultTimeout) {
        self.run = run
        self.args = args
        self.timeoutSeconds = timeoutSeconds
    }

    static func read(_ entry: JSONValue, at field: String) throws -> HookCommand {
        var command: HookCommand
        switch entry {
        case .string(let path):
            command = HookCommand(run: path)
        case .object(let members):
            for key in members.keys.sorted() where !["run", "args", "timeout"].contains(key) { throw FerryError.invalid("\(field).\(key)", "unknown field") }
            guard let path = members["run"]?.stringValue else { throw FerryError.invalid("\(field).run", "required: the script's absolute path") }
            command = HookCommand(run: path)
            if let args = members["args"] {
                guard case .array(let list) = args, list.allSatisfy({ $0.stringValue != nil }) else { throw FerryError.invalid("\(field).args", "expected a list of strings") }
                command.args = list.compactMap(\.stringValue)
            }
            if let timeout = members["timeout"] {
                guard let text = timeout.stringValue, let d = Duration.parse(text), d > .zero, d <= .seconds(86_400) else {
                    throw FerryError.invalid("\(field).timeout", "expected a duration from 1s to 24h, such as 5m")
                }
                command.timeoutSeconds = d.inSeconds
            }
        default:
            throw FerryError.invalid(field, "expected a path or { run, args, timeout }")
        }
        guard command.run.hasPrefix("/"), !command.run.contains("\0") else {
            throw FerryError.invalid(entry.stringValue == nil ? "\(field).run" : field, "must be an absolute path, got \"\(command.run)\"")
        }
        return command
    }
}
