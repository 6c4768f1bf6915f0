import FerryCore

/// One os/cpu (and optionally libc) pair a mirror serves, written as npm names them
/// (`linux-x64`, `darwin-arm64`, `linux-x64-musl`). Packages such as esbuild, @swc/core and
/// sharp ship one optional dependency per platform; a mirror that lists its platforms fetches
/// only the ones its users' machines can install, the way npm itself skips the rest.
struct NpmPlatform: Sendable, Equatable, CustomStringConvertible {
    var os: String
    var cpu: String
    var libc: String?

    /// Node's `process.platform` and `process.arch` values, so a typo (`x86_64`, `macos`) is an
    /// error at apply time rather than a platform nothing matches.
    static let systems: Set<String> = ["aix", "android", "darwin", "freebsd", "linux", "netbsd", "openbsd", "sunos", "win32", "cygwin"]
    static let cpus: Set<String> = ["arm", "arm64", "ia32", "loong64", "mips", "mipsel", "ppc", "ppc64", "riscv64", "s390", "s390x", "x64"]
    static let libcs: Set<String> = ["glibc", "musl"]

    var description: String { [os, cpu, libc].compactMap { $0 }.joined(separator: "-") }

    static func parse(_ text: String, field: String) throws -> NpmPlatform {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count) else {
            throw FerryError.invalid(field, "expected os-cpu such as linux-x64, darwin-arm64 or linux-x64-musl, got \"\(text)\"")
        }
        guard systems.contains(parts[0]) else {
            throw FerryError.invalid(field, "\"\(parts[0])\" in \"\(text)\" is not an os npm knows; use one of \(systems.sorted().joined(separator: ", "))")
        }
        guard cpus.contains(parts[1]) else {
            throw FerryError.invalid(field, "\"\(parts[1])\" in \"\(text)\" is not a cpu npm knows; use one of \(cpus.sorted().joined(separator: ", "))")
        }
        if parts.count == 3, !libcs.contains(parts[2]) {
            throw FerryError.invalid(field, "\"\(parts[2])\" in \"\(text)\" is not a libc npm knows; use glibc or musl")
        }
        return NpmPlatform(os: parts[0], cpu: parts[1], libc: parts.count == 3 ? parts[2] : nil)
    }

    /// Whether a version with these `os`, `cpu` and `libc` fields installs here, by
    /// npm-install-checks' rule: a listed name matches, a `!name` excludes, a list of only
    /// exclusions admits everything else, an empty list admits all. A platform without a libc
    /// admits any libc.
    func admits(os: [String], cpu: [String], libc: [String]) -> Bool {
        Self.check(self.os, os) && Self.check(self.cpu, cpu) && (self.libc.map { Self.check($0, libc) } ?? true)
    }

    private static func check(_ value: String, _ list: [String]) -> Bool {
        if list == ["any"] { return true }
        var negated = 0
        var matched = false
        for entry in list {
            if entry.hasPrefix("!") {
                negated += 1
                if entry.dropFirst() == value { return false }
            } else if entry == value {
                matched = true
            }
        }
        return matched || negated == list.count
    }
}
