import FerryCore
import Foundation
import GRDB

/// Tokens, users and sessions. Secrets arrive here already hashed: the store never sees one.
extension FerryDatabase {
    /// Refuses a second token of the same name rather than replacing it silently.
    public func insertToken(_ token: AccessToken, hash: String) throws {
        try write { db in
            if try TokenRecord.exists(db, key: token.name) {
                throw FerryError(.conflict, "a token named \(token.name) exists; revoke it first or choose another name")
            }
            try TokenRecord(token, hash: hash).insert(db)
        }
    }

    public func tokens() throws -> [AccessToken] {
        try read { db in try TokenRecord.order(TokenRecord.Columns.name).fetchAll(db).map { try $0.model() } }
    }

    public func token(hash: String) throws -> AccessToken? {
        try read { db in try TokenRecord.filter(TokenRecord.Columns.hash == hash).fetchOne(db)?.model() }
    }

    public func token(named name: String) throws -> AccessToken? {
        try read { db in try TokenRecord.fetchOne(db, key: name)?.model() }
    }

    /// Removes the token and the sessions signed in with it. False when there was none.
    public func deleteToken(_ name: String) throws -> Bool {
        try write { db in
            try SessionRecord.filter(SessionRecord.Columns.principal == Caller.Kind.token.rawValue && SessionRecord.Columns.name == name).deleteAll(db)
            return try TokenRecord.deleteOne(db, key: name)
        }
    }

    public func touchToken(_ name: String, at: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE tokens SET lastUsedAt = ? WHERE name = ?", arguments: [at, name])
        }
    }

    public func insertUser(_ user: UserAccount, passwordHash: String) throws {
        try write { db in
            if try UserRecord.exists(db, key: user.name) {
                throw FerryError(.conflict, "a user named \(user.name) exists; delete it first or choose another name")
            }
            try UserRecord(user, passwordHash: passwordHash).insert(db)
        }
    }

    public func users() throws -> [UserAccount] {
        try read { db in try UserRecord.order(Column("name")).fetchAll(db).map { try $0.model() } }
    }

    /// The user and its password hash, for checking a sign-in.
    public func user(_ name: String) throws -> (UserAccount, passwordHash: String)? {
        try read { db in try UserRecord.fetchOne(db, key: name).map { (try $0.model(), $0.passwordHash) } }
    }

    public func touchUser(_ name: String, at: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE users SET lastSignInAt = ? WHERE name = ?", arguments: [at, name])
        }
    }

    public func deleteUser(_ name: String) throws -> Bool {
        try write { db in
            try SessionRecord.filter(SessionRecord.Columns.principal == Caller.Kind.user.rawValue && SessionRecord.Columns.name == name).deleteAll(db)
            return try UserRecord.deleteOne(db, key: name)
        }
    }

    /// Stores a new session and drops the expired ones, so the table never grows unbounded.
    public func insertSession(_ session: Session, hash: String) throws {
        try write { db in
            try SessionRecord.filter(SessionRecord.Columns.expiresAt <= session.createdAt).deleteAll(db)
            try SessionRecord(session, hash: hash).insert(db)
        }
    }

    public func session(hash: String) throws -> Session? {
        try read { db in try SessionRecord.fetchOne(db, key: hash)?.model() }
    }

    public func deleteSession(hash: String) throws {
        _ = try write { db in try SessionRecord.deleteOne(db, key: hash) }
    }
}
