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
        context["csrf"] = ui.formToken
        context["viewer"] = ui.caller.label
        context["signedIn"] = ui.caller.kind != .anonymous
        context["mayAdminister"] = ui.caller.may(.administer)
        context["languages"] = catalog.languages.map { code in
            ["code": code, "name": catalog.text("language.name", code), "current": code == ui.lang, "href": ui.switchHref(code)] as [String: Any]
        }
        let html = library.render(context, withTemplate: template) ?? "template \(template) is missing"
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        if let chosen = ui.chosenLang { headers[.setCookie] = "ferry_lang=\(chosen); Path=/; Max-Age=31536000; SameSite=Lax" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
