import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// `/api/bindings`: list, create, delete, rotate the secret, suspend and resume.
struct BindingController {
    let engine: Engine
    let limits: ServerLimits
    let baseURL: String

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("bindings") { _, _ in try JSONResponse.make(try engine.database.bindings().map { view($0) }) }
        api.post("bindings") { request, _ in
            let body = try await JSONResponse.documents(request, limits: limits).first ?? .object([:])
            let (binding, secret) = try engine.createBinding(body)
            return try JSONResponse.make(view(binding, secret: secret), status: .created)
        }
        api.get("bindings/{id}") { _, context in try JSONResponse.make(view(try engine.binding(try context.parameters.require("id")))) }
        api.delete("bindings/{id}") { _, context in
            let id = try context.parameters.require("id")
            try engine.deleteBinding(id)
            return try JSONResponse.make(["deleted": id])
        }
        api.post("bindings/{id}/rotate-secret") { _, context in
            let (binding, secret) = try engine.rotateSecret(try context.parameters.require("id"))
            return try JSONResponse.make(view(binding, secret: secret))
        }
        api.post("bindings/{id}/suspend") { _, context in
            try JSONResponse.make(view(try engine.setSuspended(binding: try context.parameters.require("id"), true)))
        }
        api.post("bindings/{id}/resume") { _, context in
            try JSONResponse.make(view(try engine.setSuspended(binding: try context.parameters.require("id"), false)))
        }
    }

    private func view(_ binding: Binding, secret: String? = nil) -> BindingView {
        BindingView(
            binding, baseURL: baseURL, ingress: engine.registry.triggers[binding.kind] is any IngressTrigger, secret: secret,
            status: engine.watchStatus(of: binding))
    }
}
