@testable import FerryEngine
import Foundation
import Testing

/// Programs start with only the environment, folder and descriptors they are given, and report
/// how they ended the way a shell does.
@Suite struct ChildProcessTests {
    @Test func aChildGetsItsEnvironmentFolderAndOutputs() throws {
        let folder = FileManager.default.temporaryDirectory.standardizedFileURL.path
        let result = try ChildProcess.run(
            ["sh", "-c", "echo \"$GREETING\"; pwd; echo oops >&2"], in: folder, environment: ["PATH": "/usr/bin:/bin", "GREETING": "hello"])
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self) == "hello\n\(folder)\n")
        #expect(String(decoding: result.stderr, as: UTF8.self) == "oops\n")
    }

    @Test func exitStatusAndSignalsAreReportedAsAShellDoes() throws {
        #expect(try ChildProcess.run(["sh", "-c", "exit 3"], environment: ["PATH": "/usr/bin:/bin"]).status == 3)
        #expect(try ChildProcess.run(["sh", "-c", "kill -TERM $$"], environment: ["PATH": "/usr/bin:/bin"]).status == 128 + SIGTERM)
    }

    @Test func aChildInheritsNoDescriptorButItsThree() throws {
        // Opened without O_CLOEXEC, as a careless library might: the child must not get it.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let result = try ChildProcess.run(["sh", "-c", "ls /proc/$$/fd"], environment: ["PATH": "/usr/bin:/bin"])
        let open = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        #expect(!open.contains(leaky))
        #expect(Set(open).isSuperset(of: [0, 1, 2]))
    }

    @Test func aChildLeadsAProcessGroupOfItsOwn() throws {
        let result = try ChildProcess.run(["sh", "-c", "ps -o pgid= -p $$; echo $$"], environment: ["PATH": "/usr/bin:/bin"])
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count == 2 && lines[0] == lines[1])
        #expect(lines.first != String(getpgrp()))
    }

    @Test func aMissingProgramOrFolderIsAnError() throws {
        #expect(try ChildProcess.run(["no-such-program-here"], environment: ["PATH": "/usr/bin:/bin"]).status == 127)
        #expect(throws: (any Error).self) { try ChildProcess.run(["true"], in: "/no/such/folder", environment: [:]) }
    }
}
