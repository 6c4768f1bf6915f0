import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    /// A consistent copy of the database file at `source` written to `destination`, through
    /// SQLite's online backup API, while a running server keeps writing: in WAL mode the copy
    /// reads one snapshot and never blocks the writer. Any process may call it (`ferry backup`
    /// runs beside `ferry serve`).
    public static func backup(databaseAt source: String, to destination: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw FerryError(.notFound, "no database at \(source); is --data the server's data directory?")
        }
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA busy_timeout = 5000") }
        do {
            let from = try DatabasePool(path: source, configuration: config)
            let to = try DatabaseQueue(path: destination)
            try from.backup(to: to)
            try to.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try to.close()
            try from.close()
        } catch {
            throw FerryError(.unavailable, "cannot back up \(source) to \(destination): \(error)", cause: error)
        }
    }

    /// `PRAGMA integrity_check` of a database file, before a restore puts it in place.
    public static func integrityProblem(at path: String) -> String? {
        do {
            let queue = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
            defer { try? queue.close() }
            let answer = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            return answer == ["ok"] ? nil : answer.prefix(5).joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }
}
