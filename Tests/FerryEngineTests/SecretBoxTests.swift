import FerryCore
import FerryEngine
import Foundation
import Testing

/// `SecretBox`: AES-GCM sealing of secret env values, and where its key comes from.
@Suite struct SecretBoxTests {
    /// A box keyed by FERRY_SECRET_KEY (passed in, not read from the process).
    static func box(_ keyText: String = Data(repeating: 7, count: 32).base64EncodedString(), in dir: URL) throws -> SecretBox {
        try SecretBox(paths: FerryPaths(root: dir), environment: ["FERRY_SECRET_KEY": keyText])
    }

    @Test func sealThenOpenGivesThePlaintextBack() throws {
        try withTemporaryDirectory { dir in
            let box = try Self.box(in: dir)
            for plain in ["hunter22", "", "ünïcödé ✓ with spaces\nand lines", String(repeating: "x", count: 10_000)] {
                let sealed = try box.seal(plain)
                #expect(sealed.hasPrefix("enc:v1:"))
                #expect(box.isSealed(sealed))
                #expect(SecretBox.isSealed(sealed))
                #expect(!sealed.contains(plain) || plain.isEmpty)
                #expect(try box.open(sealed) == plain)
            }
            #expect(!box.isSealed("hunter22"))
        }
    }

    @Test func everySealUsesAFreshNonce() throws {
        try withTemporaryDirectory { dir in
            let box = try Self.box(in: dir)
            let sealed = try (0..<50).map { _ in try box.seal("same value") }
            #expect(Set(sealed).count == 50)
            let nonces = sealed.map { Data(base64Encoded: String($0.dropFirst("enc:v1:".count)))!.prefix(12) }
            #expect(Set(nonces).count == 50)
        }
    }

    @Test func anotherKeyCannotOpenAndTheErrorNamesTheKeyNotTheValue() throws {
        try withTemporaryDirectory { dir in
            let sealed = try Self.box(in: dir).seal("tok-very-secret")
            let other = try Self.box(Data(repeating: 9, count: 32).base64EncodedString(), in: dir)
            do {
                _ = try other.open(sealed, envKey: "GIT_TOKEN")
                Issue.record("opened with the wrong key")
            } catch let error as FerryError {
                #expect(error.message.contains("GIT_TOKEN"))
                #expect(!error.message.contains("tok-very-secret"))
                #expect(!error.message.contains(sealed))
                #expect(error.field == "env.GIT_TOKEN")
            }
            // Damaged and unsealed values fail the same way.
            #expect(throws: FerryError.self) { try Self.box(in: dir).open("enc:v1:not-base64!") }
            #expect(throws: FerryError.self) { try Self.box(in: dir).open(String(sealed.dropLast(4)) + "AAA=") }
            #expect(throws: FerryError.self) { try Self.box(in: dir).open("plain") }
        }
    }

    @Test func theEnvironmentKeyIsUsedWhenSetAndNoKeyFileIsWritten() throws {
        try withTemporaryDirectory { dir in
            let paths = FerryPaths(root: dir)
            let a = try SecretBox(paths: paths, environment: ["FERRY_SECRET_KEY": "correct horse battery staple"])
            let b = try SecretBox(paths: paths, environment: ["FERRY_SECRET_KEY": "correct horse battery staple"])
            #expect(try b.open(try a.seal("v")) == "v")
            #expect(!FileManager.default.fileExists(atPath: paths.secretKey.path))
            // A different passphrase is a different key; the file key is another one again.
            let c = try SecretBox(paths: paths, environment: ["FERRY_SECRET_KEY": "another passphrase"])
            #expect(throws: FerryError.self) { try c.open(try a.seal("v")) }
            let fileKeyed = try SecretBox(paths: paths, environment: [:])
            #expect(throws: FerryError.self) { try fileKeyed.open(try a.seal("v")) }
        }
    }

