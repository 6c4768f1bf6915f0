import FerryCore
import Foundation
import Testing

/// `WorkloadFile.parse`: YAML or JSON, one or many documents, syntax errors with a line number.
@Suite struct WorkloadFileTests {
    @Test func oneYAMLDocument() throws {
        let documents = try WorkloadFile.parse("""
            name: docs
            source:
              kind: static-site
              config: { repo: "https://git.example.com/docs.git", markdown: true, depth: 3 }
            """)
        #expect(documents.count == 1)
        #expect(documents[0].index == 0)
        #expect(documents[0].value == .object([
            "name": .string("docs"),
            "source": .object([
                "kind": .string("static-site"),
                "config": .object([
                    "repo": .string("https://git.example.com/docs.git"), "markdown": .bool(true), "depth": .number(3),
                ]),
            ]),
        ]))
    }

    @Test func manyYAMLDocumentsSeparatedByDashes() throws {
        let documents = try WorkloadFile.parse("""
            name: one
            ---
            name: two
            triggers: [ { kind: manual } ]
            ---
            name: three
            """)
        #expect(documents.map { $0.value["name"] } == [.string("one"), .string("two"), .string("three")])
        #expect(documents.map(\.index) == [0, 1, 2])
        #expect(documents[1].value["triggers"] == .array([.object(["kind": .string("manual")])]))
    }

    @Test func emptyDocumentsBetweenSeparatorsAreSkipped() throws {
        let documents = try WorkloadFile.parse("---\nname: one\n---\n---\nname: two\n")
        #expect(documents.map { $0.value["name"] } == [.string("one"), .string("two")])
    }

    @Test func aTrailingSeparatorAddsNoDocument() throws {
        let documents = try WorkloadFile.parse("name: one\n---\n")
        #expect(documents.map(\.value) == [.object(["name": .string("one")])])
    }

    @Test func aJSONObject() throws {
        let documents = try WorkloadFile.parse(#"{"name": "docs", "suspend": false, "parent": null, "volumes": [{"name": "c"}]}"#)
        #expect(documents.count == 1)
        #expect(documents[0].value == .object([
            "name": .string("docs"), "suspend": .bool(false), "parent": .null, "volumes": .array([.object(["name": .string("c")])]),
        ]))
    }

    @Test func aJSONArrayIsManyDocuments() throws {
        let documents = try WorkloadFile.parse(#"[{"name": "a"}, {"name": "b"}, {"name": "c"}]"#)
        #expect(documents.map { $0.value["name"] } == [.string("a"), .string("b"), .string("c")])
        // Each document is numbered on its own, so "(document N)" in an error points at the right one.
        #expect(documents.map(\.index) == [0, 1, 2])
    }

    @Test(arguments: ["", "   \n\n  ", "# only a comment\n", "---\n---\n"])
    func aFileWithNoDocumentIsAnError(text: String) {
        let error = #expect(throws: FerryError.self) { try WorkloadFile.parse(text, fileName: "site.yaml") }
        #expect(error?.code == .invalidInput)
        #expect(error?.message == "site.yaml: the file holds no workload document")
    }

    @Test func invalidYAMLNamesTheFileAndTheLine() {
        let text = """
            name: docs
            source:
              kind: static-site
              config: { repo: "https://x.example.com/a.git"
            triggers: []
            """
        let error = #expect(throws: FerryError.self) { try WorkloadFile.parse(text, fileName: "docs.yaml") }
        #expect(error?.code == .invalidInput)
        #expect(error?.message.hasPrefix("docs.yaml: invalid YAML") == true)
        #expect(error?.message.contains("line 5") == true, "\(error?.message ?? "")")
    }

    @Test func anErrorInALaterDocumentIsNotDroppedSilently() {
        let error = #expect(throws: FerryError.self) { try WorkloadFile.parse("name: one\n---\nname: two\nsource: [x\n", fileName: "two.yaml") }
        #expect(error?.message.hasPrefix("two.yaml: invalid YAML") == true, "\(error?.message ?? "")")
    }

    @Test func theLineNumberIsOneBased() {
        let error = #expect(throws: FerryError.self) { try WorkloadFile.parse("name: docs: dev\n", fileName: "a.yaml") }
        #expect(error?.message.contains("line 1,") == true, "\(error?.message ?? "")")
        let tab = #expect(throws: FerryError.self) { try WorkloadFile.parse("name: docs\nsource:\n\tkind: x\n", fileName: "b.yaml") }
        #expect(tab?.message.contains("line 3") == true, "\(tab?.message ?? "")")
    }

    @Test func quotedScalarsStayStrings() throws {
        let documents = try WorkloadFile.parse("""
            a: "true"
            b: true
            c: '5'
            d: 5
            e: "1.5"
            f: 1.5
            g: "null"
            h: null
            i: "2024-01-01"
            """)
        let value = try #require(documents.first?.value)
        #expect(value["a"] == .string("true"))
        #expect(value["b"] == .bool(true))
        #expect(value["c"] == .string("5"))
        #expect(value["d"] == .number(5))
        #expect(value["e"] == .string("1.5"))
        #expect(value["f"] == .number(1.5))
        #expect(value["g"] == .string("null"))
        #expect(value["h"] == .null)
        #expect(value["i"] == .string("2024-01-01"))
    }

    @Test func numbersKeepTheirTypeName() throws {
        let value = try #require(try WorkloadFile.parse("port: 8080\nratio: 0.5\n").first?.value)
        #expect(value["port"]?.typeName == "integer")
        #expect(value["ratio"]?.typeName == "number")
    }

    /// Found by fuzzing: Yams' constructor traps on a mapping key that is a list or a mapping, so
    /// an 8-byte `ferry apply` body stopped the whole server. Now each is a 400 naming the line.
    @Test(arguments: ["{[a]: b}", "? [a]\n: b\n", "name: x\n? {k: v}\n: y\n", "s: !!set {a, b}\n", "o: !!omap [a: 1]\n", "b: !!binary aGVsbG8=\n"])
    func unbuildableYAMLIsRefusedNamingTheLine(_ text: String) {
        let error = #expect(throws: FerryError.self) { try WorkloadFile.parse(text, fileName: "w.yaml") }
        #expect(error?.message.hasPrefix("w.yaml: line ") == true, "\(error?.message ?? "")")
    }

    @Test func theFuzzersReproducerIsRefusedNotTrappedOn() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Corpus/WorkloadFileFuzz/found-crash-87c7345679abb0ca034775bb1afb38b36890c1b2").standardizedFileURL
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(throws: FerryError.self) { try WorkloadFile.parse(text, fileName: "found.yaml") }
    }
}
