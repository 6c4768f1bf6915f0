import FerryCore
import ManualTrigger
import Testing

/// `manual` is the trigger people fire; it has no config and nothing to watch.
@Suite struct ManualTriggerTests {
    @Test func identifiesItselfAsTheManualTrigger() {
        let trigger = ManualTrigger()
        #expect(ManualTrigger.kind == "manual")
        #expect(trigger.id == "trigger.manual")
        #expect(ManualTrigger.mode == .manual)
    }

    @Test func acceptsAnEmptyConfigAndRefusesAnyField() throws {
        let schema = ManualTrigger().schema
        let validator = SchemaValidator()
        #expect(try validator.validated(.object([:]), against: schema, at: "triggers.0.config") == .object([:]))
        let issues = validator.issues(.object(["cron": .string("* * * * *")]), against: schema, at: "triggers.0.config")
        #expect(issues.map(\.description) == ["triggers.0.config.cron: unknown field"])
    }

    @Test func registersUnderItsKind() throws {
        var registry = PluginRegistry()
        registry.register(ManualTrigger())
        #expect(try registry.trigger("manual", field: "triggers.0.kind").id == "trigger.manual")
        #expect(throws: FerryError.self) { try registry.trigger("cron", field: "triggers.0.kind") }
    }
}
