import FerryCore
import FerryEngine
@testable import FerryServer
import FerryTestSupport
import Foundation
import Hummingbird
import Logging
import PluginTestKit
import Testing

/// `GET /api/openapi.json` describes the router exactly: every API route is in the document
/// with its method, and every documented operation is a route.
@Suite(.offPool) struct OpenAPITests {
    @Test func theDocumentAndTheRouterAgreeRouteForRoute() throws {
        let temp = try TempDir()
        var config = ServerConfiguration()
        config.dataDirectory = temp.url.appendingPathComponent("data")
        config.webDirectory = UIFerry.webDirectory
        var logger = Logger(label: "openapi-test")
        logger.logLevel = .warning
        var engineConfig = Engine.Configuration(dataDirectory: config.dataDirectory)
        engineConfig.runsReconciler = false
        let engine = try Engine(configuration: engineConfig, registry: BuiltinPlugins.registry(), logger: logger)
        let router = try buildRouter(config, engine: engine, logger: logger)
        let mounts = Set(engine.registry.sources.values.map { type(of: $0).mount })

        // Routes as "METHOD /path" in OpenAPI's spelling; a surface's `**` is its `{path}`.
        var routed = Set<String>()
        for route in router.routes {
            var path = "\(route.path)"
            if !path.hasPrefix("/") { path = "/" + path }
            let first = path.split(separator: "/").first.map(String.init) ?? ""
            if mounts.contains(first) {
                path = "/\(first)/{name}/{path}"
            } else if !(first == "api" || first == "hooks" || first == "metrics") {
                continue  // the web UI's pages and forms
            }
            routed.insert("\(route.method.rawValue.lowercased()) \(path.replacingOccurrences(of: "/**", with: "/{path}"))")
        }
        let document = OpenAPIDocument.make(serverURL: "http://127.0.0.1:8080", mounts: mounts.sorted())
        var documented = Set<String>()
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in item.objectValue?.keys ?? [:].keys { documented.insert("\(method) \(path)") }
        }
        #expect(routed.subtracting(documented).isEmpty, "routes without a description: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "described but not routed: \(documented.subtracting(routed).sorted())")
        #expect(routed.count > 40)
    }

    @Test func theDocumentIsServedAndEveryOperationHasTheErrorShape() async throws {
        try await TestFerry.run { client, _, _ in
            let document = try await client.json("/api/openapi.json")
            #expect(document["openapi"] == .string("3.1.0"))
            #expect(document[path: "info.version"] == .string(FerryVersion.current))
            let paths = document["paths"]?.objectValue ?? [:]
            #expect(paths["/api/workloads/{name}"]?["put"]?["requestBody"] != nil)
            for (path, item) in paths {
                for (method, operation) in item.objectValue ?? [:] {
                    #expect(operation[path: "responses.400.content.application/json.schema.$ref"] == .string("#/components/schemas/Error")
                        || operation["responses"]?["400"]?["content"] != nil, "\(method) \(path)")
                    #expect(operation["operationId"]?.stringValue?.isEmpty == false)
                }
            }
        }
    }
}
