import Crypto
import FerryCore
import Foundation
import HTTPTypes
import NIOCore

/// Builds webhook deliveries the way GitHub sends them: the real fixture body, adjusted to
/// name a branch and commit of a test repository, signed with HMAC-SHA256 over the raw bytes.
enum Webhook {
    static func fixture(_ name: String) throws -> JSONValue {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json") else {
            throw FerryError(.internal, "fixture \(name).json is missing")
        }
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// GitHub's push fixture, pointed at `branch` and `commit`, touching `paths`; `before` is the
    /// commit the branch left (the fixture's when nil), `forced` GitHub's force-push mark.
    static func githubPush(branch: String, commit: String, paths: [String] = ["public/index.html"], before: String? = nil, forced: Bool = false) throws -> String {
        guard case .object(var body) = try fixture("github-push") else { throw FerryError(.internal, "fixture is not an object") }
        body["ref"] = .string("refs/heads/\(branch)")
        body["after"] = .string(commit)
        if let before { body["before"] = .string(before) }
        body["forced"] = .bool(forced)
        body["deleted"] = .bool(false)
        body["commits"] = .array([.object(["id": .string(commit), "added": .array([]), "removed": .array([]), "modified": .array(paths.map(JSONValue.string))])])
        return String(decoding: JSONValue.object(body).canonicalData(), as: UTF8.self)
    }

    static func signature(_ body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func headers(event: String, delivery: String, body: String, secret: String?) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields[HTTPField.Name("X-GitHub-Event")!] = event
        fields[HTTPField.Name("X-GitHub-Delivery")!] = delivery
        if let secret { fields[HTTPField.Name("X-Hub-Signature-256")!] = signature(body, secret: secret) }
        return fields
    }
}

extension TestFerry.Client {
    /// Posts a delivery to a binding's hook and returns the status and the JSON answer.
    func deliver(to binding: String, event: String = "push", delivery: String = UUID().uuidString, body: String, secret: String?) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await raw.execute(
            uri: "/hooks/\(binding)", method: .post, headers: Webhook.headers(event: event, delivery: delivery, body: body, secret: secret),
            body: ByteBuffer(string: body))
        return (response.status, (try? decode(response)) ?? .null)
    }

    /// Creates a git-push binding for the given workloads and returns its id and secret.
    func gitPushBinding(_ id: String, targets: [(String, JSONValue)]) async throws -> String {
        let workloads = targets.map { "{\"name\": \"\($0.0)\", \"action\": \"deploy\", \"filters\": \(String(decoding: $0.1.canonicalData(), as: UTF8.self))}" }
        let response = try await send(.post, "/api/bindings", "{\"id\": \"\(id)\", \"kind\": \"git-push\", \"workloads\": [\(workloads.joined(separator: ","))]}")
        let binding = try decode(response)
        guard response.status == .created, let secret = binding["secret"]?.stringValue else {
            throw FerryError(.internal, "binding not created: \(binding)")
        }
        return secret
    }
}
