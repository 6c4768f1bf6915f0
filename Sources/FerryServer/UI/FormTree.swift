/// Form fields nested by the dots of their names: the shape a schema maps into JSON.
enum FormTree: Sendable {
    case leaf(String)
    case node([String: FormTree])

    mutating func insert(_ path: ArraySlice<String>, _ value: String) {
        guard let head = path.first else { self = .leaf(value); return }
        var members: [String: FormTree] = [:]
        if case .node(let existing) = self { members = existing }
        var child = members[head] ?? .node([:])
        child.insert(path.dropFirst(), value)
        members[head] = child
        self = .node(members)
    }

    subscript(key: String) -> FormTree? {
        if case .node(let m) = self { return m[key] }
        return nil
    }

    var text: String? {
        if case .leaf(let s) = self { return s }
        return nil
    }

    /// Children named by numbers, in numeric order: the rows of an array.
    var rows: [FormTree] {
        guard case .node(let m) = self else { return [] }
        return m.compactMap { k, v in Int(k).map { ($0, v) } }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
