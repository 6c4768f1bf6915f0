import FerryCore
import Testing

/// `WorkloadValidator`: a workload document becomes a checked spec, or an `invalidInput` error
/// whose `field` points at the problem.
@Suite struct WorkloadValidatorTests {
    let validator = WorkloadValidator(registry: .fakes)

    static let source: JSONValue = .object(["kind": .string("fake-repo"), "config": .object(["repo": .string("acme/docs")])])

    /// A valid document with `changes` applied (`.null` removes nothing; use `removing`).
    func document(_ changes: [String: JSONValue] = [:], removing: [String] = []) -> JSONValue {
        var members: [String: JSONValue] = ["name": .string("docs"), "source": Self.source]
        for (key, value) in changes { members[key] = value }
        for key in removing { members[key] = nil }
        return .object(members)
    }

    func source(_ config: [String: JSONValue], kind: String = "fake-repo") -> JSONValue {
        .object(["kind": .string(kind), "config": .object(config)])
    }

    /// The error a document is refused with; records an issue when it is accepted.
    func refusal(_ document: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> FerryError? {
        let error = #expect(throws: FerryError.self, sourceLocation: sourceLocation) { try validator.validate(document) }
        #expect(error?.code == .invalidInput, sourceLocation: sourceLocation)
        return error
    }

    @Test func aMinimalDocumentGetsDefaultsFilledIn() throws {
        let spec = try validator.validate(document())
        #expect(spec.name == "docs")
        #expect(spec.source.kind == "fake-repo")
        #expect(spec.source.config == .object(["repo": .string("acme/docs"), "branch": .string("main")]))
        #expect(spec.env.isEmpty && spec.volumes.isEmpty && spec.triggers.isEmpty)
        #expect(spec.parent == nil && spec.suspend == false)
    }

    @Test(arguments: ["a", "docs", "docs-dev", "a1", "9lives", String(repeating: "a", count: 63)])
    func validNames(name: String) throws {
        #expect(try validator.validate(document(["name": .string(name)])).name == name)
    }

    @Test(arguments: ["Docs", "-docs", "docs-", "do_cs", "do.cs", "do cs", "döcs", "docs/x", String(repeating: "a", count: 64)])
    func invalidNames(name: String) {
        let error = refusal(document(["name": .string(name)]))
        #expect(error?.field == "name")
        #expect(error?.message.contains("is not a valid name") == true)
    }

    @Test func nameIsRequiredNonEmptyAndAString() {
        #expect(refusal(document(removing: ["name"]))?.message == "name: required")
        #expect(refusal(document(["name": .string("")]))?.message == "name: must not be empty")
        #expect(refusal(document(["name": .number(7)]))?.message == "name: expected string, got integer")
    }

    @Test func unknownTopLevelKeyIsRefused() {
        let error = refusal(document(["sourc": .string("x")]))
        #expect(error?.field == "sourc")
        #expect(error?.message == "sourc: unknown field")
        #expect(refusal(document(["source": .object(["kind": .string("fake-repo"), "confg": .object([:])])]))?.field == "source.confg")
    }

    @Test func aDocumentMustBeAnObject() {
        #expect(refusal(.array([]))?.message == "(document): expected an object, got array")
    }

    @Test func sourceIsRequired() {
        #expect(refusal(document(removing: ["source"]))?.field == "source")
        #expect(refusal(document(["source": .string("fake-repo")]))?.message == "source: expected object, got string")
    }

    @Test func unknownSourceKindListsTheKnownOnes() {
        let error = refusal(document(["source": source(["repo": .string("x")], kind: "nope")]))
        #expect(error?.field == "source.kind")
        #expect(error?.message == "source.kind: unknown source kind \"nope\" (known: fake-archive, fake-repo)")
    }

    @Test func missingRequiredSourceField() {
        let error = refusal(document(["source": source(["branch": .string("dev")])]))
        #expect(error?.field == "source.config.repo")
        #expect(error?.message == "source.config.repo: required")
    }

    @Test func wrongTypeInSourceConfig() {
        let error = refusal(document(["source": source(["repo": .string("x"), "branch": .number(5)])]))
        #expect(error?.field == "source.config.branch")
        #expect(error?.message == "source.config.branch: expected string, got integer")
        #expect(refusal(document(["source": source(["repo": .string("x"), "depth": .number(0)])]))?.message
            == "source.config.depth: must be at least 1")
    }

