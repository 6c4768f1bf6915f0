import FerryCore
import Foundation
import GRDB

struct JobRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobs"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let workload = Column(CodingKeys.workload)
        static let action = Column(CodingKeys.action)
        static let state = Column(CodingKeys.state)
        static let createdAt = Column(CodingKeys.createdAt)
        static let message = Column(CodingKeys.message)
        static let finishedAt = Column(CodingKeys.finishedAt)
    }

    var id: String
    var workload: String
    var action: String
    var params: String
    var revision: String?
    var eventID: String?
    var state: String
    var message: String?
    var progress: Double?
    var progressNote: String?
    var attempt: Int
    var createdAt: Date
    var startedAt: Date?
    var finishedAt: Date?
    var buildID: String?
    var details: String?

    init(_ j: Job) {
        id = j.id
        workload = j.workload
        action = j.action
        params = JSONColumn.encode(j.params)
        revision = j.revision.map(JSONColumn.encode)
        eventID = j.eventID
        state = j.state.rawValue
        message = j.message
        progress = j.progress
        progressNote = j.progressNote
        attempt = j.attempt
        createdAt = j.createdAt
        startedAt = j.startedAt
        finishedAt = j.finishedAt
        buildID = j.buildID
        details = j.details.map(JSONColumn.encode)
    }

    func model() throws -> Job {
        Job(
            id: id, workload: workload, action: action, params: try JSONColumn.decode(JSONValue.self, params),
            revision: try revision.map { try JSONColumn.decode(Revision.self, $0) }, eventID: eventID,
            state: Job.State(rawValue: state) ?? .failed, message: message, progress: progress,
            progressNote: progressNote, attempt: attempt, createdAt: createdAt, startedAt: startedAt,
            finishedAt: finishedAt, buildID: buildID, details: try details.map { try JSONColumn.decode(JSONValue.self, $0) })
    }
}
