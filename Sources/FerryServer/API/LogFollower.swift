import FerryCore
import FerryStore
import Foundation

/// Follows a job log like `tail -f` until the job has ended and everything it wrote was sent.
/// It reads the file rather than subscribing to the writer, so it works for any job, live or
/// finished, in this process or one before it.
struct LogFollower: Sendable {
    let url: URL
    let jobID: String
    let database: FerryDatabase
    var pollInterval: Duration = .milliseconds(100)

    /// Calls `send` with each new chunk of text; returns the job as it ended.
    func follow(_ send: (String) async throws -> Void) async throws -> Job? {
        var offset: UInt64 = 0
        while true {
            let job = try database.job(jobID)
            offset = try await sendNew(from: offset, send)
            if job == nil || job!.state.isFinished {
                _ = try await sendNew(from: offset, send)
                return job
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func sendNew(from offset: UInt64, _ send: (String) async throws -> Void) async throws -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return offset }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        guard let data = try handle.readToEnd(), !data.isEmpty else { return offset }
        // Send whole lines only; a partial last line goes out with the next chunk.
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return offset }
        let complete = data[data.startIndex...lastNewline]
        try await send(String(decoding: complete, as: UTF8.self))
        return offset + UInt64(complete.count)
    }
}
