import FerryCore
import Foundation
import Testing

/// `JSONValue(parsing:)`: the direct JSON reader webhook bodies, stored configs and packuments go
/// through. It must read what `JSONDecoder` reads, to the same value, and refuse what RFC 8259
/// refuses, saying where.
@Suite struct JSONParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../GitPushTriggerTests/Fixtures").standardized

    static let documents = [
        #"{"a": [1, -2, 3.25, -0.5e3, 1E2, 12345678901234567890], "b": {"c": null, "d": true, "e": false}}"#,
        #"["", "plain", "tab\tnew\nline", "quote \" slash \/ back \\", "\u00e9\u4e2d", "\ud83d\ude00 face"]"#,
        #"  "top-level string"  "#,
        "0", "-0", "123456789012345", "1234567890123456", "9007199254740993", "[[[[[]]]]]", "{}", "[]",
        #"{"emoji":"😀","nul":"\u0000","keys":{"ключ":"значение"}}"#, #"{"a": 1, "b": 2, "a": 3}"#,
    ]

    @Test(arguments: documents) func readsWhatJSONDecoderReads(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: Data(text.utf8)) == expected)
    }

    @Test func readsEveryRealWebhookBodyAsJSONDecoderDoes() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 10)
        for file in files {
            let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(file))
            #expect(try JSONValue(parsing: data) == JSONDecoder().decode(JSONValue.self, from: data), "\(file)")
        }
    }

    @Test func integersBeyondFifteenDigitsAreReadAsDoublesAre() throws {
        #expect(try JSONValue(parsing: "12345678901234567") == .number(Double("12345678901234567")!))
        #expect(try JSONValue(parsing: "-7") == .number(-7))
        #expect(try JSONValue(parsing: "2.5e-3") == .number(0.0025))
    }

    static let invalid: [(String, String)] = [
        ("", "unexpected end"), ("{", "expected a member name"), (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":1,}"#, "expected a member name"), ("[1,]", "unexpected character"), ("[1 2]", "expected ',' or ']'"),
        ("01", "leading zero"), ("1.", "digits after '.'"), ("1e", "exponent"), ("-", "invalid number"),
        ("tru", "expected true"), (#""abc"#, "unterminated string"), ("\"a\u{01}b\"", "control character"),
        (#""\x""#, "invalid escape"), (#""\u12zz""#, "invalid hex digit"), (#""\u12""#, "short \\u escape"), (#""\ud83d""#, "unpaired surrogate"),
        (#""\ude00""#, "unpaired surrogate"), ("1 2", "after the JSON value"), ("1e400", "out of range"),
        ("{'a': 1}", "member name"), ("NaN", "unexpected character"),
    ]

    @Test(arguments: invalid) func refusesWhatRFC8259Refuses(_ text: String, _ reason: String) {
        #expect {
            try JSONValue(parsing: text)
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
    }

    @Test func errorsSayWhereReadingStopped() throws {
        do {
            _ = try JSONValue(parsing: #"{"a": [1, 2, }"#)
            Issue.record("parsed invalid JSON")
        } catch {
            #expect(error.offset == 13)
        }
    }

    @Test func nestingIsLimitedWithoutRecursingIntoIt() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            try JSONValue(parsing: deep, maxDepth: 64)
        } throws: { error in
            String(describing: error).contains("nested deeper than 64 levels")
        }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue(parsing: fine, maxDepth: 64) }
    }

    @Test func canonicalTextReadsBackAsTheSameValue() throws {
        for text in Self.documents {
            let value = try JSONValue(parsing: text)
            #expect(try JSONValue(parsing: value.canonicalData()) == value)
        }
    }
}
