/// What a caller may do. Roles nest: each includes the rights of the ones before it, so a role
/// is one word an operator can reason about instead of a list of permissions.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Reads only what workloads serve (Composer, npm, sites) whose `access` is `token`.
    case reader
    /// Also reads the API and the UI.
    case viewer
    /// Also runs actions, rolls back, promotes, suspends and sets env on the workloads in scope.
    case `operator`
    /// Everything, including applying and deleting workloads, bindings, tokens and users.
    case admin

    public func permits(_ right: Right) -> Bool {
        switch right {
        case .serve: true
        case .read: self != .reader
        case .operate: self == .operator || self == .admin
        case .administer: self == .admin
        }
    }

    /// Parses `--role` and the API's `role`; the error names the field and what is accepted.
    public init(parsing text: String, field: String = "role") throws(FerryError) {
        guard let role = Role(rawValue: text) else { throw FerryError.invalid(field, "expected one of \(Role.names), got \"\(text)\"") }
        self = role
    }

    /// The roles, for error messages naming what is accepted.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One kind of thing a request does; `RoutePolicy` maps each route to one.
public enum Right: String, Sendable {
    case serve, read, operate, administer
}

/// A workload's `access`: whether its surfaces need a token.
public enum WorkloadAccess: String, Codable, Sendable {
    case `public`, token
}
