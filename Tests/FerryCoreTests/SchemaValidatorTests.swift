import FerryCore
import Testing

/// The one validator behind API, CLI, YAML and the wizard: every check it makes, the exact
/// field path each problem is reported at, and the defaults it fills in.
@Suite struct SchemaValidatorTests {
    let validator = SchemaValidator()

    /// A config schema shaped like a real source's: scalars of every type, formats, an enum,
    /// a nested object and an array of objects.
    static let schema = ConfigSchema.object([
        .init("repo", .string("repository", format: .url)),
        .init("branch", .string("branch", default: "main")),
        .init("mode", .string("mode", default: "fast", enum: ["fast", "safe"])),
        .init("tag", .string("tag", pattern: "^v[0-9]+$")),
        .init("retries", .integer("retries", default: 3, minimum: 0, maximum: 10)),
        .init("ratio", ConfigSchema(type: .number, minimum: 0.5, maximum: 1.5)),
        .init("markdown", .boolean("markdown", default: false)),
        .init("interval", .string("interval", format: .duration)),
        .init("limits", .object([
            .init("files", .integer("files", default: 100)),
            .init("note", .string("note")),
        ])),
        .init("labels", .object([.init("team", .string("team"))])),
        .init("mirrors", .array(.object([
            .init("url", .string("url", format: .url)),
            .init("weight", .integer("weight", default: 1)),
        ], required: ["url"]))),
        .init("tags", .array(.string("tag"))),
    ], required: ["repo"])

    static let valid: [String: JSONValue] = ["repo": .string("https://git.example.com/a.git")]

    /// The issues for `valid` with `changes` applied, as `path: message` strings.
    func problems(_ changes: [String: JSONValue], at path: String = "source.config") -> [String] {
        var members = Self.valid
        for (key, value) in changes { members[key] = value }
        return validator.issues(.object(members), against: Self.schema, at: path).map(\.description)
    }

