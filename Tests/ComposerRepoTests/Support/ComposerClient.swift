import Foundation

/// The real `composer` (Debian's package) in a project folder of its own, with COMPOSER_HOME and
/// its cache in the test's temp folder, plain http allowed and packagist.org disabled.
struct ComposerClient {
    let project: URL
    let home: URL

    init(in temp: URL, repository: String) throws {
        project = temp.appendingPathComponent("project")
        home = temp.appendingPathComponent("composer-home")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let manifest = """
            {
              "name": "test/project",
              "repositories": [{"type": "composer", "url": "\(repository)"}, {"packagist.org": false}],
              "config": {"secure-http": false, "allow-plugins": false}
            }
            """
        try Data(manifest.utf8).write(to: project.appendingPathComponent("composer.json"))
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `composer <arguments>`; throws with its output when it fails. Install commands get
    /// `--no-progress --no-audit`; `installing: false` leaves them off (search and show refuse them).
    @discardableResult
    func run(_ arguments: [String], installing: Bool = true) async throws -> String {
        let output = home.appendingPathComponent("out-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["composer"] + arguments + ["--no-interaction"] + (installing ? ["--no-progress", "--no-audit"] : [])
        process.currentDirectoryURL = project
        var env = ProcessInfo.processInfo.environment
        env["COMPOSER_HOME"] = home.path
        env["COMPOSER_CACHE_DIR"] = home.appendingPathComponent("cache").path
        env["COMPOSER_ALLOW_SUPERUSER"] = "1"
        env["COMPOSER_NO_INTERACTION"] = "1"
        env["COMPOSER_DISABLE_NETWORK"] = nil
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try handle.close()
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure(description: "composer \(arguments.joined(separator: " ")) exited \(status):\n\(text)") }
        return text
    }

    func installed(_ path: String) -> String? {
        try? String(contentsOf: project.appendingPathComponent("vendor/\(path)"), encoding: .utf8)
    }
}
