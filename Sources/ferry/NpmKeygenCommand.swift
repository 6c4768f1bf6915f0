import ArgumentParser
import FerryCore
import Foundation
import NpmMirrorSource

/// `ferry npm keygen --out NAME`: the ed25519 pair diffs are signed with. NAME.key goes into
/// the online workload's env (a secret named by `signingKeyEnv`); NAME.pub is carried to the
/// offline side once, by a path the diffs do not travel.
struct NpmKeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keygen", abstract: "Make an ed25519 key pair for signing npm diffs.")

    @Option(help: "Path prefix: writes PREFIX.key (mode 0600) and PREFIX.pub.") var out: String = "ferry-npm"
    @Flag(help: "Replace existing files.") var force = false

    func run() async throws {
        try await CLIOutput.guarded {
            let (privateKey, publicKey) = DiffSignature.keyPair()
            let keyFile = out + ".key", pubFile = out + ".pub"
            for file in [keyFile, pubFile] where FileManager.default.fileExists(atPath: file) && !force {
                throw FerryError(.conflict, "\(file) exists; choose another --out or add --force")
            }
            guard FileManager.default.createFile(atPath: keyFile, contents: Data(privateKey.utf8), attributes: [.posixPermissions: 0o600]),
                  FileManager.default.createFile(atPath: pubFile, contents: Data(publicKey.utf8), attributes: [.posixPermissions: 0o644])
            else { throw FerryError(.failed, "cannot write \(keyFile) and \(pubFile)") }
            print("wrote \(keyFile) (private: put it in the online workload's env as a secret, e.g. ferry env set NAME NPM_SIGNING_KEY=- --secret < \(keyFile))")
            print("wrote \(pubFile) (public: carry it to the offline side once; ferry npm apply --trust \(pubFile))")
        }
    }
}
