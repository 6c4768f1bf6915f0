import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

@Suite(.offPool) struct ConfigAndValidationTests {
    @Test(arguments: [
        (#"{}"#, "source.config"),
        (#"{"wordpress": {"plugins": ["Bad Slug"]}}"#, "source.config.wordpress.plugins[0]"),
        (#"{"wordpress": {"api": "ftp://x"}}"#, "source.config.wordpress.api"),
        (#"{"vcs": [{"url": "not a url"}]}"#, "source.config.vcs[0].url"),
        (#"{"vcs": [{"url": "https://bot:s3cret-token@git.example.com/acme/lib.git"}]}"#, "source.config.vcs[0].url"),
        (#"{"proxy": [{"url": "https://bot:s3cret@repo.example.org", "packages": ["acme/*"]}]}"#, "source.config.proxy[0].url"),
        (#"{"proxy": [{"url": "https://repo.example.org", "packages": []}]}"#, "source.config.proxy[0].packages"),
        (#"{"proxy": [{"url": "https://repo.example.org", "packages": ["Not A Name"]}]}"#, "source.config.proxy[0].packages[0]"),
        (#"{"proxy": [{"url": "http://repo.example.org", "authEnv": "TOKEN", "packages": ["acme/*"]}]}"#, "source.config.proxy[0].url"),
        (#"{"proxy": [{"url": "https://repo.example.org", "packages": ["acme/*"], "ttl": "soon"}]}"#, "source.config.proxy[0].ttl"),
    ])
    func badConfigNamesTheField(_ json: String, _ field: String) throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))
        #expect { try ComposerConfig.load(from: value, git: GitPolicy()) } throws: { error in
            guard let error = error as? FerryError else { return false }
            return error.field == field && !error.message.contains("s3cret")
        }
    }

    @Test func aProxyOnlyConfigIsEnough() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"proxy": [{"url": "https://repo.example.org", "authEnv": "TOKEN", "packages": ["acme/*", "laravel/framework"]}]}"#.utf8))
        let config = try ComposerConfig.load(from: value, git: GitPolicy())
        #expect(config.proxy?.first?.offers("acme/tool") == true && config.proxy?.first?.offers("laravel/ui") == false)
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
        #expect { try RepositoryValidator(locate: { root.appendingPathComponent($0).path }).validate(manifest, fresh: []) } throws: {
            ($0 as? FerryError)?.message.contains("a/b is announced but its p2 files are missing") == true
        }
    }
}
