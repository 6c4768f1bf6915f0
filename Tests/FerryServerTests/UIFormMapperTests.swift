import FerryCore
@testable import FerryServer
import PluginTestKit
import Testing

/// Form fields named by JSON path become the JSON the schema describes, without judging them:
/// judging is the server validator's job, which then names the same paths.
@Suite(.offPool) struct UIFormMapperTests {
    static let schema = ConfigSchema.object([
        .init("url", .string("where", format: .url)),
        .init("count", .integer("how many", default: 3, minimum: 1)),
        .init("ratio", ConfigSchema(type: .number)),
        .init("on", .boolean("switch", default: false)),
        .init("tags", .array(.string())),
        .init("rules", .array(.object([.init("regex", .string()), .init("maxRetry", .integer())]))),
        .init("npm", .object([.init("registry", .string()), .init("strict", .boolean())], required: ["registry"])),
        .init("token", .string("secret", format: .secret)),
    ], required: ["url"])

    static func map(_ fields: [(String, String)], keepEmpty: Bool = false) -> (JSONValue, [String: String]) {
        var mapper = FormMapper(keepEmpty: keepEmpty)
        let value = mapper.config(FormData(fields).tree(under: "source.config"), schema, path: "source.config")
        return (value, mapper.secrets)
    }

    @Test func typesFollowTheSchema() {
        let (value, secrets) = Self.map([
            ("source.config.url", "https://x"), ("source.config.count", "7"), ("source.config.ratio", "0.5"),
            ("source.config.on", "false"), ("source.config.on", "true"),
            ("source.config.tags.1", "b"), ("source.config.tags.0", "a"), ("source.config.tags.2", ""),
            ("source.config.rules.0.regex", "EINTEGRITY"), ("source.config.rules.0.maxRetry", "2"),
            ("source.config.npm.registry", ""), ("source.config.npm.strict", "false"),
            ("source.config.token", "hunter2"),
        ])
        #expect(value == .object([
            "url": .string("https://x"), "count": .number(7), "ratio": .number(0.5), "on": .bool(true),
            "tags": .array([.string("a"), .string("b")]),
            "rules": .array([.object(["regex": .string("EINTEGRITY"), "maxRetry": .number(2)])]),
        ]), "blank rows and a blank optional object are left out; the secret is not in the config")
        #expect(secrets == ["source.config.token": "hunter2"])
    }

    @Test func wrongTextIsKeptForTheValidatorToName() throws {
        let (value, _) = Self.map([("source.config.url", "x"), ("source.config.count", "many")])
        #expect(value["count"] == .string("many"))
        let issues = SchemaValidator().issues(value, against: Self.schema, at: "source.config")
        #expect(issues.map(\.path).contains("source.config.count"))
        #expect(issues.first { $0.path == "source.config.count" }?.message == "expected integer, got string")
    }

    @Test func reRenderingKeepsBlankRows() {
        let (value, _) = Self.map([("source.config.tags.0", ""), ("source.config.tags.1", "b")], keepEmpty: true)
        #expect(value["tags"] == .array([.string(""), .string("b")]))
    }

    @Test(arguments: [
        ("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", #"^[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?$"#),
        ("^[0-9a-f]{7,64}$", "^[0-9a-f]{7,64}$"),
        ("[-a-z/]+", #".*(?:[\-a-z\/]+).*"#),
    ])
    func browserPatternsCompileWithTheVFlag(server: String, browser: String) {
        #expect(SchemaForm.browserPattern(server) == browser)
    }

    @Test func freeKeysArriveAsKeyValueRows() {
        let schema = ConfigSchema.object([.init("params", .map(.string()))])
        var mapper = FormMapper()
        let fields = [
            ("c.params.__entries.0.key", "package"), ("c.params.__entries.0.value", "$package"),
            ("c.params.__entries.1.key", ""), ("c.params.__entries.1.value", ""),
        ]
        let value = mapper.config(FormData(fields).tree(under: "c"), schema, path: "c")
        #expect(value == .object(["params": .object(["package": .string("$package")])]))
        let form = SchemaForm().field(label: "params", schema: .map(.string()), value: value["params"], path: "c.params", required: false)
        #expect(form["isMap"] as? Bool == true)
        let entries = form["entries"] as? [[String: Any]] ?? []
        #expect(entries.map { $0["keyName"] as? String } == ["c.params.__entries.0.key"])
    }

    @Test func wizardOpsAddAndRemoveRows() throws {
        var state = WizardState(kind: "static-site")
        state.triggers = [.init(kind: "git-push", action: "deploy", config: .object(["branches": .array([.string("main")])]))]
        let registry = BuiltinPlugins.registry()
        state.perform("add:triggers.0.config.branches", newTrigger: nil, registry: registry)
        #expect(state.triggers[0].config["branches"] == .array([.string("main"), .string("")]))
        state.perform("remove:triggers.0.config.branches.0", newTrigger: nil, registry: registry)
        #expect(state.triggers[0].config["branches"] == .array([.string("")]))
        state.perform("add-trigger", newTrigger: "manual", registry: registry)
        #expect(state.triggers.map(\.kind) == ["git-push", "manual"])
        state.perform("remove:triggers.0", newTrigger: nil, registry: registry)
        #expect(state.triggers.map(\.kind) == ["manual"])
    }
}
