/// A named operation a source offers, with the schema of its parameters (which drives the
/// validator, the CLI's `--param` and the UI's action form alike).
public struct ActionDescriptor: Sendable, Encodable {
    public let name: String
    public let description: String
    public let params: ConfigSchema
    /// Whether the action produces a build that the engine verifies and activates.
    public let producesBuild: Bool
    /// Whether a run interrupted by a crash may simply be run again.
    public let idempotent: Bool

    public init(name: String, description: String, params: ConfigSchema = .empty, producesBuild: Bool = false, idempotent: Bool = true) {
        self.name = name
        self.description = description
        self.params = params
        self.producesBuild = producesBuild
        self.idempotent = idempotent
    }
}
