import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Hummingbird

/// `/api/workloads/{name}/env[/{key}]`: read and change a workload's env. Changes go through
/// `Engine.apply` (validation, sealing of secrets, generation bump). A secret's value is never
/// answered: it shows as `"secret": true, "set": true`.
struct EnvController {
    let engine: Engine
    let limits: ServerLimits

    /// One env entry as the API shows it.
    struct Entry: Encodable {
        var key: String
        var secret: Bool
        var value: String?
        var set: Bool

        init(key: String, _ entry: EnvValue) {
            self.key = key
            secret = entry.secret
            value = entry.secret ? nil : entry.value
            set = true
        }
    }

    /// Body of `PUT .../env/{key}`. `secret` left out keeps what the entry was (a new one is plain).
    struct SetBody: Decodable {
        var value: String
        var secret: Bool?
    }

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("workloads/{name}/env") { _, context in
            try JSONResponse.make(entries(try engine.workload(try context.parameters.require("name"))))
        }
        api.get("workloads/{name}/env/{key}") { _, context in
            let key = try context.parameters.require("key")
            let workload = try engine.workload(try context.parameters.require("name"))
            guard let entry = workload.spec.env[key] else { throw FerryError.notFound("env entry", key) }
            return try JSONResponse.make(Entry(key: key, entry))
        }
        api.put("workloads/{name}/env/{key}", use: setOne)
        api.put("workloads/{name}/env", use: replaceAll)
        api.delete("workloads/{name}/env/{key}") { _, context in
            let key = try context.parameters.require("key")
            try engine.unsetEnv(workload: try context.parameters.require("name"), key: key)
            return try JSONResponse.make(["deleted": key])
        }
    }

    private func entries(_ workload: Workload) -> [Entry] {
        workload.spec.env.keys.sorted().map { Entry(key: $0, workload.spec.env[$0]!) }
    }

    @Sendable func setOne(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let key = try context.parameters.require("key")
        let body = try JSONDecoder().decode(SetBody.self, from: try await RequestBody.json(request, limits))
        let existing = try engine.workload(name).spec.env[key]
        let secret = body.secret ?? existing?.secret ?? false
        let (workload, _) = try engine.setEnv(workload: name, key: key, value: body.value, secret: secret)
        guard let entry = workload.spec.env[key] else { throw FerryError(.internal, "env entry \(key) was not stored") }
        return try JSONResponse.make(Entry(key: key, entry))
    }

    /// Body: `{KEY: "value", KEY2: {"value": "…", "secret": true}}`, the whole new env.
    @Sendable func replaceAll(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let body = try JSONValue.decode(json: try await RequestBody.json(request, limits), maxDepth: limits.depth, what: "request body")
        guard case .object = body else { throw FerryError.invalid("env", "expected an object of KEY: value") }
        let (workload, _) = try engine.replaceEnv(workload: name, env: body)
        return try JSONResponse.make(entries(workload))
    }
}
