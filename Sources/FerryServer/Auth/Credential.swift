import Foundation
import HTTPTypes
import Hummingbird

/// What a request presented to prove who it is, in the forms each client sends: `Bearer` (the
/// CLI, npm's `_authToken`, Composer's `bearer`), `Basic` with a token as the password
/// (Composer's `http-basic`, curl `-u`), `Basic` with a user's password, or the UI's cookie.
enum Credential: Sendable {
    case token(String)
    case password(user: String, password: String)
    case session(String)

    static let cookieName = "ferry_session"
    /// The header a signed-in page's scripts send with non-GET API calls.
    static let csrfHeader = HTTPField.Name("X-Ferry-CSRF")!

    init?(_ request: Request) {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            switch parts[0].lowercased() {
            case "bearer":
                self = .token(value)
            case "basic":
                guard let data = Data(base64Encoded: value), let text = String(data: data, encoding: .utf8),
                      let colon = text.firstIndex(of: ":") else { return nil }
                let user = String(text[..<colon]), password = String(text[text.index(after: colon)...])
                self = password.hasPrefix("ferry_") ? .token(password) : .password(user: user, password: password)
            default:
                return nil
            }
            return
        }
        guard let cookie = request.cookie(named: Self.cookieName) else { return nil }
        self = .session(cookie)
    }
}
