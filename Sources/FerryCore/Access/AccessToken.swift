import Foundation

/// An API or read token as Ferry keeps it: everything but the secret, which is stored only as a
/// hash and shown once, when the token is made.
public struct AccessToken: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role
    public var scope: WorkloadScope
    public var createdAt: Date
    public var createdBy: String?
    public var lastUsedAt: Date?
    public var expiresAt: Date?

    public init(name: String, role: Role, scope: WorkloadScope = .all, createdAt: Date, createdBy: String? = nil, lastUsedAt: Date? = nil, expiresAt: Date? = nil) {
        self.name = name
        self.role = role
        self.scope = scope
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
    }

    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }

    public var caller: Caller { Caller(kind: .token, name: name, role: role, scope: scope) }
}

/// A person who signs in to the UI with a password. The password hash lives only in the store.
public struct UserAccount: Codable, Sendable, Equatable {
    public var name: String
    public var role: Role
    public var scope: WorkloadScope
    public var createdAt: Date
    public var lastSignInAt: Date?

    public init(name: String, role: Role, scope: WorkloadScope = .all, createdAt: Date, lastSignInAt: Date? = nil) {
        self.name = name
        self.role = role
        self.scope = scope
        self.createdAt = createdAt
        self.lastSignInAt = lastSignInAt
    }

    public var caller: Caller { Caller(kind: .user, name: name, role: role, scope: scope) }
}

/// A signed-in browser. The cookie holds a random id; the store keeps only its hash, the
/// principal it stands for (re-checked on every request, so revoking a token or user ends its
/// sessions) and the CSRF token its forms carry.
public struct Session: Codable, Sendable, Equatable {
    public var principal: Caller.Kind
    public var name: String
    public var csrf: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(principal: Caller.Kind, name: String, csrf: String, createdAt: Date, expiresAt: Date) {
        self.principal = principal
        self.name = name
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
