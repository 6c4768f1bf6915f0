import FerryCore

extension JSONValue {
    /// Changes the value at a dotted path (`branches`, `rules.0.params`), creating objects on
    /// the way; the wizard's add-row and remove-row buttons edit its state with it.
    mutating func update(at path: ArraySlice<String>, _ change: (inout JSONValue?) -> Void) {
        guard let head = path.first else {
            var me: JSONValue? = self
            change(&me)
            self = me ?? .null
            return
        }
        switch self {
        case .array(var list):
            guard let i = Int(head), list.indices.contains(i) else { return }
            list[i].update(at: path.dropFirst(), change)
            self = .array(list)
        case .object(var members):
            if path.count == 1 {
                var child = members[head]
                change(&child)
                members[head] = child
            } else {
                var child = members[head] ?? .object([:])
                child.update(at: path.dropFirst(), change)
                members[head] = child
            }
            self = .object(members)
        default:
            self = .object([:])
            update(at: path, change)
        }
    }
}
