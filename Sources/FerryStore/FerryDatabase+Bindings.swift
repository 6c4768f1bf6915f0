import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    public func bindings() throws -> [Binding] {
        try read { db in try BindingRecord.order(BindingRecord.Columns.id).fetchAll(db).map { try $0.model() } }
    }

    /// Read on every webhook delivery: a cached statement, not a query built each time.
    public func binding(_ id: String) throws -> Binding? {
        try read { db in
            try BindingRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM bindings WHERE id = ?"), arguments: [id])?.model()
        }
    }

    /// Bindings that drive a workload, inline or shared.
    public func bindings(targeting workload: String) throws -> [Binding] {
        try bindings().filter { $0.workloads.contains { $0.name == workload } }
    }

    /// Stores a new binding; an existing id is a conflict.
    public func insertBinding(_ binding: Binding) throws {
        try write { db in
            if try BindingRecord.exists(db, key: binding.id) {
                throw FerryError(.conflict, "binding \(binding.id) already exists")
            }
            try BindingRecord(binding).insert(db)
        }
    }

    /// Changes a binding in one transaction; returns nil if it does not exist.
    @discardableResult
    public func updateBinding(_ id: String, _ change: @escaping @Sendable (inout Binding) -> Void) throws -> Binding? {
        try write { db in
            guard var binding = try BindingRecord.fetchOne(db, key: id)?.model() else { return nil }
            change(&binding)
            try BindingRecord(binding).update(db)
            return binding
        }
    }

    @discardableResult
    public func deleteBinding(_ id: String) throws -> Bool {
        try write { db in try BindingRecord.deleteOne(db, key: id) }
    }

    static func replaceOwnedBindings(_ db: Database, owner: String, with bindings: [Binding]) throws {
        try BindingRecord.filter(BindingRecord.Columns.owner == owner).deleteAll(db)
        for binding in bindings { try BindingRecord(binding).insert(db) }
    }
}
