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
        let validator = RepositoryValidator(locate: { root.appendingPathComponent($0).path })
        #expect { try validator.validate(files: ["packages.json": 120], packages: [:], fresh: []) } throws: {
            ($0 as? FerryError)?.message.contains("a/b is announced but its p2 files are missing") == true
        }
    }

    @Test func aWrittenFileThatDoesNotReadBackAsWrittenFailsValidation() throws {
        let ctx = try PluginTestContext(kind: "composer-repo", config: .object([:]))
        defer { ctx.cleanUp() }
        let root = ctx.buildDirectory
        let packages = Data(#"{"packages":{},"metadata-url":"/p2/%package%.json","notify-batch":"http://h/downloads","available-packages":["a/b"]}"#.utf8)
        try packages.write(to: root.appendingPathComponent("packages.json"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("p2/a"), withIntermediateDirectories: true)
        let p2 = Data(#"{"minified":"composer/2.0","packages":{"a/b":[]}}"#.utf8)
        try p2.write(to: root.appendingPathComponent("p2/a/b.json"))
        try Data("not json".utf8).write(to: root.appendingPathComponent("p2/a/b~dev.json"))
        let validator = RepositoryValidator(locate: { root.appendingPathComponent($0).path })
        let files: [String: Int64] = ["packages.json": Int64(packages.count), "p2/a/b.json": Int64(p2.count), "p2/a/b~dev.json": 8]
        let package = ContentManifest.Package(stamp: 1, files: ["p2/a/b.json", "p2/a/b~dev.json"], versions: 1, name: "a/b")
        #expect(package.files == nil && package.paths("a/b") == ["p2/a/b.json", "p2/a/b~dev.json"], "a package's two p2 paths are not written out")

        try validator.validate(files: files, packages: ["a/b": package], fresh: ["packages.json", "p2/a/b.json"])
        #expect { try validator.validate(files: files, packages: ["a/b": package], fresh: Set(files.keys)) } throws: {
            ($0 as? FerryError)?.message.contains("p2/a/b~dev.json does not read back as Composer 2 metadata") == true
        }
        #expect { try validator.validate(files: files.merging(["p2/a/b.json": 1]) { $1 }, packages: [:], fresh: ["p2/a/b.json"]) } throws: {
            ($0 as? FerryError)?.message.contains("p2/a/b.json is missing or not 1 bytes") == true
        }
        let stray = ContentManifest.Package(stamp: 1, files: ["p2/a/c.json"], versions: 1, name: "a/c")
        #expect { try validator.validate(files: files, packages: ["a/c": stray], fresh: []) } throws: {
            ($0 as? FerryError)?.message.contains("a/c: p2/a/c.json is not in the build") == true
        }
    }
}
