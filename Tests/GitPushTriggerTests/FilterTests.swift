import FerryCore
import GitPushTrigger
import Testing

struct FilterTests {
    let trigger = GitPushTrigger()

    func push(branch: String? = nil, tag: String? = nil, paths: [String]?) -> IngressDelivery {
        var payload: [String: JSONValue] = ["sender": .string("github"), "event": .string("push"), "commit": .string("abc")]
        if let branch { payload["branch"] = .string(branch) }
        if let tag { payload["tag"] = .string(tag) }
        payload["paths"] = paths.map { .array($0.map(JSONValue.string)) } ?? .null
        return IngressDelivery(sender: "github", event: "push", deliveryID: "d", summary: "s", payload: .object(payload), commit: "abc")
    }

    func filters(_ members: [String: [String]]) -> JSONValue {
        .object(members.mapValues { .array($0.map(JSONValue.string)) })
    }

    @Test func branchMatches() {
        let d = trigger.matches(push(branch: "main", paths: ["a"]), filters: filters(["branches": ["main"]]))
        #expect(d == FilterDecision(matches: true, reason: "branch main matches main"))
    }

    @Test func branchDoesNotMatch() {
        let d = trigger.matches(push(branch: "dev", paths: ["a"]), filters: filters(["branches": ["main"]]))
        #expect(d == FilterDecision(matches: false, reason: "branch dev does not match [main]"))
    }

    @Test func branchGlobWithSlash() {
        let f = filters(["branches": ["main", "release/*"]])
        #expect(trigger.matches(push(branch: "release/1.2", paths: nil), filters: f).matches)
        let deep = trigger.matches(push(branch: "release/1.2/fix", paths: nil), filters: f)
        #expect(deep == FilterDecision(matches: false, reason: "branch release/1.2/fix does not match [main, release/*]"))
    }

    @Test func noFiltersMatchEveryBranch() {
        #expect(trigger.matches(push(branch: "anything", paths: ["x"]), filters: .null).matches)
        #expect(trigger.matches(push(branch: "anything", paths: ["x"]), filters: .object([:])).matches)
    }

    @Test func noChangedPathMatches() {
        let d = trigger.matches(push(branch: "main", paths: ["src/app.swift", "README.md"]), filters: filters(["paths": ["public/**"]]))
        #expect(d == FilterDecision(matches: false, reason: "no changed path matches [public/**]"))
    }

    @Test func anyChangedPathMatchingIsEnough() {
        let d = trigger.matches(
            push(branch: "main", paths: ["src/app.swift", "public/css/site.css"]),
            filters: filters(["branches": ["main"], "paths": ["public/**", "*.md"]]))
        #expect(d == FilterDecision(matches: true, reason: "branch main matches main; path public/css/site.css matches public/**"))
    }

    @Test func unknownPathsDoNotBlock() {
        let d = trigger.matches(push(branch: "main", paths: nil), filters: filters(["paths": ["public/**"]]))
        #expect(d.matches)
        #expect(d.reason.contains("paths unknown"))
    }

    @Test func emptyPathListMatchesNoPathFilter() {
        #expect(!trigger.matches(push(branch: "main", paths: []), filters: filters(["paths": ["**"]])).matches)
    }

    @Test func tagPushNeedsTagsFilter() {
        let d = trigger.matches(push(tag: "v1.0.0", paths: nil), filters: filters(["branches": ["main"]]))
        #expect(!d.matches)
        #expect(d.reason.contains("tag v1.0.0"))
        #expect(!trigger.matches(push(tag: "v1.0.0", paths: nil), filters: .null).matches)
    }

    @Test func tagMatches() {
        let f = filters(["tags": ["v*"]])
        #expect(trigger.matches(push(tag: "v1.0.0", paths: nil), filters: f) == FilterDecision(matches: true, reason: "tag v1.0.0 matches v*"))
        #expect(trigger.matches(push(tag: "nightly", paths: nil), filters: f) == FilterDecision(matches: false, reason: "tag nightly does not match [v*]"))
    }

    @Test func invalidFiltersDoNotMatch() {
        let notArray = trigger.matches(push(branch: "main", paths: nil), filters: .object(["branches": .string("main")]))
        #expect(!notArray.matches)
        #expect(notArray.reason.contains("filters.branches"))
        let unknown = trigger.matches(push(branch: "main", paths: nil), filters: .object(["branch": .array([.string("main")])]))
        #expect(!unknown.matches)
        #expect(unknown.reason.contains("filters.branch"))
    }

    /// End to end: the real GitHub fixture through `receive`, then per-target filters.
    @Test func fixtureDeliveryThroughFilters() throws {
        let delivery = try #require(trigger.receive(Hook.github("push", try Hook.fixture("github/push.json")), secret: Hook.secret).accepted)
        #expect(trigger.matches(delivery, filters: filters(["branches": ["master"], "paths": ["app/**"]])).matches)
        #expect(trigger.matches(delivery, filters: filters(["paths": ["public/**"]])).reason == "no changed path matches [public/**]")
        #expect(trigger.matches(delivery, filters: filters(["branches": ["main"]])).reason == "branch master does not match [main]")
    }
}
