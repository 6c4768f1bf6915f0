import FerryCore
import Foundation
import Testing

/// `JSONValue`: the plain-data form configs and parameters take before any plugin decodes them.
@Suite struct JSONValueTests {
    static let letters = (0..<26).map { String(UnicodeScalar(UInt8(97 + $0))) }

    @Test func canonicalDataDoesNotDependOnKeyOrder() throws {
        var forward: [String: JSONValue] = [:]
        for (i, key) in Self.letters.enumerated() { forward[key] = .number(Double(i)) }
        var backward: [String: JSONValue] = [:]
        backward.reserveCapacity(500)
        for (i, key) in Self.letters.enumerated().reversed() { backward[key] = .number(Double(i)) }

        let a = JSONValue.object(["outer": .object(forward), "list": .array([.object(forward)])])
        let b = JSONValue.object(["list": .array([.object(backward)]), "outer": .object(backward)])
        #expect(a.canonicalData() == b.canonicalData())
    }

    @Test func canonicalDataSortsKeysAtEveryLevel() throws {
        let first = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"b": 1, "a": {"z": true, "y": null}, "c": [{"q": "x", "p": 2.5}]}"#.utf8))
        let second = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"c": [{"p": 2.5, "q": "x"}], "a": {"y": null, "z": true}, "b": 1}"#.utf8))
        #expect(first == second)
        #expect(String(decoding: first.canonicalData(), as: UTF8.self) == #"{"a":{"y":null,"z":true},"b":1,"c":[{"p":2.5,"q":"x"}]}"#)
        #expect(first.canonicalData() == second.canonicalData())
    }

    @Test func canonicalDataDiffersWhenContentDiffers() {
        #expect(JSONValue.object(["a": .number(1)]).canonicalData() != JSONValue.object(["a": .number(2)]).canonicalData())
        #expect(JSONValue.array([.number(1), .number(2)]).canonicalData() != JSONValue.array([.number(2), .number(1)]).canonicalData())
        #expect(JSONValue.string("1").canonicalData() != JSONValue.number(1).canonicalData())
    }

    @Test func wholeNumbersEncodeWithoutAFraction() {
        #expect(String(decoding: JSONValue.number(5).canonicalData(), as: UTF8.self) == "5")
        #expect(String(decoding: JSONValue.number(-3).canonicalData(), as: UTF8.self) == "-3")
        #expect(String(decoding: JSONValue.number(1.5).canonicalData(), as: UTF8.self) == "1.5")
        #expect(String(decoding: JSONValue.string("a/b").canonicalData(), as: UTF8.self) == #""a/b""#)
    }

    @Test(arguments: [
        (JSONValue.null, "null"), (.bool(true), "boolean"), (.number(3), "integer"), (.number(-0.5), "number"),
        (.string("x"), "string"), (.array([]), "array"), (.object([:]), "object"),
    ])
    func typeNames(value: JSONValue, name: String) {
        #expect(value.typeName == name)
    }

    @Test func decodesBooleansAsBooleansNotNumbers() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"[true, 1, 0, false]"#.utf8))
        #expect(value == .array([.bool(true), .number(1), .number(0), .bool(false)]))
    }

    @Test func roundTripsThroughTypedStructs() throws {
        struct Config: Codable, Equatable { var repo: String; var depth: Int; var tags: [String] }
        let config = Config(repo: "r", depth: 2, tags: ["a"])
        let value = try JSONValue(encoding: config)
        #expect(value == .object(["repo": .string("r"), "depth": .number(2), "tags": .array([.string("a")])]))
        #expect(try value.decode(Config.self) == config)
    }

    @Test func accessors() {
        let value = JSONValue.object(["a": .string("x"), "n": .null])
        #expect(value["a"]?.stringValue == "x")
        #expect(value["missing"] == nil)
        #expect(value["n"]?.isNull == true)
        #expect(JSONValue.string("x")["a"] == nil)
        #expect(value.objectValue?.count == 2)
        #expect(JSONValue.number(1).stringValue == nil)
    }
}
