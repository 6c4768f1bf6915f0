import Foundation

/// Where the UI's templates, static files and message catalogues live: the `web:` folder of
/// the server config (default `./web`, relative to the working directory), else a `web/`
/// folder beside the executable or above it (`.build/debug/ferry` finds the repository's).
struct WebAssets: Sendable {
    let root: URL

    var templates: URL { root.appendingPathComponent("templates") }
    var statics: URL { root.appendingPathComponent("static") }
    var catalogues: URL { root.appendingPathComponent("i18n") }

    /// Nil when no folder with `templates/` is found; the server then runs without its UI.
    static func locate(_ configured: String) -> WebAssets? {
        let fm = FileManager.default
        var candidates = [URL(fileURLWithPath: configured)]
        if !configured.hasPrefix("/"), let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var dir = exe.deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(dir.appendingPathComponent(configured))
                dir = dir.deletingLastPathComponent()
            }
        }
        for url in candidates {
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: url.appendingPathComponent("templates").path, isDirectory: &isDir), isDir.boolValue {
                return WebAssets(root: url.standardizedFileURL)
            }
        }
        return nil
    }
}
