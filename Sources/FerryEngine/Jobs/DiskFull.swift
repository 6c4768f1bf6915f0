import FerryCore
import Foundation

/// A job that ran out of space, told the way an operator can act on: which device is full and
/// about how much the job needs. `DiskGuard` refuses a job before it starts on a nearly full
/// disk; this is for the one that fills it while running (its build folder is removed, and
/// nothing live was changed).
struct DiskFull {
    /// The data directory's free bytes when the job started, and what the live build holds.
    let freeAtStart: Int
    let liveBytes: Int64

    /// Whether `error`, or what caused it, is the file system reporting no space (ENOSPC), as
    /// Foundation, a POSIX call, a child process (git: "No space left on device") or SQLite
    /// ("database or disk is full") says it.
    static func matches(_ error: any Error) -> Bool {
        var next: (any Error)? = error
        while let error = next {
            if let posix = error as? POSIXError, posix.code == .ENOSPC { return true }
            if let cocoa = error as? CocoaError, cocoa.code == .fileWriteOutOfSpace { return true }
            let ns = error as NSError
            if ns.domain == NSPOSIXErrorDomain, ns.code == Int(ENOSPC) { return true }
            if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain, underlying.code == Int(ENOSPC) {
                return true
            }
            let text = "\(error)"
            if text.localizedCaseInsensitiveContains("no space left on device") || text.contains("database or disk is full") { return true }
            next = (error as? FerryError)?.cause
        }
        return false
    }

    /// "no space left on DEVICE (needs ~N MB)": the job used up every byte that was free, so
    /// it needs more than that, and a build of this workload is about the size of the live one.
    func error(_ cause: any Error, dataDirectory: String) -> FerryError {
        let needs = max(Int64(freeAtStart), liveBytes) + 1
        let megabytes = (needs + (1 << 20) - 1) >> 20
        return FerryError(
            .failed,
            "no space left on \(Self.device(of: dataDirectory)) (needs ~\(megabytes) MB); free space and run it again. \(cause)",
            cause: cause)
    }

    /// The device the file system holding `path` is mounted from (`/dev/vda1`), or its type and
    /// mount point when it has no device (`tmpfs at /srv/ferry`), from /proc/self/mountinfo.
    static func device(of path: String) -> String {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return "the device of \(path)" }
        var best: (point: String, name: String)?
        for line in table.split(separator: "\n") {
            // id parent major:minor root MOUNTPOINT options… - FSTYPE SOURCE super-options
            let halves = line.components(separatedBy: " - ")
            let fields = halves[0].split(separator: " ")
            guard halves.count == 2, fields.count >= 5 else { continue }
            let point = unescape(String(fields[4]))
            let tail = halves[1].split(separator: " ")
            guard tail.count >= 2 else { continue }
            let inside = point == "/" || target == point || target.hasPrefix(point + "/")
            guard inside, point.count >= (best?.point.count ?? -1) else { continue }
            let source = String(tail[1])
            best = (point, source.hasPrefix("/dev/") ? source : "\(tail[0]) at \(point)")
        }
        return best?.name ?? "the device of \(path)"
    }

    /// mountinfo writes spaces and the like in paths as octal escapes (`\040`).
    private static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var out = ""
        var chars = Array(field)[...]
        while let c = chars.popFirst() {
            if c == "\\", chars.count >= 3, let code = UInt8(String(chars.prefix(3)), radix: 8) {
                out.append(Character(Unicode.Scalar(code)))
                chars = chars.dropFirst(3)
            } else {
                out.append(c)
            }
        }
        return out
    }
}
