import FerryCore
import Foundation

/// `~/.config/ferry/credentials` (or `$FERRY_CREDENTIALS`): a token per server, JSON, mode 0600,
/// as kubectl and npm keep theirs. `ferry login` writes it; every verb reads it when neither
/// `--token` nor `FERRY_TOKEN` is given.
enum CredentialsFile {
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["FERRY_CREDENTIALS"] { return URL(fileURLWithPath: path) }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config/ferry/credentials")
    }

    static func token(for server: String) -> String? {
        guard let data = try? Data(contentsOf: url), let all = try? JSONDecoder().decode([String: String].self, from: data) else { return nil }
        return all[key(server)]
    }

    /// Saves the token, creating the file with 0600 before anything is written to it.
    static func save(_ token: String, for server: String) throws {
        var all: [String: String] = [:]
        if let data = try? Data(contentsOf: url) { all = (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:] }
        all[key(server)] = token
        let fm = FileManager.default
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !fm.fileExists(atPath: url.path), !fm.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: try encoder.encode(all))
    }

    static func key(_ server: String) -> String { server.trimmingSuffix("/") }
}
