import FerryCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders pages from `web/templates/*.mustache`, loaded once at start-up. Every page gets the
/// catalogue of the request's language as `t`, the language switch, and the page's own data.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let catalog: Catalog
    let templateNames: [String]

    init(assets: WebAssets) throws {
        var library = MustacheLibrary()
        var names: [String] = []
        let dir = assets.templates
        for file in (try FileManager.default.contentsOfDirectory(atPath: dir.path)).sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
            do { try library.register(text, named: name) } catch {
                throw FerryError(.invalidInput, "\(dir.path)/\(file): template does not parse: \(error)", cause: error)
            }
            names.append(name)
        }
        self.library = library
        self.templateNames = names
        self.catalog = try Catalog(directory: assets.catalogues)
    }

    /// A whole HTML page. `data` is the page's view model; `lang` picks the catalogue.
    func page(_ template: String, _ data: [String: Any], ui: UIRequest, status: HTTPResponse.Status = .ok) -> Response {
        var context = data
        context["t"] = catalog.tree(ui.lang)
        context["lang"] = ui.lang
        context["languages"] = catalog.languages.map { code in
            ["code": code, "name": catalog.text("language.name", code), "current": code == ui.lang, "href": ui.switchHref(code)] as [String: Any]
        }
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        if let chosen = ui.chosenLang { headers[.setCookie] = "ferry_lang=\(chosen); Path=/; Max-Age=31536000; SameSite=Lax" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// What a page needs to know about the request: its language, whether `?lang=` chose it just
/// now (then the choice is remembered in a cookie), and the path for the language links.
struct UIRequest: Sendable {
    let lang: String
    let chosenLang: String?
    let path: String
    let query: [String: String]

    init(_ request: Request, catalog: Catalog) {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let cookie = request.headers[.cookie].flatMap { header in
            header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("ferry_lang=") }.map { String($0.dropFirst("ferry_lang=".count)) }
        }
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
