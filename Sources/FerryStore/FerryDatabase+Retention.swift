import FerryCore
import Foundation
import GRDB

/// Deletes for the retention service. Each runs in one transaction and never removes what is
/// still in use: events and jobs that queued or running jobs point to, jobs whose builds are
/// still kept, the newest `keep` rows.
extension FerryDatabase {
    /// Events past the rule (globally, newest kept), except the causes of unfinished jobs.
    public func deleteEvents(_ rule: RetentionRule, now: Date) throws -> Int {
        guard rule.maxAge != nil || rule.keep != nil else { return 0 }
        return try write { db in
            try db.execute(
                sql: """
                    DELETE FROM events WHERE (\(Self.eventCondition(rule)))
                      AND id NOT IN (SELECT eventID FROM jobs WHERE eventID IS NOT NULL AND state IN ('queued', 'running'))
                    """,
                arguments: Self.arguments(rule, now: now))
            return db.changesCount
        }
    }

    /// Finished jobs past the rule (per workload), except those whose build is still kept;
    /// returns their ids so the caller can remove their logs.
    public func deleteFinishedJobs(_ rule: RetentionRule, now: Date) throws -> [String] {
        guard rule.maxAge != nil || rule.keep != nil else { return [] }
        return try write { db in
            let ids = try Self.expiredIDs(
                db, from: """
                    jobs WHERE state IN ('succeeded', 'failed', 'cancelled')
                      AND id NOT IN (SELECT jobID FROM builds WHERE jobID IS NOT NULL AND prunedAt IS NULL)
                    """, rule, now: now)
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                _ = try JobRecord.filter(keys: ids[chunk..<min(chunk + 500, ids.count)]).deleteAll(db)
            }
            return ids
        }
    }

    /// Artifacts past the rule, per workload; returns them so the caller can remove their files.
    public func deleteArtifacts(_ rule: RetentionRule, now: Date) throws -> [Artifact] {
        guard rule.maxAge != nil || rule.keep != nil else { return [] }
        return try write { db in
            let ids = try Self.expiredIDs(db, from: "artifacts", rule, now: now)
            let doomed = try ArtifactRecord.filter(keys: ids).fetchAll(db).map { try $0.model() }
            _ = try ArtifactRecord.filter(keys: ids).deleteAll(db)
            return doomed
        }
    }

    /// Ids of the rows of `source` (a table, optionally with a WHERE) past the rule, ranked
    /// newest first within each workload.
    private static func expiredIDs(_ db: Database, from source: String, _ rule: RetentionRule, now: Date) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT id FROM (
                  SELECT id, createdAt, ROW_NUMBER() OVER (PARTITION BY workload ORDER BY createdAt DESC, id DESC) AS rank
                  FROM \(source)
                ) WHERE \(condition(rule))
                """,
            arguments: arguments(rule, now: now))
    }

    /// `rank > :keep OR createdAt < :cutoff`, with only the parts the rule has.
    private static func condition(_ rule: RetentionRule) -> String {
        [rule.keep.map { _ in "rank > :keep" }, rule.maxAge.map { _ in "createdAt < :cutoff" }]
            .compactMap { $0 }.joined(separator: " OR ")
    }

    /// The same condition for events, which are kept or not as one list, not per workload.
    private static func eventCondition(_ rule: RetentionRule) -> String {
        [rule.keep.map { _ in "id NOT IN (SELECT id FROM events ORDER BY receivedAt DESC LIMIT :keep)" },
         rule.maxAge.map { _ in "receivedAt < :cutoff" }]
            .compactMap { $0 }.joined(separator: " OR ")
    }

    private static func arguments(_ rule: RetentionRule, now: Date) -> StatementArguments {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        if let keep = rule.keep { values["keep"] = keep }
        if let cutoff = rule.cutoff(now: now) { values["cutoff"] = cutoff }
        return StatementArguments(values)
    }
}