    @Test func aValidConfigHasNoIssues() {
        #expect(problems([:]).isEmpty)
        #expect(problems([
            "branch": .string("dev"), "mode": .string("safe"), "tag": .string("v12"), "retries": .number(10),
            "ratio": .number(0.75), "markdown": .bool(true), "interval": .string("1h30m"),
            "mirrors": .array([.object(["url": .string("file:///srv/mirror.git")])]), "tags": .array([.string("x")]),
        ]).isEmpty)
    }

    @Test(arguments: [
        ("branch", JSONValue.number(5), "source.config.branch: expected string, got integer"),
        ("branch", .number(2.5), "source.config.branch: expected string, got number"),
        ("branch", .bool(true), "source.config.branch: expected string, got boolean"),
        ("branch", .array([]), "source.config.branch: expected string, got array"),
        ("retries", .string("3"), "source.config.retries: expected integer, got string"),
        ("retries", .number(1.5), "source.config.retries: expected integer, got number"),
        ("ratio", .bool(false), "source.config.ratio: expected number, got boolean"),
        ("markdown", .string("true"), "source.config.markdown: expected boolean, got string"),
        ("limits", .string("x"), "source.config.limits: expected object, got string"),
        ("tags", .object([:]), "source.config.tags: expected array, got object"),
    ])
    func typeMismatchNamesPathExpectedAndActualType(key: String, value: JSONValue, message: String) {
        #expect(problems([key: value]) == [message])
    }

    @Test func aNumberSchemaAcceptsIntegers() {
        #expect(problems(["ratio": .number(1)]).isEmpty)
    }

    @Test func requiredFieldsMustBePresentAndNotNull() {
        let missing = validator.issues(.object([:]), against: Self.schema, at: "source.config")
        #expect(missing.map(\.description) == ["source.config.repo: required"])
        #expect(missing.first?.path == "source.config.repo")
        #expect(problems(["repo": .null]) == ["source.config.repo: required"])
    }

    @Test func unknownFieldsAreRefusedEvenWhenNull() {
        #expect(problems(["brnach": .string("main")]) == ["source.config.brnach: unknown field"])
        #expect(problems(["extra": .null]) == ["source.config.extra: unknown field"])
    }

    @Test func enumListsTheAllowedValues() {
        #expect(problems(["mode": .string("slow")]) == ["source.config.mode: must be one of fast, safe"])
    }

    @Test func patternMustMatch() {
        #expect(problems(["tag": .string("12")]) == ["source.config.tag: does not match pattern ^v[0-9]+$"])
        #expect(problems(["tag": .string("v12-rc")]).count == 1)
    }

    @Test(arguments: [
        ("retries", JSONValue.number(-1), "source.config.retries: must be at least 0"),
        ("retries", .number(11), "source.config.retries: must be at most 10"),
        ("ratio", .number(0.25), "source.config.ratio: must be at least 0.5"),
        ("ratio", .number(2), "source.config.ratio: must be at most 1.5"),
    ])
    func minimumAndMaximum(key: String, value: JSONValue, message: String) {
        #expect(problems([key: value]) == [message])
    }

    @Test func boundsAreInclusive() {
        #expect(problems(["retries": .number(0)]).isEmpty)
        #expect(problems(["ratio": .number(1.5)]).isEmpty)
    }

    @Test(arguments: ["https://git.example.com/a.git", "http://127.0.0.1:3000/x", "file:///srv/repo.git", "HTTPS://Example.com"])
    func urlFormatAccepts(url: String) {
        #expect(problems(["repo": .string(url)]).isEmpty)
    }

    @Test(arguments: ["git.example.com/a.git", "ftp://example.com/a", "mailto:a@example.com", "https://", "", "/srv/repo.git"])
    func urlFormatRefuses(url: String) {
        #expect(problems(["repo": .string(url)]) == ["source.config.repo: expected a URL (http, https or file)"])
    }

    @Test(arguments: ["30s", "5m", "12h", "1d", "500ms", "1h30m"])
    func durationFormatAccepts(text: String) {
        #expect(problems(["interval": .string(text)]).isEmpty)
    }

    @Test(arguments: ["5", "five minutes", "5 m", "5x", "-5s", ""])
    func durationFormatRefuses(text: String) {
        #expect(problems(["interval": .string(text)]) == ["source.config.interval: expected a duration like 30s, 5m or 12h"])
    }

    @Test func nestedPathsUseDotsAndArrayIndexes() {
        let found = problems([
            "limits": .object(["files": .string("many"), "colour": .string("red")]),
            "mirrors": .array([
                .object(["url": .string("https://ok.example.com")]),
                .object(["weight": .number(2)]),
                .object(["url": .string("nope"), "weight": .bool(true)]),
            ]),
            "tags": .array([.string("a"), .number(1)]),
        ])
        #expect(found == [
            "source.config.limits.colour: unknown field",
            "source.config.limits.files: expected integer, got string",
            "source.config.mirrors.1.url: required",
            "source.config.mirrors.2.url: expected a URL (http, https or file)",
            "source.config.mirrors.2.weight: expected integer, got boolean",
            "source.config.tags.1: expected string, got integer",
        ])
    }

    @Test func theBasePathIsWhateverTheCallerSays() {
        let config = JSONValue.object(["cron": .number(5)])
        let schema = ConfigSchema.object([.init("cron", .string("cron", format: .cron))], required: ["cron"])
        #expect(validator.issues(config, against: schema, at: "triggers.0.config").map(\.description)
            == ["triggers.0.config.cron: expected string, got integer"])
        #expect(validator.issues(.object([:]), against: schema, at: "triggers.3.config").map(\.path) == ["triggers.3.config.cron"])
    }

    @Test func validatedThrowsTheFirstIssueAsInvalidInputNamingTheField() throws {
        var members = Self.valid
        members["branch"] = .number(5)
        members["zzz"] = .bool(true)
        let error = try #require(throws: FerryError.self) {
            try validator.validated(.object(members), against: Self.schema, at: "source.config")
        }
        #expect(error.code == .invalidInput)
        #expect(error.field == "source.config.branch")
        #expect(error.message == "source.config.branch: expected string, got integer")
    }

    @Test func validatedFillsDefaultsForAbsentAndNullMembers() throws {
        var members = Self.valid
        members["branch"] = .null
        members["retries"] = .number(7)
        let filled = try validator.validated(.object(members), against: Self.schema, at: "source.config")
        #expect(filled == .object([
            "repo": .string("https://git.example.com/a.git"),
            "branch": .string("main"),
            "mode": .string("fast"),
            "retries": .number(7),
            "markdown": .bool(false),
            "limits": .object(["files": .number(100)]),
        ]))
    }

    @Test func applyingDefaultsReachesIntoNestedObjectsAndArrayItems() {
        let value = JSONValue.object([
            "limits": .object(["note": .string("kept")]),
            "mirrors": .array([.object(["url": .string("https://a.example.com")]), .object(["url": .string("https://b.example.com"), "weight": .number(5)])]),
        ])
        let filled = validator.applyingDefaults(value, Self.schema)
        #expect(filled["limits"] == .object(["note": .string("kept"), "files": .number(100)]))
        #expect(filled["mirrors"] == .array([
            .object(["url": .string("https://a.example.com"), "weight": .number(1)]),
            .object(["url": .string("https://b.example.com"), "weight": .number(5)]),
        ]))
        #expect(filled["labels"] == nil, "an absent object whose members have no defaults stays absent")
        #expect(filled["branch"] == .string("main"))
    }

    @Test func applyingDefaultsLeavesPresentValuesAlone() {
        let value = JSONValue.object(["branch": .string("dev"), "markdown": .bool(true)])
        let filled = validator.applyingDefaults(value, Self.schema)
        #expect(filled["branch"] == .string("dev"))
        #expect(filled["markdown"] == .bool(true))
    }
}
