import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

@Suite(.offPool) struct P2WriterTests {
    let versions: [JSONValue] = [
        .object(["name": .string("a/b"), "version": .string("2.0.0"), "version_normalized": .string("2.0.0.0"), "require": .object(["php": .string(">=8.1")]), "description": .string("B")]),
        .object(["name": .string("a/b"), "version": .string("1.0.0"), "version_normalized": .string("1.0.0.0"), "description": .string("B")]),
        .object(["name": .string("a/b"), "version": .string("dev-main"), "version_normalized": .string("dev-main"), "description": .string("B")]),
    ]

    @Test func minifiedVersionsExpandBackToTheOriginals() {
        let minified = P2Writer.minify(versions)
        #expect(minified[1] == .object(["version": .string("1.0.0"), "version_normalized": .string("1.0.0.0"), "require": .string("__unset")]))
        #expect(P2Writer.expand(minified) == versions)
    }

    @Test func tagsAndBranchesGoToTheirOwnFiles() throws {
        let (tagged, dev) = P2Writer.files(name: "a/b", versions: versions)
        let t = try JSONDecoder().decode(JSONValue.self, from: Data(tagged))
        let d = try JSONDecoder().decode(JSONValue.self, from: Data(dev))
        #expect(t["minified"] == .string("composer/2.0"))
        guard case .array(let tags)? = t["packages"]?["a/b"], case .array(let branches)? = d["packages"]?["a/b"] else {
            Issue.record("no package list"); return
        }
        #expect(P2Writer.expand(tags).map { $0["version"]!.plainText } == ["2.0.0", "1.0.0"])
        #expect(P2Writer.expand(branches).map { $0["version"]!.plainText } == ["dev-main"])
    }

    @Test func theSameValueAlwaysGivesTheSameBytes() {
        #expect(P2Writer.files(name: "a/b", versions: versions).tagged == P2Writer.files(name: "a/b", versions: versions).tagged)
        #expect(String(decoding: JSONText.bytes(.object(["u": .string("http://x/y\n\"z\"")])), as: UTF8.self) == #"{"u":"http://x/y\n\"z\""}"#)
    }
}
