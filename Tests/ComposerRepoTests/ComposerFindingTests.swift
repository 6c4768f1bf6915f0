import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Finding packages the way Composer and other mirrors do: `composer search` (the `search` URL),
/// `composer show --all` and `list.json` (`filter`, `vendor`, `type`), and the Packagist-shaped
/// `metadata/changes.json` feed another mirror follows.
@Suite(.serialized, .offPool) struct ComposerFindingTests {
    typealias Upstreams = ComposerClientTests.Upstreams

    @Test func composerSearchAndShowAllFindWhatTheRepositoryServes() async throws {
        let up = try Upstreams()
        try await up.deployed { ferry in
            let root = try await ferry.json("/composer/wp/packages.json")
            #expect(root["search"] == .string("/composer/wp/search.json?q=%query%&type=%type%"))
            #expect(root["list"] == .string("/composer/wp/list.json"))

            let composer = try ComposerClient(in: up.temp.url, repository: "\(ferry.base)/composer/wp")
            let dolly = try await composer.run(["search", "dolly"], installing: false)
            #expect(dolly.contains("wp-plugin/hello-dolly"), "\(dolly)")
            #expect(!dolly.contains("acme/lib"))
            let libraries = try await composer.run(["search", "--type", "library", "acme"], installing: false)
            #expect(libraries.contains("acme/lib") && !libraries.contains("hello-dolly"), "\(libraries)")
            let all = try await composer.run(["show", "--all"], installing: false)
            for name in ["acme/lib", "composer/installers", "wp-plugin/closing-soon", "wp-plugin/hello-dolly"] {
                #expect(all.contains(name), "\(name) missing from show --all:\n\(all)")
            }

            let page = try await ferry.json("/composer/wp/search.json?q=&per_page=2")
            #expect(page["total"] == .number(4))
            #expect(page["results"]?.arrayValue?.count == 2)
            #expect(page["next"]?.stringValue?.contains("page=2") == true)
            let plugins = try await ferry.json("/composer/wp/list.json?filter=wp-plugin/*")
            #expect(plugins["packageNames"] == .array([.string("wp-plugin/closing-soon"), .string("wp-plugin/hello-dolly")]))
            #expect(try await ferry.json("/composer/wp/list.json?vendor=acme")["packageNames"] == .array([.string("acme/lib")]))
            #expect(try await ferry.json("/composer/wp/list.json?type=library")["packageNames"]?.arrayValue?.count == 2)
        }
    }

    @Test func theChangeFeedReportsUpdatesAndClosuresSinceATimestamp() async throws {
        let up = try Upstreams()
        try await up.deployed { ferry in

            // Without `since`, Packagist's answer: 400 and the timestamp to start from.
            let start = try await ferry.get("/composer/wp/metadata/changes.json")
            #expect(start.status == 400)
            let first = try JSONDecoder().decode(JSONValue.self, from: Data(start.body))
            let since = try #require(first["timestamp"]?.numberValue.map { Int64($0) })
            #expect(try await ferry.get("/composer/wp/metadata/changes.json?since=tomorrow").status == 400)
            let nothing = try await ferry.json("/composer/wp/metadata/changes.json?since=\(since + 20_000)")
            #expect(nothing["actions"] == .array([]), "\(nothing)")

            try await Task.sleep(for: .milliseconds(1_100))
            let marker = try await ferry.json("/composer/wp/metadata/changes.json?since=\(since)")["timestamp"]?.numberValue.map { Int64($0) }
            let after = try #require(marker)
            try up.wp.set("hello-dolly", .plugin(.init(version: "1.8.0", versions: ["1.6", "1.7.2", "1.8.0"], lastUpdated: "2024-11-20 9:05am GMT")))
            try up.wp.set("closing-soon", .closed)
            _ = try await ferry.run("wp", "check-status")
            _ = try await ferry.run("wp", "deploy")

            let changes = try await ferry.json("/composer/wp/metadata/changes.json?since=\(after)")
            let actions = (changes["actions"]?.arrayValue ?? []).map { "\($0["type"]?.stringValue ?? "?") \($0["package"]?.stringValue ?? "?")" }
            #expect(actions.contains("update wp-plugin/hello-dolly"), "\(actions)")
            #expect(actions.contains("delete wp-plugin/closing-soon"), "\(actions)")
            #expect(!actions.contains { $0.hasSuffix("acme/lib") }, "an unchanged package is not reported: \(actions)")
            #expect((changes["timestamp"]?.numberValue ?? 0) > Double(after))
        }
    }
}
