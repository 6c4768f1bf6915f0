import Foundation

/// Who made a request: the token or user it authenticated as, with that one's role and scope.
/// The server sets `Caller.current` for the whole request, so everything the request records
/// (events, jobs) names who asked, without every engine call taking a parameter for it.
public struct Caller: Sendable, Hashable {
    public enum Kind: String, Sendable, Codable {
        /// An API token (`Authorization: Bearer`, or a read token as a password).
        case token
        /// A person signed in to the UI with a password.
        case user
        /// Nobody: the server runs with `auth: {mode: none}` on loopback.
        case anonymous
    }

    public var kind: Kind
    public var name: String
    public var role: Role
    public var scope: WorkloadScope

    public init(kind: Kind, name: String, role: Role, scope: WorkloadScope = .all) {
        self.kind = kind
        self.name = name
        self.role = role
        self.scope = scope
    }

    /// What `auth: {mode: none}` makes every request: an admin nobody can be held to.
    public static let anonymous = Caller(kind: .anonymous, name: "anonymous", role: .admin)

    /// The name events record in `by`: `token:ci`, `user:alice`, or `anonymous`.
    public var label: String { kind == .anonymous ? name : "\(kind.rawValue):\(name)" }

    /// Whether this caller may do `right`, on `workload` when the right is about one. A right
    /// over no particular workload (creating a token, listing bindings) needs the whole scope,
    /// except reading, whose listings the server filters by scope.
    public func may(_ right: Right, on workload: String? = nil) -> Bool {
        guard role.permits(right) else { return false }
        guard let workload else { return right == .read || right == .serve || scope.isAll }
        return scope.contains(workload)
    }

    @TaskLocal public static var current: Caller?
}

extension Caller {
    /// Refuses when the request's caller may not do `right`; with no caller (an in-process call:
    /// start-up apply, the reconciler, tests) there is nobody to refuse. The server checks the
    /// role of every route first; this is the engine's check on names only the body carries.
    public static func require(_ right: Right, on workload: String? = nil) throws(FerryError) {
        guard let caller = current, !caller.may(right, on: workload) else { return }
        throw FerryError(.forbidden, caller.refusal(right, on: workload))
    }

    /// "token:ci (viewer) may not operate workload site": names the caller, never a secret.
    public func refusal(_ right: Right, on workload: String?) -> String {
        let verb = switch right {
        case .serve: "read what is served by"
        case .read: "read"
        case .operate: "operate"
        case .administer: "administer"
        }
        let what = workload.map { "workload \($0)" } ?? (right == .operate || right == .administer ? "all workloads" : "this")
        return "\(label) (\(role.rawValue)\(scope.isAll ? "" : ", workloads \(scope)")) may not \(verb) \(what)"
    }
}
