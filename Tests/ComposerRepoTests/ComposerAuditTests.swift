import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// `composer audit` against Ferry: packages.json announces the advisories API when advisories are
/// configured, advisories for WordPress packages come from a feed in the API's own shape, and a
/// malformed entry in that feed is skipped with a log line instead of breaking the audit.
@Suite(.serialized, .offPool) struct ComposerAuditTests {
    typealias Upstreams = ComposerClientTests.Upstreams

    static let feed = """
        {"advisories": {
          "wp-plugin/hello-dolly": [
            {"advisoryId": "FERRY-2024-1", "affectedVersions": ">=1.0,<1.8.0", "title": "Lyrics injection in Hello Dolly",
             "cve": "CVE-2024-99999", "link": "https://example.org/advisories/1", "reportedAt": "2024-11-01 10:00:00", "severity": "high"},
            {"advisoryId": "FERRY-2024-2", "affectedVersions": "this is not a constraint!!", "title": "Broken entry", "reportedAt": "2024-11-02 10:00:00"},
            {"advisoryId": "FERRY-2024-3", "affectedVersions": "<1.0", "title": "No date"}
          ],
          "Not A Package": [{"advisoryId": "X", "affectedVersions": "*", "title": "x", "reportedAt": "2024-01-01 00:00:00"}]
        }}
        """

    @Test func composerAuditReportsASeededAdvisoryAndSkipsMalformedOnes() async throws {
        let up = try Upstreams()
        up.wp.setAdvisories(Self.feed)
        try await up.wp.run { wpBase in
            try await LiveFerry.run(in: up.temp.url) { ferry, _ in
                let workload = up.workload(wpBase, extra: "    advisories: { url: \"\(wpBase)/advisories.json\" }")
                let applied = try await ferry.post("/api/apply", workload, contentType: "application/yaml")
                #expect(applied.status == 200, "\(String(decoding: applied.body, as: UTF8.self))")
                let deploy = try await ferry.run("wp", "deploy")
                let root = try await ferry.json("/composer/wp/packages.json")
                #expect(root["security-advisories"]?["api-url"] == .string("\(ferry.base)/composer/wp/security-advisories"))

                let log = try await ferry.text("/api/jobs/\(deploy["id"]?.stringValue ?? "")/log")
                #expect(log.contains("FERRY-2024-2: affectedVersions is not a Composer version constraint"), "\(log)")
                #expect(log.contains("FERRY-2024-3: reportedAt is not a date"))
                #expect(log.contains("\"Not A Package\": not a Composer package name"))

                let composer = try ComposerClient(in: up.temp.url, repository: "\(ferry.base)/composer/wp")
                try await composer.run(["require", "wp-plugin/hello-dolly:1.7.2", "acme/lib:^1.0"])
                let audit = await #expect(throws: ComposerClient.Failure.self) { try await composer.run(["audit"], installing: false) }
                let report = audit?.description ?? ""
                #expect(report.contains("CVE-2024-99999") && report.contains("Lyrics injection"), "\(report)")
                #expect(!report.contains("Broken entry"))

                // The fixed version audits clean; the form Composer posts and a GET both answer.
                try await composer.run(["require", "wp-plugin/hello-dolly:^1.8", "--no-update"])
                try up.wp.set("hello-dolly", .plugin(.init(version: "1.8.0", versions: ["1.7.2", "1.8.0"], lastUpdated: "2024-11-20 9:05am GMT")))
                _ = try await ferry.run("wp", "deploy")
                try await composer.run(["update"])
                let clean = try await composer.run(["audit"], installing: false)
                #expect(clean.contains("No security vulnerability advisories found"), "\(clean)")

                let posted = try await ferry.post(
                    "/composer/wp/security-advisories", "packages%5B0%5D=wp-plugin%2Fhello-dolly&packages%5B1%5D=acme%2Flib",
                    contentType: "application/x-www-form-urlencoded")
                let answer = try JSONDecoder().decode(JSONValue.self, from: Data(posted.body))
                #expect(answer["advisories"]?["wp-plugin/hello-dolly"]?.arrayValue?.count == 1, "\(answer)")
                #expect(answer["advisories"]?["acme/lib"] == nil)
                let later = try await ferry.json("/composer/wp/security-advisories?packages[]=wp-plugin/hello-dolly&updatedSince=1750000000")
                #expect(later["advisories"] == .object([:]))
            }
        }
    }
}
