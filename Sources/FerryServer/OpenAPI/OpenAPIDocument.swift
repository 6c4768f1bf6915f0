import FerryCore
import Foundation

/// `GET /api/openapi.json`: OpenAPI 3.1 for every route (`OpenAPIOperation.all` plus one
/// pattern per surface mount), with the one error shape all of them answer, so clients can be
/// generated and tools such as schemathesis can probe the server.
enum OpenAPIDocument {
    static func make(serverURL: String, mounts: [String]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for operation in OpenAPIOperation.all + OpenAPIOperation.surfaces(mounts: mounts) {
            var item = paths[operation.path]?.objectValue ?? [:]
            item[operation.method] = describe(operation)
            paths[operation.path] = .object(item)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Ferry"), "version": .string(FerryVersion.current),
                "description": .string("Workloads, jobs, deploys, triggers and their surfaces. Errors are {\"error\": {code, message, field?}} with a fitting status."),
            ]),
            "servers": .array([.object(["url": .string(serverURL)])]),
            "paths": .object(paths),
            "components": .object([
                "schemas": schemas,
                "securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer")])]),
            ]),
            "security": .array([.object(["bearer": .array([])]), .object([:])]),
        ])
    }

    private static func describe(_ operation: OpenAPIOperation) -> JSONValue {
        var out: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "tags": .array([.string(operation.tag)]),
            "operationId": .string(operationID(operation)),
        ]
        if !operation.parameters.isEmpty {
            out["parameters"] = .array(operation.parameters.map { p in
                .object([
                    "name": .string(p.name), "in": .string(p.place.rawValue), "required": .bool(p.required),
                    "description": .string(p.description), "schema": p.schema,
                ])
            })
        }
        switch operation.body {
        case .json(let schema)?:
            out["requestBody"] = .object(["content": .object(["application/json": .object(["schema": schema])])])
        case .workloadFile?:
            out["requestBody"] = .object(["required": .bool(true), "content": .object([
                "application/yaml": .object(["schema": .object(["type": .string("string")])]),
                "application/json": .object(["schema": .object(["type": .string("object")])]),
            ])])
        case .raw(let type)?:
            out["requestBody"] = .object(["content": .object([type: .object(["schema": .object(["type": .string("string")])])])])
        case nil:
            break
        }
        var responses: [String: JSONValue] = [:]
        for (status, (description, schema)) in operation.success {
            var answer: [String: JSONValue] = ["description": .string(description)]
            if let schema {
                answer["content"] = .object(["application/json": .object(["schema": schema])])
            } else if let type = operation.textAnswer {
                answer["content"] = .object([type: .object(["schema": .object(["type": .string("string")])])])
            }
            responses[String(status)] = .object(answer)
        }
        let errors = Set([400, 401, 403] + operation.errors + (operation.body == nil ? [] : [413]))
        for status in errors.sorted() {
            responses[String(status)] = .object([
                "description": .string(errorDescriptions[status] ?? "refused"),
                "content": .object(["application/json": .object(["schema": .object(["$ref": .string("#/components/schemas/Error")])])]),
            ])
        }
        out["responses"] = .object(responses)
        return .object(out)
    }

    private static func operationID(_ operation: OpenAPIOperation) -> String {
        let words = operation.path.split(separator: "/").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) }
        return operation.method + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ".", with: "")
    }

    static let errorDescriptions: [Int: String] = [
        400: "bad input; `field` names it", 401: "no, an unknown or an expired token", 403: "the caller's role or scope does not allow it",
        404: "no such thing", 409: "conflicts with what is stored or running", 413: "the body is larger than its limit",
        415: "the body's content type is not one this route reads", 503: "busy; retry after the Retry-After seconds",
    ]

    private static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        .object(["type": .string("object"), "properties": .object(properties), "required": .array(required.map(JSONValue.string))])
    }

    private static let string: JSONValue = .object(["type": .string("string")])
    private static let integer: JSONValue = .object(["type": .string("integer")])
    private static let anyObject: JSONValue = .object(["type": .string("object")])
    private static let nullableString: JSONValue = .object(["type": .array([.string("string"), .string("null")])])

    static let schemas: JSONValue = .object([
        "Error": object(["error": object(["code": string, "message": string, "field": string], required: ["code", "message"])], required: ["error"]),
        "Health": object(["status": string, "version": string, "journalMode": string, "runningJobs": integer, "uptimeSeconds": integer,
                          "disks": .object(["type": .string("array"), "items": object(["path": string, "role": string, "freeBytes": integer, "totalBytes": integer, "low": .object(["type": .string("boolean")])])])]),
        "WorkloadSpec": object(["name": string, "source": object(["kind": string, "config": anyObject], required: ["kind"]), "triggers": .object(["type": .string("array")]),
                                "env": anyObject, "volumes": .object(["type": .string("array")]), "parent": string, "suspend": .object(["type": .string("boolean")])], required: ["name", "source"]),
        "Workload": object(["name": string, "kind": string, "generation": integer, "spec": anyObject, "status": anyObject]),
        "Job": object(["id": string, "workload": string, "action": string, "state": string, "message": nullableString, "progress": .object(["type": .array([.string("number"), .string("null")])])]),
        "Deploy": object(["id": string, "workload": string, "buildID": string, "kind": string, "revision": anyObject, "jobID": nullableString, "fromDeployID": nullableString,
                          "promotedFrom": object(["workload": string, "deployID": string, "buildID": string, "revision": anyObject]), "createdAt": string]),
        "Build": object(["id": string, "workload": string, "fileCount": integer, "totalBytes": integer, "digest": string, "createdAt": string]),
        "Event": object(["id": string, "kind": string, "outcome": string, "summary": string, "reason": nullableString, "deliveryID": nullableString, "bindingID": nullableString, "receivedAt": string]),
        "Binding": object(["id": string, "kind": string, "config": anyObject, "workloads": .object(["type": .string("array")]), "suspend": .object(["type": .string("boolean")]), "hookURL": nullableString]),
        "Notification": object(["id": string, "target": string, "event": string, "workload": nullableString, "subject": string, "text": string, "count": integer,
                                "state": string, "attempts": integer, "lastStatus": .object(["type": .array([.string("integer"), .string("null")])]), "lastError": nullableString,
                                "createdAt": string, "sentAt": nullableString]),
        "Artifact": object(["id": string, "workload": string, "name": string, "size": integer, "sha256": string, "createdAt": string]),
    ])
}
