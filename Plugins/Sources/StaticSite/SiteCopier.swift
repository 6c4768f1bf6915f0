import FerryCore
import Foundation

/// Copies the published folder into the build directory, rendering Markdown on the way.
///
/// Planning (which file lands where) is pure and separate from copying, so the naming rules can
/// be tested without a file system and the copy can report exact progress (`copied 40/120 files`).
struct SiteCopier {
    /// One file of the build: what to read, where to write it, and whether to render Markdown.
    struct Entry: Sendable, Equatable {
        var file: SiteFile
        /// Path relative to the build root.
        var output: String
        var render: Bool
    }

    let context: any SourceContext

    /// Decides the build's files. With `markdown`, `x.md` becomes `x.html`; a folder's `index.md`,
    /// or else its `README.md`, becomes its `index.html` unless one exists; a real file always wins
    /// over a rendered page of the same name (the page is skipped, with a log line).
    static func plan(_ files: [SiteFile], markdown: Bool, log: (String) -> Void = { _ in }) -> [Entry] {
        guard markdown else { return files.map { Entry(file: $0, output: $0.relativePath, render: false) } }
        let (md, plain) = (files.filter(isMarkdown), files.filter { !isMarkdown($0) })
        var entries = plain.map { Entry(file: $0, output: $0.relativePath, render: false) }
        var claimed = Set(entries.map(\.output))
        let foldersWithIndexMD = Set(md.filter { name(of: $0).lowercased() == "index.md" }.map { folder(of: $0) })
        for file in md {
            let folder = folder(of: file)
            let lower = name(of: file).lowercased()
            let output =
                if lower == "index.md" || (lower == "readme.md" && !foldersWithIndexMD.contains(folder) && !claimed.contains(folder + "index.html")) {
                    folder + "index.html"
                } else {
                    folder + MarkdownPage.stem(of: file.relativePath) + ".html"
                }
            guard claimed.insert(output).inserted else {
                log("not rendering \(file.relativePath): \(output) already exists")
                continue
            }
            entries.append(Entry(file: file, output: output, render: true))
        }
        return entries.sorted { $0.output < $1.output }
    }

    /// Writes every entry below `build`, checking for cancellation between files. Progress runs
    /// from `start` to 1 and is reported about fifty times, however many files there are.
    func copy(_ entries: [Entry], into build: URL, start: Double) throws {
        let pages = Dictionary(entries.filter(\.render).map { ($0.file.relativePath, $0.output) }, uniquingKeysWith: { a, _ in a })
        let step = max(1, entries.count / 50)
        var rendered = 0
        let fm = FileManager.default
        for (index, entry) in entries.enumerated() {
            try context.checkCancellation()
            let destination = build.appendingPathComponent(entry.output)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if entry.render {
                let data = try Data(contentsOf: URL(fileURLWithPath: entry.file.source))
                let page = MarkdownPage(sourcePath: entry.file.relativePath, pages: pages).render(String(decoding: data, as: UTF8.self))
                try Data(page.utf8).write(to: destination)
                rendered += 1
            } else {
                try fm.copyItem(atPath: entry.file.source, toPath: destination.path)
            }
            let done = index + 1
            if done % step == 0 || done == entries.count {
                let pagesNote = rendered > 0 ? " (\(rendered) Markdown pages rendered)" : ""
                context.progress(start + (1 - start) * Double(done) / Double(entries.count), "copied \(done)/\(entries.count) files\(pagesNote)")
            }
        }
    }

    private static func isMarkdown(_ file: SiteFile) -> Bool {
        file.relativePath.lowercased().hasSuffix(".md") && !name(of: file).hasPrefix(".")
    }

    private static func name(of file: SiteFile) -> String {
        file.relativePath.split(separator: "/").last.map(String.init) ?? file.relativePath
    }

    /// The file's folder with a trailing slash, or "" at the root.
    private static func folder(of file: SiteFile) -> String {
        guard let slash = file.relativePath.lastIndex(of: "/") else { return "" }
        return String(file.relativePath[...slash])
    }
}
