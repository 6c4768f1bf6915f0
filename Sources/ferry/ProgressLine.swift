import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How `--wait` shows a job's log. On a terminal, the job's `progress NN% note` lines become
/// one bar redrawn in place under the other lines; piped, every line passes through unchanged,
/// so scripts and CI logs keep the whole record.
struct ProgressLine {
    let terminal: Bool
    let width: Int
    private var partial = ""
    private var bar: String?

    init(terminal: Bool = isatty(STDOUT_FILENO) == 1, width: Int = ProgressLine.terminalWidth()) {
        self.terminal = terminal
        self.width = max(width, 30)
    }

    /// The text to write for a chunk of the log (which may end mid-line).
    mutating func feed(_ chunk: String) -> String {
        guard terminal else { return chunk }
        partial += chunk
        var out = ""
        while let newline = partial.firstIndex(of: "\n") {
            let line = String(partial[..<newline])
            partial = String(partial[partial.index(after: newline)...])
            if let drawn = Self.bar(for: line, width: width) {
                bar = drawn
                out += "\r\u{1B}[K" + drawn
            } else {
                out += (bar == nil ? "" : "\r\u{1B}[K") + line + "\n" + (bar ?? "")
            }
        }
        return out
    }

    /// What is left when the log ends: the last bar stays on screen as the job's last state.
    mutating func finish() -> String {
        guard terminal else { return "" }
        let rest = partial.isEmpty ? "" : (bar == nil ? "" : "\r\u{1B}[K") + partial + "\n"
        partial = ""
        defer { bar = nil }
        return rest + (bar == nil ? "" : "\n")
    }

    /// `2026-12-07T02:30:45Z progress 45% note` as `[#########           ]  45% note`; nil for
    /// any other line. A progress line without a fraction shows the note alone.
    static func bar(for line: String, width: Int) -> String? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let text = line[line.index(after: space)...]
        guard text.hasPrefix("progress ") else { return nil }
        var note = text.dropFirst("progress ".count)
        var fraction: Double?
        if let percent = note.firstIndex(of: "%"), let value = Int(note[..<percent]), (0...100).contains(value) {
            fraction = Double(value) / 100
            note = note[note.index(after: percent)...].drop { $0 == " " }
        }
        let cells = 20
        let head: String
        if let fraction {
            let filled = Int((fraction * Double(cells)).rounded())
            head = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: cells - filled) + "] "
                + String(repeating: " ", count: 3 - String(Int(fraction * 100)).count) + "\(Int(fraction * 100))% "
        } else {
            head = "[" + String(repeating: ".", count: cells) + "]      "
        }
        return String((head + note).prefix(width - 1))
    }

    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    }
}
