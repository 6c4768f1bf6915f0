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
        api.get("deploys") { request, _ in
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            let workload = request.uri.queryParameters["workload"].map(String.init)
            if let workload { _ = try engine.workload(workload) }
            return try JSONResponse.make(try DeployView.list(engine.database.deploys(workload: workload, limit: page.limit), database: engine.database))
        }
        api.get("workloads/{name}/deploys") { request, context in
            let name = try context.parameters.require("name")
            _ = try engine.workload(name)
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            return try JSONResponse.make(try DeployView.list(engine.database.deploys(workload: name, limit: page.limit), database: engine.database))
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
            return try JSONResponse.make(try await engine.rollback(workload: name, to: to))
        }
    }
}