    @Test func envTakesPlainStringsAndValueSecretObjects() throws {
        let spec = try validator.validate(document(["env": .object([
            "PLAIN": .string("hello"),
            "TOKEN": .object(["value": .string("s3cret"), "secret": .bool(true)]),
            "OPEN": .object(["value": .string("v")]),
            "PORT": .number(8080),
            "DEBUG": .bool(true),
        ])]))
        #expect(spec.env == [
            "PLAIN": EnvValue("hello"),
            "TOKEN": EnvValue("s3cret", secret: true),
            "OPEN": EnvValue("v", secret: false),
            "PORT": EnvValue("8080"),
            "DEBUG": EnvValue("true"),
        ])
    }

    @Test func envErrorsNameTheEntry() {
        #expect(refusal(document(["env": .object(["1BAD": .string("x")])]))?.field == "env.1BAD")
        #expect(refusal(document(["env": .object(["BAD-NAME": .string("x")])]))?.field == "env.BAD-NAME")
        #expect(refusal(document(["env": .object(["T": .object(["value": .string("x"), "secrt": .bool(true)])])]))?.field == "env.T.secrt")
        #expect(refusal(document(["env": .object(["T": .object(["value": .string("x"), "secret": .string("yes")])])]))?.message
            == "env.T.secret: expected boolean, got string")
        #expect(refusal(document(["env": .object(["T": .array([])])]))?.message == "env.T: expected string or {value, secret}, got array")
        #expect(refusal(document(["env": .array([])]))?.field == "env")
    }

    @Test func volumesDefaultToWorkloadScope() throws {
        let spec = try validator.validate(document(["volumes": .array([
            .object(["name": .string("cache")]),
            .object(["name": .string("storage"), "scope": .string("absolute"), "path": .string("/srv/verdaccio")]),
            .object(["name": .string("tmp"), "scope": .string("ephemeral")]),
        ])]))
        #expect(spec.volumes == [
            VolumeSpec(name: "cache", scope: .workload),
            VolumeSpec(name: "storage", scope: .absolute, path: "/srv/verdaccio"),
            VolumeSpec(name: "tmp", scope: .ephemeral),
        ])
    }

    @Test func absoluteVolumesNeedAnAbsolutePath() {
        #expect(refusal(document(["volumes": .array([.object(["name": .string("s"), "scope": .string("absolute")])])]))?.message
            == "volumes.0.path: required")
        #expect(refusal(document(["volumes": .array([.object(["name": .string("s"), "scope": .string("absolute"), "path": .string("srv/x")])])]))?.message
            == "volumes.0.path: must be an absolute path")
    }

    @Test func volumeNamesAreUnique() {
        let error = refusal(document(["volumes": .array([
            .object(["name": .string("cache")]), .object(["name": .string("other")]), .object(["name": .string("cache"), "scope": .string("chain")]),
        ])]))
        #expect(error?.field == "volumes.2.name")
        #expect(error?.message.contains("duplicate volume \"cache\"") == true)
    }

    @Test func volumeScopeAndKeysAreChecked() {
        let scope = refusal(document(["volumes": .array([.object(["name": .string("c"), "scope": .string("global")])])]))
        #expect(scope?.field == "volumes.0.scope")
        #expect(scope?.message == "volumes.0.scope: must be one of workload, chain, absolute, ephemeral")
        #expect(refusal(document(["volumes": .array([.object(["name": .string("c"), "size": .number(1)])])]))?.field == "volumes.0.size")
        #expect(refusal(document(["volumes": .array([.object(["name": .string("Cache")])])]))?.field == "volumes.0.name")
    }

    @Test func triggersDefaultToDeployAndGetTheirConfigDefaults() throws {
        let spec = try validator.validate(document(["triggers": .array([
            .object(["kind": .string("fake-manual")]),
            .object(["kind": .string("fake-cron"), "action": .string("scan"), "config": .object(["cron": .string("0 3 * * *")])]),
        ])]))
        #expect(spec.triggers == [
            TriggerRef(kind: "fake-manual", action: "deploy", config: .object([:])),
            TriggerRef(kind: "fake-cron", action: "scan", config: .object(["cron": .string("0 3 * * *"), "timezone": .string("UTC")])),
        ])
    }

    @Test func unknownTriggerKindListsTheKnownOnes() {
        let error = refusal(document(["triggers": .array([.object(["kind": .string("fake-manual")]), .object(["kind": .string("webhook")])])]))
        #expect(error?.field == "triggers.1.kind")
        #expect(error?.message == "triggers.1.kind: unknown trigger kind \"webhook\" (known: fake-cron, fake-manual)")
    }

    @Test func unknownActionListsTheSourcesActions() {
        let error = refusal(document(["triggers": .array([.object(["kind": .string("fake-manual"), "action": .string("refresh")])])]))
        #expect(error?.field == "triggers.0.action")
        #expect(error?.message == "triggers.0.action: source fake-repo has no action \"refresh\" (has: deploy, scan)")
    }

    @Test func triggerConfigErrorsCarryTheTriggerIndex() {
        let missing = refusal(document(["triggers": .array([.object(["kind": .string("fake-cron")])])]))
        #expect(missing?.field == "triggers.0.config.cron")
        #expect(missing?.message == "triggers.0.config.cron: required")
        let wrong = refusal(document(["triggers": .array([
            .object(["kind": .string("fake-manual")]), .object(["kind": .string("fake-cron"), "config": .object(["cron": .number(5)])]),
        ])]))
        #expect(wrong?.message == "triggers.1.config.cron: expected string, got integer")
        #expect(refusal(document(["triggers": .array([.object(["kind": .string("fake-manual"), "filters": .object([:])])])]))?.field
            == "triggers.0.filters")
    }

    @Test func parentMayNotBeTheWorkloadItself() {
        let error = refusal(document(["parent": .string("docs")]))
        #expect(error?.field == "parent")
        #expect(error?.message == "parent: a workload cannot be its own parent")
        #expect(refusal(document(["parent": .string("Docs_Dev")]))?.field == "parent")
    }

    @Test func parentAndSuspendAreKept() throws {
        let spec = try validator.validate(document(["parent": .string("docs-dev"), "suspend": .bool(true)]))
        #expect(spec.parent == "docs-dev")
        #expect(spec.suspend)
        #expect(refusal(document(["suspend": .string("yes")]))?.message == "suspend: expected boolean, got string")
    }

    @Test func aPrefixIsPutInFrontOfEveryFieldPath() {
        let error = #expect(throws: FerryError.self) {
            try validator.validate(document(["source": source(["repo": .number(1)])]), prefix: "documents.2.")
        }
        #expect(error?.field == "documents.2.source.config.repo")
        #expect(error?.message == "documents.2.source.config.repo: expected string, got integer")
    }
}
