import FerryCore
import Foundation
import GRDB

/// The one owner of Ferry's SQLite file. Every read and write of controller state goes through
/// its methods, named for what they do, so no other module ever sees SQL and a second backend
/// (PostgreSQL) can be added behind the same API.
public final class FerryDatabase: Sendable {
    let writer: any DatabaseWriter
    /// Decoded workload specs and statuses, reused while their stored text is unchanged.
    let decoded = WorkloadDecodeMemo()

    /// Opens (creating if needed) the database file in WAL mode and runs pending migrations.
    public init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            // FULL: a commit is fsynced before it returns, so an accepted webhook (answered after
            // its commit) survives a power loss, not only a crash. Deliveries are group-committed
            // (`DeliveryCommitter`), so the fsync is paid once per batch.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA busy_timeout = 5000")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            writer = pool
            try Self.migrator.migrate(pool)
        } catch {
            throw FerryError(.unavailable, "cannot open the database \(path): \(error)", cause: error)
        }
    }

    /// A private in-memory database, for tests that need no file.
    public init(inMemory: Void = ()) throws {
        let queue = try DatabaseQueue()
        writer = queue
        try Self.migrator.migrate(queue)
    }

    /// The journal mode in force ("wal" for a file database), for health output and tests.
    public func journalMode() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch let error as FerryError { throw error } catch {
            throw FerryError(.internal, "database write failed: \(error)", cause: error)
        }
    }

    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as FerryError { throw error } catch {
            throw FerryError(.internal, "database read failed: \(error)", cause: error)
        }
    }
}
