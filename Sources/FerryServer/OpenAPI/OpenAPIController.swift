import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// Serves the OpenAPI document, built once at start-up.
struct OpenAPIController {
    let document: JSONValue

    init(engine: Engine, baseURL: String) {
        let mounts = Set(engine.registry.sources.values.map { type(of: $0).mount }).sorted()
        document = OpenAPIDocument.make(serverURL: baseURL, mounts: mounts)
    }

    func register(on router: Router<FerryRequestContext>) {
        let bytes = document.canonicalData()
        router.get("api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
