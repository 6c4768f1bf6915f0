import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// Deploy history, builds, and rollback.
struct DeployController {
    let engine: Engine
    let limits: ServerLimits

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("workloads/{name}/deploys") { _, context in
            let name = try context.parameters.require("name")
            _ = try engine.workload(name)
            return try JSONResponse.make(try engine.database.deploys(workload: name))
        }
        api.get("workloads/{name}/builds") { _, context in
            let name = try context.parameters.require("name")
            _ = try engine.workload(name)
            return try JSONResponse.make(try engine.database.builds(workload: name))
        }
        api.post("workloads/{name}/promote") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONResponse.documents(request, limits: limits).first ?? .object([:])
            return try JSONResponse.make(try engine.promote(child: name, from: body["from"]?.stringValue), status: .accepted)
        }
        api.post("workloads/{name}/rollback") { request, context in
            let name = try context.parameters.require("name")
            let body = try await JSONResponse.documents(request, limits: limits).first ?? .object([:])
            let to = body["to"]?.stringValue
            return try JSONResponse.make(try engine.rollback(workload: name, to: to))
        }
    }
}
