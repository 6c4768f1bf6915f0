import FerryCore
import FerryStore
import Foundation

/// Tokens, users and sessions: who a request is. The server asks it to turn a bearer token, a
/// password or a cookie into a `Caller`; the CLI's `--data` bootstrap uses it with no server.
/// Every secret it makes is returned once and stored only as a hash.
public struct AccessControl: Sendable {
    let database: FerryDatabase
    let now: @Sendable () -> Date
    let hasher = PasswordHasher()
    /// The anti-forgery token of UI forms sent by a browser with no session (`auth: {mode: none}`,
    /// or HTTP basic auth): new at each start, so a page from before a restart must be reloaded.
    /// Other sites cannot read it, which is all a form token needs.
    public let serverFormToken = SecretToken.make(prefix: "f_")

    /// Token and user names: short, URL- and log-safe.
    public static let namePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$"
    static let tokenPrefix = "ferry_"

    public init(database: FerryDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    // MARK: Tokens

    /// Makes a token and returns its secret: the only time it exists outside the caller's hands.
    public func createToken(name: String, role: Role, scope: WorkloadScope = .all, expiresIn: TimeInterval? = nil) throws -> (AccessToken, secret: String) {
        try Self.checkName(name)
        if let expiresIn, expiresIn <= 0 { throw FerryError.invalid("expires", "must be a positive duration such as 90d") }
        let at = now()
        let token = AccessToken(
            name: name, role: role, scope: scope, createdAt: at, createdBy: Caller.current?.label,
            expiresAt: expiresIn.map { at.addingTimeInterval($0) })
        let secret = SecretToken.make(prefix: Self.tokenPrefix)
        try database.insertToken(token, hash: SecretToken.hash(secret))
        return (token, secret)
    }

    public func tokens() throws -> [AccessToken] { try database.tokens() }

    public func revokeToken(_ name: String) throws {
        guard try database.deleteToken(name) else { throw FerryError.notFound("token", name) }
    }

    /// The caller a secret stands for; nil for an unknown, revoked or expired one, without
    /// saying which, so a guess learns nothing.
    public func caller(token secret: String) throws -> Caller? {
        guard secret.hasPrefix(Self.tokenPrefix), secret.count < 200, let token = try database.token(hash: SecretToken.hash(secret)) else { return nil }
        let at = now()
        guard !token.isExpired(at: at) else { return nil }
        // Written at most once a minute per token, so reads don't turn into writes.
        if token.lastUsedAt.map({ at.timeIntervalSince($0) > 60 }) ?? true { try database.touchToken(token.name, at: at) }
        return token.caller
    }

    // MARK: Users

    public func createUser(name: String, role: Role, scope: WorkloadScope = .all, password: String) throws -> UserAccount {
        try Self.checkName(name)
        guard password.count >= PasswordHasher.minimumLength else {
            throw FerryError.invalid("password", "must be at least \(PasswordHasher.minimumLength) characters")
        }
        let user = UserAccount(name: name, role: role, scope: scope, createdAt: now())
        try database.insertUser(user, passwordHash: try hasher.hash(password))
        return user
    }

    public func users() throws -> [UserAccount] { try database.users() }

    public func deleteUser(_ name: String) throws {
        guard try database.deleteUser(name) else { throw FerryError.notFound("user", name) }
    }

    /// Nil for an unknown user and a wrong password alike. An unknown name is hashed too, so
    /// the answer takes as long either way.
    public func caller(user name: String, password: String) throws -> Caller? {
        guard name.count <= 63, password.count <= 1024 else { return nil }
        guard let (user, stored) = try database.user(name) else {
            _ = hasher.verify(password, against: Self.decoyHash)
            return nil
        }
        guard hasher.verify(password, against: stored) else { return nil }
        try database.touchUser(name, at: now())
        return user.caller
    }

    // MARK: Sessions

    /// A new sign-in for `caller` lasting `lifetime` (the server config's `auth.sessionLifetime`):
    /// the cookie value to set, and the session with its CSRF token.
    public func startSession(for caller: Caller, lifetime: TimeInterval) throws -> (cookie: String, session: Session) {
        guard lifetime > 0 else { throw FerryError.invalid("auth.sessionLifetime", "must be a positive duration such as 12h") }
        guard caller.kind != .anonymous else { throw FerryError(.invalidInput, "nobody to sign in") }
        let at = now()
        let cookie = SecretToken.make(prefix: "s_")
        let session = Session(
            principal: caller.kind, name: caller.name, csrf: SecretToken.make(prefix: ""), createdAt: at,
            expiresAt: at.addingTimeInterval(lifetime))
        try database.insertSession(session, hash: SecretToken.hash(cookie))
        return (cookie, session)
    }

    /// The signed-in caller and the session, re-reading the token or user behind it so that a
    /// revoked one, or a changed role, takes effect at once.
    public func session(cookie: String) throws -> (Caller, Session)? {
        guard cookie.count < 200, let session = try database.session(hash: SecretToken.hash(cookie)), session.expiresAt > now() else { return nil }
        switch session.principal {
        case .token:
            guard let token = try database.token(named: session.name), !token.isExpired(at: now()) else { return nil }
            return (token.caller, session)
        case .user:
            guard let (user, _) = try database.user(session.name) else { return nil }
            return (user.caller, session)
        case .anonymous:
            return nil
        }
    }

    public func endSession(cookie: String) throws {
        try database.deleteSession(hash: SecretToken.hash(cookie))
    }

    static func checkName(_ name: String) throws {
        guard name.range(of: namePattern, options: .regularExpression) != nil else {
            throw FerryError.invalid("name", "\"\(name)\" is not a valid name (letters, digits, '.', '_' and '-', at most 63)")
        }
    }

    /// A valid hash of nothing anyone knows, checked against when the user does not exist.
    static let decoyHash = (try? PasswordHasher().hash(SecretToken.make(prefix: ""))) ?? ""
}
