import FerryCore

extension OpenAPIOperation {
    private static let name = pathParameter("name", "the workload's name")
    private static let id = pathParameter("id", "the id")

    private static func ref(_ schema: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(schema)")]) }
    private static func list(_ schema: String) -> JSONValue { .object(["type": .string("array"), "items": ref(schema)]) }
    private static func object(_ properties: [String: String], required: [String] = []) -> JSONValue {
        .object([
            "type": .string("object"),
            "properties": .object(properties.mapValues { .object(["type": .string($0)]) }),
            "required": .array(required.map(JSONValue.string)),
        ])
    }

    /// Every route of the API, the webhook ingress, metrics and the surfaces.
    static let all: [OpenAPIOperation] = [
        .init(method: "get", path: "/api/health", summary: "liveness, version and free disk space", tag: "system", success: [200: ("the server is up", ref("Health"))]),
        .init(method: "get", path: "/api/openapi.json", summary: "this document", tag: "system", success: [200: ("the OpenAPI document", .object(["type": .string("object")]))]),
        .init(method: "get", path: "/metrics", summary: "Prometheus metrics", tag: "system", success: [200: ("text exposition format", nil)], textAnswer: "text/plain"),
        .init(method: "get", path: "/api/kinds", summary: "every source and trigger kind with its config schema and actions", tag: "workloads", success: [200: ("the kinds", .object(["type": .string("object")]))]),
        .init(method: "get", path: "/api/whoami", summary: "the caller", tag: "access", success: [200: ("who is calling", object(["name": "string", "kind": "string", "role": "string", "workloads": "string"]))]),

        .init(method: "get", path: "/api/workloads", summary: "list workloads", tag: "workloads", success: [200: ("workloads with status", list("Workload"))]),
        .init(method: "post", path: "/api/workloads", summary: "create one workload", tag: "workloads", body: .json(ref("WorkloadSpec")), success: [201: ("created", ref("Workload"))], errors: [409, 413]),
        .init(method: "post", path: "/api/apply", summary: "apply a whole workload file; every document is validated before any is stored", tag: "workloads",
              parameters: [query("file", "string", "the file's name, for messages")], body: .workloadFile, success: [200: ("one result per document", .object(["type": .string("array")]))], errors: [413, 415]),
        .init(method: "get", path: "/api/workloads/{name}", summary: "one workload", tag: "workloads", parameters: [name], success: [200: ("the workload", ref("Workload"))], errors: [404]),
        .init(method: "put", path: "/api/workloads/{name}", summary: "replace a workload", tag: "workloads", parameters: [name], body: .json(ref("WorkloadSpec")), success: [200: ("replaced", ref("Workload")), 201: ("created", ref("Workload"))], errors: [413]),
        .init(method: "delete", path: "/api/workloads/{name}", summary: "delete a workload, its builds and triggers", tag: "workloads", parameters: [name], success: [200: ("deleted", object(["deleted": "string"]))], errors: [404]),
        .init(method: "post", path: "/api/workloads/{name}/suspend", summary: "stop triggers and the reconciler for it", tag: "workloads", parameters: [name], success: [200: ("suspended", ref("Workload"))], errors: [404]),
        .init(method: "post", path: "/api/workloads/{name}/resume", summary: "resume it", tag: "workloads", parameters: [name], success: [200: ("resumed", ref("Workload"))], errors: [404]),
        .init(method: "post", path: "/api/workloads/{name}/actions/{action}", summary: "start an action", tag: "jobs",
              parameters: [name, pathParameter("action", "an action of the workload's source")], body: .json(object(["params": "object"])),
              success: [202: ("the queued job", ref("Job"))], errors: [404, 409, 413]),
        .init(method: "get", path: "/api/workloads/{name}/{listing}", summary: "a source's stored listing (packages, broken, …)", tag: "workloads",
              parameters: [name, pathParameter("listing", "a listing the source names"), query("q", "string", "search names"), limit, offset],
              success: [200: ("one page", object(["total": "integer", "offset": "integer", "limit": "integer", "items": "array"]))], errors: [404]),

        .init(method: "get", path: "/api/workloads/{name}/{listing}/{key}", summary: "one item of a listing (an npm package with the diffs that carried it)", tag: "workloads",
              parameters: [name, pathParameter("listing", "a listing the source names"), pathParameter("key", "the item's key")],
              success: [200: ("the item", .object(["type": .string("object")]))], errors: [404]),
        .init(method: "get", path: "/api/workloads/{name}/{listing}/{key}/{rest}", summary: "one item whose key holds a slash (an npm @scope/name)", tag: "workloads",
              parameters: [name, pathParameter("listing", "a listing the source names"), pathParameter("key", "the key's first part (@scope)"), pathParameter("rest", "the rest")],
              success: [200: ("the item", .object(["type": .string("object")]))], errors: [404]),

        .init(method: "get", path: "/api/deploys", summary: "deploys of every workload, newest first", tag: "deploys",
              parameters: [query("workload", "string", "only this workload's"), limit], success: [200: ("deploys", list("Deploy"))], errors: [404]),
        .init(method: "get", path: "/api/workloads/{name}/deploys", summary: "the workload's deploys, newest first", tag: "deploys", parameters: [name, limit], success: [200: ("deploys", list("Deploy"))], errors: [404]),
        .init(method: "get", path: "/api/workloads/{name}/builds", summary: "the workload's builds", tag: "deploys", parameters: [name], success: [200: ("builds", list("Build"))], errors: [404]),
        .init(method: "post", path: "/api/workloads/{name}/rollback", summary: "make an earlier build live", tag: "deploys", parameters: [name],
              body: .json(object(["to": "string"])), success: [200: ("the rollback deploy", ref("Deploy"))], errors: [404, 409]),
        .init(method: "post", path: "/api/workloads/{name}/promote", summary: "make the parent stage's live build live here", tag: "deploys", parameters: [name],
              body: .json(object(["from": "string"])), success: [202: ("the promotion job", ref("Job"))], errors: [404, 409]),

        .init(method: "get", path: "/api/workloads/{name}/env", summary: "env entries (secrets shown as set)", tag: "env", parameters: [name], success: [200: ("entries", .object(["type": .string("array")]))], errors: [404]),
        .init(method: "put", path: "/api/workloads/{name}/env", summary: "replace every env entry", tag: "env", parameters: [name],
              body: .json(.object(["type": .string("object"), "additionalProperties": object(["value": "string", "secret": "boolean"], required: ["value"])])),
              success: [200: ("entries", .object(["type": .string("array")]))], errors: [404, 413]),
        .init(method: "get", path: "/api/workloads/{name}/env/{key}", summary: "one env entry", tag: "env", parameters: [name, pathParameter("key", "the entry's key")], success: [200: ("the entry", object(["key": "string", "secret": "boolean", "value": "string", "set": "boolean"]))], errors: [404]),
        .init(method: "put", path: "/api/workloads/{name}/env/{key}", summary: "set one env entry", tag: "env", parameters: [name, pathParameter("key", "the entry's key")],
              body: .json(object(["value": "string", "secret": "boolean"], required: ["value"])), success: [200: ("the entry", object(["key": "string", "secret": "boolean", "set": "boolean"]))], errors: [404, 413]),
        .init(method: "delete", path: "/api/workloads/{name}/env/{key}", summary: "unset one env entry", tag: "env", parameters: [name, pathParameter("key", "the entry's key")], success: [200: ("deleted", object(["deleted": "string"]))], errors: [404]),

        .init(method: "get", path: "/api/jobs", summary: "jobs, newest first", tag: "jobs", parameters: [query("workload", "string", "only this workload's"), limit], success: [200: ("jobs", list("Job"))]),
        .init(method: "get", path: "/api/jobs/{id}", summary: "one job", tag: "jobs", parameters: [id], success: [200: ("the job", ref("Job"))], errors: [404]),
        .init(method: "post", path: "/api/jobs/{id}/cancel", summary: "cancel a queued or running job", tag: "jobs", parameters: [id], success: [202: ("the job", ref("Job"))], errors: [404, 409]),
        .init(method: "get", path: "/api/jobs/{id}/log", summary: "the job's log", tag: "jobs",
              parameters: [id, query("follow", "boolean", "stream until the job ends")], success: [200: ("the log as text, or server-sent events with Accept: text/event-stream", nil)],
              errors: [404], textAnswer: "text/plain"),

        .init(method: "get", path: "/api/events", summary: "the event log: every delivery and firing with its outcome", tag: "events",
              parameters: [query("outcome", "string", "accepted, duplicate, ignored, refused, filtered, stale"), query("kind", "string", "trigger kind"), query("by", "string", "who caused it"), limit],
              success: [200: ("events", list("Event"))]),
        .init(method: "post", path: "/hooks/{id}", summary: "webhook ingress (Gitea, GitHub, GitLab)", tag: "events", parameters: [pathParameter("id", "the binding's id")],
              body: .raw("application/json"), success: [202: ("queued or ignored", nil), 200: ("ping or duplicate delivery", nil)], errors: [404, 413, 503]),

        .init(method: "get", path: "/api/notifications", summary: "the notification outbox, newest first: target, state, attempts, last status", tag: "events",
              parameters: [limit], success: [200: ("notifications", list("Notification"))]),
        .init(method: "get", path: "/api/bindings", summary: "trigger bindings with their hook URLs", tag: "bindings", success: [200: ("bindings", list("Binding"))]),
        .init(method: "post", path: "/api/bindings", summary: "create a binding (YAML or JSON); the secret is in the answer once", tag: "bindings", body: .workloadFile, success: [201: ("created", ref("Binding"))], errors: [409, 413]),
        .init(method: "get", path: "/api/bindings/{id}", summary: "one binding", tag: "bindings", parameters: [id], success: [200: ("the binding", ref("Binding"))], errors: [404]),
        .init(method: "delete", path: "/api/bindings/{id}", summary: "delete a binding", tag: "bindings", parameters: [id], success: [200: ("deleted", object(["deleted": "string"]))], errors: [404]),
        .init(method: "post", path: "/api/bindings/{id}/rotate-secret", summary: "a new secret, shown once", tag: "bindings", parameters: [id], success: [200: ("the binding with its new secret", ref("Binding"))], errors: [404]),
        .init(method: "post", path: "/api/bindings/{id}/suspend", summary: "stop a binding", tag: "bindings", parameters: [id], success: [200: ("the binding", ref("Binding"))], errors: [404]),
        .init(method: "post", path: "/api/bindings/{id}/resume", summary: "restart a binding", tag: "bindings", parameters: [id], success: [200: ("the binding", ref("Binding"))], errors: [404]),

        .init(method: "get", path: "/api/artifacts", summary: "files jobs handed out, newest first", tag: "artifacts", parameters: [query("workload", "string", "only this workload's")], success: [200: ("artifacts", list("Artifact"))]),
        .init(method: "get", path: "/api/artifacts/{id}", summary: "one artifact", tag: "artifacts", parameters: [id], success: [200: ("the artifact", ref("Artifact"))], errors: [404]),
        .init(method: "get", path: "/api/artifacts/{id}/download", summary: "the artifact's bytes (x-checksum-sha256 carries its hash)", tag: "artifacts", parameters: [id],
              success: [200: ("the file", nil)], errors: [404], textAnswer: "application/octet-stream"),

        .init(method: "get", path: "/api/tokens", summary: "API tokens (never their secret)", tag: "access", success: [200: ("tokens", .object(["type": .string("array")]))]),
        .init(method: "post", path: "/api/tokens", summary: "create a token; its secret is in the answer once", tag: "access",
              body: .json(object(["name": "string", "role": "string", "workloads": "string", "expires": "string"], required: ["name", "role"])),
              success: [201: ("the token and its secret", object(["token": "object", "secret": "string"]))], errors: [409, 413]),
        .init(method: "delete", path: "/api/tokens/{name}", summary: "revoke a token", tag: "access", parameters: [pathParameter("name", "the token's name")], success: [200: ("revoked", object(["revoked": "string"]))], errors: [404]),
        .init(method: "get", path: "/api/users", summary: "UI users", tag: "access", success: [200: ("users", .object(["type": .string("array")]))]),
        .init(method: "post", path: "/api/users", summary: "create a UI user", tag: "access",
              body: .json(object(["name": "string", "role": "string", "workloads": "string", "password": "string"], required: ["name", "role", "password"])),
              success: [201: ("the user", .object(["type": .string("object")]))], errors: [409, 413]),
        .init(method: "delete", path: "/api/users/{name}", summary: "delete a UI user", tag: "access", parameters: [pathParameter("name", "the user's name")], success: [200: ("deleted", object(["deleted": "string"]))], errors: [404]),
    ]

    /// The surfaces: one pattern per source mount, described once each.
    static func surfaces(mounts: [String]) -> [OpenAPIOperation] {
        mounts.flatMap { mount in
            ["get", "head", "post"].map { method in
                OpenAPIOperation(
                    method: method, path: "/\(mount)/{name}/{path}", summary: "what the \(mount) workload serves (its source decides the meaning of the path)",
                    tag: "surfaces", parameters: [name, pathParameter("path", "a path inside the live build or the source's own routes")],
                    body: method == "post" ? .raw("application/octet-stream") : nil,
                    success: [200: ("the file or answer", nil)], errors: [404], textAnswer: "application/octet-stream")
            }
        }
    }
}
