import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Hummingbird

/// `/api/workloads`, `/api/apply` and `/api/kinds`: reading and changing specs.
struct WorkloadController {
    let engine: Engine
    let limits: ServerLimits

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("kinds") { _, _ in try JSONResponse.make(KindsView(engine.registry)) }
        api.get("workloads") { _, _ in
            let all = try engine.database.workloads()
            let stages = WorkloadView.StageIndex(all)
            return try JSONResponse.make(all.map { WorkloadView($0, registry: engine.registry, stages: stages) })
        }
        api.post("workloads", use: create)
        api.post("apply", use: applyMany)
        api.get("workloads/{name}") { _, context in
            try JSONResponse.make(view(try engine.workload(try context.parameters.require("name"))))
        }
        api.put("workloads/{name}", use: replace)
        api.post("workloads/{name}/suspend") { _, context in try JSONResponse.make(view(try engine.setSuspended(workload: try context.parameters.require("name"), true))) }
        api.post("workloads/{name}/resume") { _, context in try JSONResponse.make(view(try engine.setSuspended(workload: try context.parameters.require("name"), false))) }
        api.delete("workloads/{name}") { _, context in
            let name = try context.parameters.require("name")
            try engine.delete(name)
            return try JSONResponse.make(["deleted": name])
        }
    }

    private func view(_ w: Workload) -> WorkloadView {
        WorkloadView(w, registry: engine.registry, all: (try? engine.database.workloads()) ?? [])
    }

    /// POST creates; an existing name is a conflict (PUT or `ferry apply` change it).
    @Sendable func create(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let documents = try await JSONResponse.documents(request, limits: limits)
        guard documents.count == 1 else { throw FerryError(.invalidInput, "POST /api/workloads takes one workload; use /api/apply for several") }
        if let name = documents[0]["name"]?.stringValue, try engine.database.workload(name) != nil {
            throw FerryError(.conflict, "workload \(name) already exists; use PUT /api/workloads/\(name) or ferry apply to change it")
        }
        let (workload, _) = try engine.apply(documents[0])
        return try JSONResponse.make(view(workload), status: .created)
    }

    /// PUT applies the body under the path's name (a body naming another workload is refused).
    @Sendable func replace(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let documents = try await JSONResponse.documents(request, limits: limits)
        guard documents.count == 1, case .object(var members) = documents[0] else {
            throw FerryError(.invalidInput, "PUT /api/workloads/\(name) takes one workload object")
        }
        if let bodyName = members["name"]?.stringValue, bodyName != name {
            throw FerryError.invalid("name", "\"\(bodyName)\" does not match the URL's \"\(name)\"")
        }
        members["name"] = .string(name)
        let applied = try engine.applyShowingSecrets(.object(members))
        return try JSONResponse.make(ApplyView(applied, workload: view(applied.workload), engine: engine), status: applied.result == .created ? .created : .ok)
    }

    /// Applies a whole workload file (YAML or JSON, one or many documents). Every document is
    /// validated before any is stored, so a bad document leaves everything as it was.
    @Sendable func applyMany(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let text = try await RequestBody.text(request, limits.api)
        let fileName = request.uri.queryParameters["file"].map(String.init) ?? "request body"
        let documents = try WorkloadFile.parse(text, fileName: fileName, limits: limits.documents)
        let validator = WorkloadValidator(registry: engine.registry)
        for document in documents {
            do { _ = try validator.validate(document.value) } catch let error as FerryError {
                let which = documents.count > 1 ? " (document \(document.index + 1))" : ""
                throw FerryError(error.code, "\(fileName)\(which): \(error.message)", field: error.field)
            }
        }
        var results: [ApplyView] = []
        for document in documents {
            let applied = try engine.applyShowingSecrets(document.value)
            results.append(ApplyView(applied, workload: view(applied.workload), engine: engine))
        }
        return try JSONResponse.make(results)
    }
}

struct ApplyView: Encodable {
    var result: ApplyResult
    var workload: WorkloadView
    /// Webhook secrets this apply generated, by binding id: shown here once, never again.
    var secrets: [String: String]?
    /// The hook URL of each binding in `secrets`.
    var hooks: [String: String]?

    init(_ applied: AppliedWorkload, workload: WorkloadView, engine: Engine) {
        result = applied.result
        self.workload = workload
        if !applied.secrets.isEmpty {
            secrets = applied.secrets
            hooks = Dictionary(uniqueKeysWithValues: applied.secrets.keys.map { ($0, "\(engine.publicURL)/hooks/\($0)") })
        }
    }
}
