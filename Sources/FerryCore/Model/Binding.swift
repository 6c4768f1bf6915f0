import Foundation

/// A trigger instance bound to one or more workloads, each with the action it runs there.
/// A workload file's inline `triggers:` creates one binding per entry (id `<workload>.<index>`).
public struct Binding: Codable, Sendable, Equatable {
    public struct Target: Codable, Sendable, Equatable {
        public var name: String
        public var action: String
        public var filters: JSONValue
        public init(name: String, action: String, filters: JSONValue = .object([:])) {
            self.name = name
            self.action = action
            self.filters = filters
        }
    }

    public var id: String
    public var kind: String
    public var config: JSONValue
    public var workloads: [Target]
    public var suspend: Bool
    /// The workload whose file declared it inline, if any; such bindings follow that file.
    public var owner: String?
    public var createdAt: Date

    public init(
        id: String, kind: String, config: JSONValue, workloads: [Target], suspend: Bool = false,
        owner: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.config = config
        self.workloads = workloads
        self.suspend = suspend
        self.owner = owner
        self.createdAt = createdAt
    }
}
