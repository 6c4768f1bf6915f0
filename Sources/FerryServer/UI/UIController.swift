import FerryCore
import FerryEngine
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The web UI: server-rendered pages from `web/templates`, one CSS file and small scripts from
/// `web/static`, strings from `web/i18n`. Pages read through the engine and its store; every
/// change goes through the same `Engine` operations as the API. Routes: `/`, `/new`,
/// `/workloads/{name}[/edit]`, `/jobs/{id}`, `/events`, `/static/{file}`, and the POST forms of
/// `WorkloadActions` — none under the mounts, `/api`, `/hooks` or `/metrics`.
struct UIController {
    let ui: UIContext
    /// The static files, read once: they are small and never change while the server runs.
    let statics: [String: (type: String, bytes: [UInt8])]

    /// Nil, with a warning, when there is no `web/` folder: the API and surfaces still run.
    init?(engine: Engine, configuration: ServerConfiguration, logger: Logger) throws {
        guard let assets = WebAssets.locate(configuration.webDirectory) else {
            logger.warning("no web folder with templates/ found at \(configuration.webDirectory); the web UI is off")
            return nil
        }
        ui = UIContext(engine: engine, renderer: try PageRenderer(assets: assets), baseURL: configuration.baseURL, limits: configuration.limits)
        var statics: [String: (String, [UInt8])] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: assets.statics.path)) ?? [] {
            guard let data = FileManager.default.contents(atPath: assets.statics.appendingPathComponent(file).path) else { continue }
            let type = file.hasSuffix(".css") ? "text/css; charset=utf-8" : file.hasSuffix(".js") ? "text/javascript; charset=utf-8"
                : file.hasSuffix(".svg") ? "image/svg+xml" : "application/octet-stream"
            statics[file] = (type, Array(data))
        }
        self.statics = statics
    }

    func register(on router: Router<FerryRequestContext>) {
        router.get("/") { request, context in
            await ui.guarded(request, context) { r in
                let model = try DashboardPage(ui: ui, lang: r.lang).model()
                return ui.renderer.page("dashboard", model.merging(ui.banner(r)) { $1 }, ui: r)
            }
        }
        router.get("workloads/{name}") { request, context in
            await ui.guarded(request, context) { r in
                let model = try WorkloadPage(ui: ui, lang: r.lang, caller: r.caller).model(try context.parameters.require("name"))
                return ui.renderer.page("workload", model.merging(ui.banner(r)) { $1 }, ui: r)
            }
        }
        for pattern in ["workloads/{name}/items/{listing}/{key}", "workloads/{name}/items/{listing}/{key}/{rest}"] {
            router.get(RouterPath(pattern)) { request, context in
                await ui.guarded(request, context) { r in
                    let key = try context.parameters.require("key") + (context.parameters.get("rest").map { "/\($0)" } ?? "")
                    let model = try ListingItemPage(ui: ui).model(
                        workload: try context.parameters.require("name"), listing: try context.parameters.require("listing"), key: key)
                    return ui.renderer.page("item", model, ui: r)
                }
            }
        }
        router.get("jobs/{id}") { request, context in
            await ui.guarded(request, context) { r in
                let model = try JobPage(ui: ui, lang: r.lang, caller: r.caller).model(try context.parameters.require("id"))
                return ui.renderer.page("job", model.merging(ui.banner(r)) { $1 }, ui: r)
            }
        }
        router.get("events") { request, context in
            await ui.guarded(request, context) { r in
                let model = try EventsPage(ui: ui, lang: r.lang).model(outcome: r.query["outcome"], kind: r.query["kind"])
                return ui.renderer.page("events", model, ui: r)
            }
        }
        router.get("static/{file}") { _, context in
            let file = try context.parameters.require("file")
            guard let asset = statics[file] else { throw FerryError(.notFound, "no static file \(file)") }
            return Response(
                status: .ok, headers: [.contentType: asset.type, .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
        // Browsers and feed readers ask for /favicon.ico whatever the page links.
        router.get("favicon.ico") { _, _ in
            guard let icon = statics["favicon.svg"] else { throw FerryError(.notFound, "no favicon") }
            return Response(
                status: .ok, headers: [.contentType: icon.type, .cacheControl: "public, max-age=86400"],
                body: .init(byteBuffer: ByteBuffer(bytes: icon.bytes)))
        }
        WizardController(ui: ui).register(on: router)
        WorkloadActions(ui: ui).register(on: router)
    }
}
