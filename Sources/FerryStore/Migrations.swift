import GRDB

extension FerryDatabase {
    /// Append-only: a shipped migration is never edited, only followed by a new one.
    /// Migrations use raw table definitions, never app types, so old ones keep compiling.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 workloads, bindings, events, jobs, builds, deploys") { db in
            try db.create(table: "workloads") { t in
                t.primaryKey("name", .text)
                t.column("spec", .text).notNull()
                t.column("generation", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "bindings") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("config", .text).notNull()
                t.column("workloads", .text).notNull()
                t.column("suspend", .boolean).notNull().defaults(to: false)
                t.column("owner", .text).indexed()
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "events") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("deliveryID", .text)
                t.column("bindingID", .text)
                t.column("receivedAt", .datetime).notNull().indexed()
                t.column("outcome", .text).notNull()
                t.column("reason", .text)
                t.column("causes", .text).notNull()
                t.column("payload", .text).notNull()
            }
            try db.create(index: "events_delivery", on: "events", columns: ["bindingID", "deliveryID"])
            try db.create(table: "jobs") { t in
                t.primaryKey("id", .text)
                t.column("workload", .text).notNull().indexed()
                t.column("action", .text).notNull()
                t.column("params", .text).notNull()
                t.column("revision", .text)
                t.column("eventID", .text)
                t.column("state", .text).notNull().indexed()
                t.column("message", .text)
                t.column("progress", .double)
                t.column("progressNote", .text)
                t.column("attempt", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
                t.column("buildID", .text)
            }
            try db.create(table: "builds") { t in
                t.primaryKey("id", .text)
                t.column("workload", .text).notNull().indexed()
                t.column("jobID", .text)
                t.column("revision", .text)
                t.column("fileCount", .integer).notNull()
                t.column("totalBytes", .integer).notNull()
                t.column("digest", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("prunedAt", .datetime)
            }
            try db.create(table: "deploys") { t in
                t.primaryKey("id", .text)
                t.column("workload", .text).notNull().indexed()
                t.column("buildID", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("revision", .text)
                t.column("jobID", .text)
                t.column("fromDeployID", .text)
                t.column("previousBuildID", .text)
                t.column("createdAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2 plugin records, artifacts, job details") { db in
            try db.create(table: "plugin_records") { t in
                t.column("owner", .text).notNull()
                t.column("collection", .text).notNull()
                t.column("key", .text).notNull()
                t.column("json", .blob).notNull()
                t.column("label", .text)
                t.column("stamp", .integer).notNull().defaults(to: 0)
                t.column("updatedAt", .datetime).notNull()
                t.primaryKey(["owner", "collection", "key"])
            }
            try db.create(index: "plugin_records_stamp", on: "plugin_records", columns: ["owner", "collection", "stamp"])
            try db.create(table: "artifacts") { t in
                t.primaryKey("id", .text)
                t.column("workload", .text).notNull().indexed()
                t.column("jobID", .text)
                t.column("name", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("details", .text).notNull()
                t.column("createdAt", .datetime).notNull()
            }
            try db.alter(table: "jobs") { t in t.add(column: "details", .text) }
        }
        migrator.registerMigration("v3 tokens, users, sessions, events.by") { db in
            try db.alter(table: "events") { t in t.add(column: "by", .text) }
            try db.create(index: "events_by", on: "events", columns: ["by", "receivedAt"])
            try db.create(table: "tokens") { t in
                t.primaryKey("name", .text)
                t.column("hash", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("createdBy", .text)
                t.column("lastUsedAt", .datetime)
                t.column("expiresAt", .datetime)
            }
            try db.create(table: "users") { t in
                t.primaryKey("name", .text)
                t.column("passwordHash", .text).notNull()
                t.column("role", .text).notNull()
                t.column("scope", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("lastSignInAt", .datetime)
            }
            try db.create(table: "sessions") { t in
                t.primaryKey("hash", .text)
                t.column("principal", .text).notNull()
                t.column("name", .text).notNull()
                t.column("csrf", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration("v4 deploys by time") { db in
            // `GET /api/deploys` lists the newest deploys of every workload.
            try db.create(index: "deploys_createdAt", on: "deploys", columns: ["createdAt"])
        }
        migrator.registerMigration("v5 notification outbox") { db in
            try db.create(table: "notifications") { t in
                t.primaryKey("id", .text)
                t.column("target", .text).notNull()
                t.column("event", .text).notNull()
                t.column("workload", .text)
                t.column("foldKey", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("text", .text).notNull()
                t.column("count", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("lastStatus", .integer)
                t.column("lastError", .text)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("createdAt", .datetime).notNull().indexed()
                t.column("updatedAt", .datetime).notNull()
                t.column("sentAt", .datetime)
                t.column("digestID", .text)
            }
            try db.create(index: "notifications_due", on: "notifications", columns: ["state", "nextAttemptAt"])
            try db.create(index: "notifications_fold", on: "notifications", columns: ["target", "event", "foldKey", "state"])
            try db.create(index: "notifications_sent", on: "notifications", columns: ["target", "sentAt"])
        }
        return migrator
    }
}