    @Test func aBase64KeyOf32BytesIsUsedAsIs() throws {
        try withTemporaryDirectory { dir in
            let raw = Data((0..<32).map { UInt8($0) })
            let paths = FerryPaths(root: dir)
            // The same 32 bytes in the key file (as base64 text) and in the variable are the same key.
            let fd = open(paths.secretKey.path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
            #expect(fd >= 0)
            close(fd)
            try Data((raw.base64EncodedString() + "\n").utf8).write(to: paths.secretKey)
            let fromEnv = try SecretBox(paths: paths, environment: ["FERRY_SECRET_KEY": raw.base64EncodedString()])
            let fromFile = try SecretBox(paths: paths, environment: [:])
            #expect(try fromFile.open(try fromEnv.seal("same key")) == "same key")
        }
    }

    @Test func theKeyFileIsCreatedWithMode0600AndReusedAfterwards() throws {
        try withTemporaryDirectory { dir in
            let paths = FerryPaths(root: dir)
            #expect(!FileManager.default.fileExists(atPath: paths.secretKey.path))
            let first = try SecretBox(paths: paths, environment: [:])
            let attributes = try FileManager.default.attributesOfItem(atPath: paths.secretKey.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let text = String(decoding: try Data(contentsOf: paths.secretKey), as: UTF8.self)
            #expect(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines))?.count == 32)
            let sealed = try first.seal("survives a restart")
            let second = try SecretBox(paths: paths, environment: ["FERRY_SECRET_KEY": ""])
            #expect(try second.open(sealed) == "survives a restart")
            #expect(String(decoding: try Data(contentsOf: paths.secretKey), as: UTF8.self) == text)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aKeyFileOthersCanReadIsRefused(mode: Int) throws {
        try withTemporaryDirectory { dir in
            let paths = FerryPaths(root: dir)
            _ = try SecretBox(paths: paths, environment: [:])
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: paths.secretKey.path)
            do {
                _ = try SecretBox(paths: paths, environment: [:])
                Issue.record("a key file with mode \(String(mode, radix: 8)) was accepted")
            } catch let error as FerryError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("chmod 600"))
                #expect(error.message.contains(paths.secretKey.path))
            }
        }
    }

    @Test func aKeyFileThatIsNotAKeyIsRefused() throws {
        try withTemporaryDirectory { dir in
            let paths = FerryPaths(root: dir)
            let fd = open(paths.secretKey.path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
            #expect(fd >= 0)
            close(fd)
            #expect { try SecretBox(paths: paths, environment: [:]) } throws: { ($0 as? FerryError)?.code == .unavailable }
        }
    }

    @Test func openEnvDecryptsSecretsAndListsTheirPlaintexts() throws {
        try withTemporaryDirectory { dir in
            let box = try Self.box(in: dir)
            let spec = WorkloadSpec(
                name: "w", source: SourceRef(kind: "static-site"),
                env: ["PLAIN": EnvValue("visible"), "TOKEN": EnvValue(try box.seal("tok-abcdef"), secret: true)])
            let opened = try box.openEnv(spec)
            #expect(opened.env == ["PLAIN": "visible", "TOKEN": "tok-abcdef"])
            #expect(opened.secrets == ["tok-abcdef"])

            let foreign = try Self.box(Data(repeating: 1, count: 32).base64EncodedString(), in: dir)
            #expect { try foreign.openEnv(spec) } throws: { error in
                let message = (error as? FerryError)?.message ?? ""
                return message.contains("TOKEN") && !message.contains("tok-abcdef")
            }
        }
    }

    @Test func theRedactorMasksASecretAndTheFormsDerivedFromIt() {
        let secret = "tok-5f3a9c"
        let redactor = Redactor(secretValues: [secret, "abc"])
        let basic = Data("x-access-token:\(secret)".utf8).base64EncodedString()
        let b64 = Data(secret.utf8).base64EncodedString()
        #expect(redactor.redact("token \(secret)") == "token ***")
        #expect(redactor.redact("Authorization: Basic \(basic)") == "Authorization: Basic ***")
        #expect(redactor.redact("b64 \(b64) end") == "b64 *** end")
        #expect(redactor.redact("unpadded \(b64.replacingOccurrences(of: "=", with: ""))") == "unpadded ***")
        #expect(redactor.redact("abc stays") == "abc stays")
    }
}
