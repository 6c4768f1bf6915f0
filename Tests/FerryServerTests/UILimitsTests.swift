import FerryCore
import Foundation
import PluginTestKit
import Testing

/// The web UI's forms are bounded like the API: by size (`limits.formBody`) and by how deep
/// their dotted field names nest (`limits.depth`), and an oversize form changes nothing.
@Suite(.offPool) struct UILimitsTests {
    @Test func aFormFieldNestedDeeperThanTheLimitIs400NotACrash() async throws {
        try await UIFerry.run { browser, engine, _ in
            // The wizard maps `source.config.*` into a tree, one level per dotted part.
            let deep = "source.config." + Array(repeating: "a", count: 100_000).joined(separator: ".")
            let page = try await browser.post("/new", [("name", "deep"), ("source.kind", "static-site"), (deep, "x")])
            #expect(page.status == .badRequest)
            #expect(page.html.contains("nested deeper than 64 levels (limits.depth)"))
            #expect(try engine.database.workloads().isEmpty)
            #expect(try await browser.get("/").status == .ok)
        }
    }

    @Test func aFormOverOneMiBIs413NamingTheLimit() async throws {
        try await UIFerry.run { browser, engine, _ in
            let page = try await browser.post("/new", [("name", "big"), ("note", String(repeating: "x", count: 2 << 20))])
            #expect(page.status == .contentTooLarge)
            #expect(page.html.contains("request body is larger than 1 MiB (limits.formBody)"))
            #expect(try engine.database.workloads().isEmpty)
        }
    }
}
