import FerryCore
import Foundation
import GRDB

/// A token's row: the model's fields plus the SHA-256 of its secret, which is how requests find it.
struct TokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tokens"
    enum Columns {
        static let name = Column(CodingKeys.name)
        static let hash = Column(CodingKeys.hash)
    }

    var name: String
    var hash: String
    var role: String
    var scope: String
    var createdAt: Date
    var createdBy: String?
    var lastUsedAt: Date?
    var expiresAt: Date?

    init(_ t: AccessToken, hash: String) {
        name = t.name
        self.hash = hash
        role = t.role.rawValue
        scope = t.scope.description
        createdAt = t.createdAt
        createdBy = t.createdBy
        lastUsedAt = t.lastUsedAt
        expiresAt = t.expiresAt
    }

    func model() throws -> AccessToken {
        guard let role = Role(rawValue: role) else { throw FerryError(.internal, "token \(name) has an unknown role \(role)") }
        return AccessToken(
            name: name, role: role, scope: WorkloadScope(stored: scope),
            createdAt: createdAt, createdBy: createdBy, lastUsedAt: lastUsedAt, expiresAt: expiresAt)
    }
}

/// A user's row; `passwordHash` is a self-describing scrypt string (see `PasswordHasher`).
struct UserRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"

    var name: String
    var passwordHash: String
    var role: String
    var scope: String
    var createdAt: Date
    var lastSignInAt: Date?

    init(_ u: UserAccount, passwordHash: String) {
        name = u.name
        self.passwordHash = passwordHash
        role = u.role.rawValue
        scope = u.scope.description
        createdAt = u.createdAt
        lastSignInAt = u.lastSignInAt
    }

    func model() throws -> UserAccount {
        guard let role = Role(rawValue: role) else { throw FerryError(.internal, "user \(name) has an unknown role \(role)") }
        return UserAccount(
            name: name, role: role, scope: WorkloadScope(stored: scope),
            createdAt: createdAt, lastSignInAt: lastSignInAt)
    }
}

/// A session's row, keyed by the SHA-256 of the cookie value.
struct SessionRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "sessions"
    enum Columns {
        static let expiresAt = Column(CodingKeys.expiresAt)
        static let principal = Column(CodingKeys.principal)
        static let name = Column(CodingKeys.name)
    }

    var hash: String
    var principal: String
    var name: String
    var csrf: String
    var createdAt: Date
    var expiresAt: Date

    init(_ s: Session, hash: String) {
        self.hash = hash
        principal = s.principal.rawValue
        name = s.name
        csrf = s.csrf
        createdAt = s.createdAt
        expiresAt = s.expiresAt
    }

    func model() -> Session? {
        Caller.Kind(rawValue: principal).map {
            Session(principal: $0, name: name, csrf: csrf, createdAt: createdAt, expiresAt: expiresAt)
        }
    }
}
