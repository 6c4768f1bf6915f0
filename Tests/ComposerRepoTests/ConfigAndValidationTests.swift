import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

@Suite struct ConfigAndValidationTests {
    @Test(arguments: [
        (#"{}"#, "source.config"),
        (#"{"wordpress": {"plugins": ["Bad Slug"]}}"#, "source.config.wordpress.plugins[0]"),
        (#"{"wordpress": {"api": "ftp://x"}}"#, "source.config.wordpress.api"),
        (#"{"vcs": [{"url": "not a url"}]}"#, "source.config.vcs[0].url"),
        (#"{"vcs": [{"url": "https://bot:s3cret-token@git.example.com/acme/lib.git"}]}"#, "source.config.vcs[0].url"),
    ])
    func badConfigNamesTheField(_ json: String, _ field: String) throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect { try ComposerConfig.load(from: value, git: GitPolicy()) } throws: { error in
            guard let error = error as? FerryError else { return false }
            return error.field == field && !error.message.contains("s3cret")
        }
    }

    @Test func aBuildWithAMissingFileFailsValidation() throws {
        let ctx = try PluginTestContext(kind: "composer-repo", config: .object([:]))
        defer { ctx.cleanUp() }
        let root = ctx.buildDirectory
        try Data(#"{"packages":{},"metadata-url":"/p2/%package%.json","notify-batch":"http://h/downloads","available-packages":["a/b"]}"#.utf8)
            .write(to: root.appendingPathComponent("packages.json"))
        let manifest = ContentManifest(
            buildID: "b", workload: "w", snapshot: 1, createdAt: Date(), counts: [:], timings: [:], packages: [:],
            files: [.init(path: "packages.json", size: 120, sha256: "x")])
        #expect { try RepositoryValidator(root: root).validate(manifest, fresh: []) } throws: {
            ($0 as? FerryError)?.message.contains("a/b is announced but its p2 files are missing") == true
        }
    }
}
