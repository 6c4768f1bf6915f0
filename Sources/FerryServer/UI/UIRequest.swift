import FerryCore
import Foundation
import Hummingbird

/// What a page needs to know about the request: its language, whether `?lang=` chose it just
/// now (then the choice is remembered in a cookie), the path for the language links, who is
/// asking (pages show only the buttons the caller may use), and the token its forms carry.
struct UIRequest: Sendable {
    let lang: String
    let chosenLang: String?
    let path: String
    let query: [String: String]
    let caller: Caller
    let formToken: String

    init(_ request: Request, context: FerryRequestContext, catalog: Catalog) {
        caller = context.caller ?? .anonymous
        formToken = context.formToken ?? ""
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let cookie = request.cookie(named: "ferry_lang")
        let requested = query["lang"].flatMap { catalog.flat[$0] != nil ? $0 : nil }
        lang = catalog.negotiate(query: requested, cookie: cookie, acceptLanguage: request.headers[.acceptLanguage])
        chosenLang = requested
        path = request.uri.path
        self.query = query
    }

    /// The same page in another language.
    func switchHref(_ code: String) -> String {
        var items = query.filter { $0.key != "lang" }.map { "\($0.key)=\(Self.encode($0.value))" }.sorted()
        items.append("lang=\(code)")
        return path + "?" + items.joined(separator: "&")
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}
