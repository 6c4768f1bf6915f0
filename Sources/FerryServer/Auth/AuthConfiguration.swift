import FerryCore
import Foundation

/// `auth:` in the server config. Tokens are required unless `mode: none`, which only a loopback
/// listener accepts: whoever can reach a loopback port is already on the machine.
public struct AuthConfiguration: Sendable {
    public enum Mode: String, Sendable { case token, none }

    public var mode = Mode.token
    /// How long a UI sign-in lasts.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// Failed authentications one client address may make per `failureWindow` before it gets 429.
    public var failureLimit = 10
    public var failureWindow: Duration = .seconds(60)

    public init() {}

    static let schema = ConfigSchema.object([
        .init("mode", .string("token (the default): every request but webhooks and public surfaces needs a token or a sign-in; none: no authentication, accepted only on a loopback listen address", default: "token", enum: ["token", "none"])),
        .init("sessionLifetime", .string("how long a UI sign-in lasts", default: "12h", format: .duration)),
        .init("failureLimit", .integer("failed authentications per client address per failureWindow before 429", default: 10, minimum: 1, maximum: 100_000)),
        .init("failureWindow", .string("the window failureLimit counts in", default: "1m", format: .duration)),
    ])

    static func read(_ value: JSONValue?) throws(FerryError) -> AuthConfiguration {
        var auth = AuthConfiguration()
        guard let value, value != .null else { return auth }
        if let mode = value["mode"]?.stringValue {
            guard let parsed = Mode(rawValue: mode) else { throw FerryError.invalid("auth.mode", "must be token or none, not \"\(mode)\"") }
            auth.mode = parsed
        }
        if let d = try duration(value, "sessionLifetime") { auth.sessionLifetime = d }
        if let n = try value.integerIfPresent(at: "failureLimit", in: 1...100_000) { auth.failureLimit = n }
        if let d = try duration(value, "failureWindow") { auth.failureWindow = d }
        return auth
    }

    private static func duration(_ value: JSONValue, _ key: String) throws(FerryError) -> Duration? {
        guard let text = value[key]?.stringValue else { return nil }
        guard let d = Duration.parse(text), d > .zero else {
            throw FerryError.invalid("auth.\(key)", "\"\(text)\" is not a positive duration such as 12h or 30m")
        }
        return d
    }

    /// Refuses to start an open server that others can reach.
    func check(listenHost host: String, port: Int) throws {
        guard mode == .none, !Self.isLoopback(host) else { return }
        throw FerryError.invalid(
            "auth.mode",
            "none is accepted only with a loopback listen address (127.0.0.1, ::1 or localhost), not \(host):\(port): anyone who can reach the port would own this Ferry. Make an admin token with `ferry token create --data DIR --name admin --role admin` and drop auth.mode: none")
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }
}
