import FerryCore
import Foundation
import Testing

/// `WorkloadFile.Limits` and the JSON depth scan: what is counted, and that ordinary files pass.
@Suite struct DocumentLimitsTests {
    static let tight = WorkloadFile.Limits(bytes: 1 << 20, depth: 8, nodes: 100, depthKey: "limits.depth", nodesKey: "limits.documentNodes")

    static func message(_ text: String, limits: WorkloadFile.Limits = tight) -> String? {
        do {
            _ = try WorkloadFile.parse(text, fileName: "f.yaml", limits: limits)
            return nil
        } catch let error as FerryError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func anAliasCostsWhatItsAnchorExpandsTo() {
        // 10 scalars + 1 list = 11 nodes per anchor; ten aliases of it are 110 > 100.
        let list = "[" + Array(repeating: "x", count: 10).joined(separator: ", ") + "]"
        let tenAliases = "a: &a \(list)\nb: [" + Array(repeating: "*a", count: 10).joined(separator: ", ") + "]\n"
        #expect(Self.message(tenAliases)?.hasPrefix("f.yaml: expands to more than 100 nodes once YAML aliases are followed (limits.documentNodes)") == true)
        let fiveAliases = "a: &a \(list)\nb: [" + Array(repeating: "*a", count: 5).joined(separator: ", ") + "]\n"
        #expect(Self.message(fiveAliases) == nil)
    }

    @Test func mergeKeysAreAliasesToo() {
        let base = "base: &b {" + (0..<15).map { "k\($0): \($0)" }.joined(separator: ", ") + "}\n"
        let merged = base + (0..<3).map { "m\($0): { <<: *b }" }.joined(separator: "\n") + "\n"
        #expect(Self.message(merged)?.contains("expands to more than 100 nodes") == true)
        #expect(Self.message(base + "m: { <<: *b, own: 1 }\n") == nil)
    }

    @Test func depthCountsFlowBlockAndAliasedLevels() {
        #expect(Self.message("a: " + String(repeating: "[", count: 8) + String(repeating: "]", count: 8)) == "f.yaml: nested deeper than 8 levels (limits.depth)")
        #expect(Self.message("a: " + String(repeating: "[", count: 6) + String(repeating: "]", count: 6)) == nil)
        #expect(Self.message(String(repeating: "- ", count: 9) + "x\n") == "f.yaml: nested deeper than 8 levels (limits.depth)")
        let aliased = "a: &a [[[[1]]]]\nb: [[[[*a]]]]\n"
        #expect(Self.message(aliased) == "f.yaml: nested deeper than 8 levels (limits.depth)")
    }

    @Test func eachDocumentOfAFileCountsTowardsTheBudget() {
        let doc = "[" + Array(repeating: "x", count: 40).joined(separator: ", ") + "]"
        #expect(Self.message([doc, doc].joined(separator: "\n---\n")) == nil)
        #expect(Self.message([doc, doc, doc].joined(separator: "\n---\n"))?.contains("expands to more than 100 nodes") == true)
    }

    @Test func aSyntaxErrorIsStillDescribedByTheComposer() {
        #expect(Self.message("a: [1, 2\n")?.contains("invalid YAML") == true)
    }

    @Test func theJSONDepthScanIgnoresBracketsInStrings() throws {
        let inString = #"{"a": "[[[[[[[[[[[[[[[[[[[[", "b": "\"[[[["}"#
        #expect(!JSONValue.depth(ofJSON: Data(inString.utf8), exceeds: 2))
        #expect(JSONValue.depth(ofJSON: Data("[[[1]]]".utf8), exceeds: 2))
        #expect {
            try JSONValue.decode(json: Data("[[[1]]]".utf8), maxDepth: 2, what: "body", limitKey: "limits.depth")
        } throws: { error in
            (error as? FerryError)?.message == "body: nested deeper than 2 levels (limits.depth)"
        }
        #expect(try JSONValue.decode(json: Data(inString.utf8), maxDepth: 2, what: "body")["a"] == .string(String(repeating: "[", count: 20)))
    }

    @Test func byteCountsReadAsPeopleWriteThem() {
        #expect(ByteCount.text(4 << 20) == "4 MiB")
        #expect(ByteCount.text(1536) == "1.5 KiB")
        #expect(ByteCount.text(100) == "100 bytes")
    }
}
