import FerryCore
import Foundation
import Synchronization

/// The append-only log of one job (`logs/<job-id>.log`). Every line is redacted and timestamped
/// on the way in; readers follow the file, so a log can be streamed live by any number of
/// clients and read back after a restart.
public final class JobLog: Sendable {
    public let url: URL
    private let handle: Mutex<FileHandle?>
    private let redactor: Redactor

    public init(url: URL, redactor: Redactor) throws {
        self.url = url
        self.redactor = redactor
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        handle = Mutex(h)
    }

    public func write(_ line: String) {
        let stamp = Self.timestamp()
        let text = redactor.redact(line)
        var out = ""
        for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
            out += "\(stamp) \(part)\n"
        }
        handle.withLock { h in try? h?.write(contentsOf: Data(out.utf8)) }
    }

    public func close() {
        handle.withLock { h in
            try? h?.close()
            h = nil
        }
    }

    private static func timestamp() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm:ss.SSS"
        return f.string(from: Date())
    }
}
