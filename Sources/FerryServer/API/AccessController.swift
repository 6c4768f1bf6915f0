import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// `/api/tokens`, `/api/users`, `/api/whoami`: making, listing and revoking the ways in. A
/// token's secret is in the answer to its creation only; a password is never in any answer.
struct AccessController {
    let engine: Engine
    let limits: ServerLimits

    /// Body of `POST /api/tokens`. `expires` is a duration (`90d`); `workloads` a scope pattern.
    struct TokenBody: Decodable {
        var name: String
        var role: String
        var workloads: String?
        var expires: String?
    }

    struct UserBody: Decodable {
        var name: String
        var role: String
        var workloads: String?
        var password: String
    }

    struct Created: Encodable {
        var token: AccessToken
        var secret: String
    }

    struct WhoAmI: Encodable {
        var name: String
        var kind: String
        var role: String
        var workloads: String
    }

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("whoami") { _, context in
            guard let caller = context.caller else { throw FerryError(.unauthorized, "authentication required") }
            return try JSONResponse.make(WhoAmI(name: caller.name, kind: caller.kind.rawValue, role: caller.role.rawValue, workloads: caller.scope.description))
        }
        api.get("tokens") { _, _ in try JSONResponse.make(try engine.access.tokens()) }
        api.post("tokens") { request, _ in
            let body = try JSONDecoder().decode(TokenBody.self, from: try await RequestBody.json(request, limits))
            let (token, secret) = try engine.access.createToken(
                name: body.name, role: try Role(parsing: body.role), scope: try Self.scope(body.workloads),
                expiresIn: try body.expires.map { try Duration.lifetime($0, field: "expires") })
            return try JSONResponse.make(Created(token: token, secret: secret), status: .created)
        }
        api.delete("tokens/{name}") { _, context in
            let name = try context.parameters.require("name")
            try engine.access.revokeToken(name)
            return try JSONResponse.make(["revoked": name])
        }
        api.get("users") { _, _ in try JSONResponse.make(try engine.access.users()) }
        api.post("users") { request, _ in
            let body = try JSONDecoder().decode(UserBody.self, from: try await RequestBody.json(request, limits))
            let user = try engine.access.createUser(
                name: body.name, role: try Role(parsing: body.role), scope: try Self.scope(body.workloads), password: body.password)
            return try JSONResponse.make(user, status: .created)
        }
        api.delete("users/{name}") { _, context in
            let name = try context.parameters.require("name")
            try engine.access.deleteUser(name)
            return try JSONResponse.make(["deleted": name])
        }
    }

    static func scope(_ text: String?) throws -> WorkloadScope {
        try text.map { try WorkloadScope(parsing: $0) } ?? .all
    }
}
