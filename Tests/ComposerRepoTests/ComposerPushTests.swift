import Crypto
import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// A git-push binding on a composer-repo workload: a signed push of one of its repositories
/// makes that repository's new commit live without asking WordPress.org or the other
/// repositories, and a push of another repository with an older commit time is not mistaken
/// for a replay (staleness is judged per repository).
@Suite(.serialized, .offPool) struct ComposerPushTests {
    typealias Upstreams = ComposerClientTests.Upstreams

    /// GitHub's push body for `commit` on `main` of `repository`, as the forge sends it.
    static func push(repository: String, cloneURL: String, before: String, commit: String, time: String) -> String {
        let body: JSONValue = .object([
            "ref": .string("refs/heads/main"), "before": .string(before), "after": .string(commit),
            "created": .bool(false), "deleted": .bool(false), "forced": .bool(false),
            "repository": .object(["full_name": .string(repository), "clone_url": .string(cloneURL)]),
            "pusher": .object(["name": .string("dev")]),
            "commits": .array([.object(["id": .string(commit), "timestamp": .string(time), "added": .array([.string("src/New.php")]), "removed": .array([]), "modified": .array([])])]),
            "head_commit": .object(["id": .string(commit), "timestamp": .string(time)]),
        ])
        return String(decoding: body.canonicalData(), as: UTF8.self)
    }

    static func headers(_ body: String, secret: String) -> [String: String] {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return [
            "X-GitHub-Event": "push", "X-GitHub-Delivery": UUID().uuidString,
            "X-Hub-Signature-256": "sha256=" + mac.map { String(format: "%02x", $0) }.joined(),
        ]
    }

    @Test func aPushMakesThatRepositorysCommitLiveAndNothingElseIsAsked() async throws {
        let up = try Upstreams()
        try await up.deployed { ferry in
            let created = try await ferry.post("/api/bindings", #"{"kind": "git-push", "workloads": [{"name": "wp", "action": "deploy"}]}"#)
            let binding = try JSONDecoder().decode(JSONValue.self, from: Data(created.body))
            let id = try #require(binding["id"]?.stringValue), secret = try #require(binding["secret"]?.stringValue)

            let before = try up.lib.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            let pushed = try up.lib.commit(["src/New.php": "<?php // pushed\n"])
            up.wp.resetRequests()
            let body = Self.push(repository: "acme/lib", cloneURL: up.lib.url, before: before, commit: pushed, time: "2026-12-06T10:00:00Z")
            let answer = try await ferry.post("/hooks/\(id)", body, headers: Self.headers(body, secret: secret))
            #expect(answer.status == 202, "\(String(decoding: answer.body, as: UTF8.self))")
            let jobs = try JSONDecoder().decode(JSONValue.self, from: Data(answer.body))["jobs"]?.arrayValue ?? []
            let job = try #require(jobs.first?.stringValue)
            _ = try await ferry.wait(job: job)
            #expect(try await ferry.text("/composer/wp/p2/acme/lib~dev.json").contains(pushed), "the pushed commit is live")
            #expect(up.wp.infoRequests.isEmpty, "WordPress.org is not asked after a push")
            let log = try await ferry.text("/api/jobs/\(job)/log")
            #expect(log.contains("updating only this repository") && !log.contains("installers has"), "\(log)")

            // composer/installers, pushed later with a commit made earlier: not stale.
            let installersRepo = up.temp.url.appendingPathComponent("installers")
            let old = try Shell.run(["git", "-C", installersRepo.path, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            try Data("{\"name\": \"composer/installers\", \"type\": \"library\", \"description\": \"two\"}".utf8)
                .write(to: installersRepo.appendingPathComponent("composer.json"))
            _ = try Shell.run(["git", "-C", installersRepo.path, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qam", "two"])
            let second = try Shell.run(["git", "-C", installersRepo.path, "rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            let older = Self.push(repository: "composer/installers", cloneURL: "file://\(installersRepo.path)", before: old, commit: second, time: "2026-12-01T10:00:00Z")
            let accepted = try await ferry.post("/hooks/\(id)", older, headers: Self.headers(older, secret: secret))
            let outcome = try JSONDecoder().decode(JSONValue.self, from: Data(accepted.body))
            #expect(accepted.status == 202 && outcome["outcome"] == .string("accepted"), "\(outcome)")
            if let next = outcome["jobs"]?.arrayValue?.first?.stringValue { _ = try await ferry.wait(job: next) }
            #expect(try await ferry.text("/composer/wp/p2/composer/installers~dev.json").contains(second))
        }
    }
}
