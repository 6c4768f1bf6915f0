import Crypto
import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encrypts secret env values at rest with AES-256-GCM. A sealed value is
/// `enc:v1:` + base64(nonce ‖ ciphertext ‖ tag), so it can live inside the stored spec.
///
/// The key comes from `FERRY_SECRET_KEY` (base64 of 32 bytes; any other string is hashed with
/// SHA-256 into a key) or else from the key file `<data>/secret.key`, created with mode 0600 on
/// first use. An existing key file that group or others can read is refused: fix its mode.
/// No error this type throws ever carries a plaintext or a key.
public struct SecretBox: Sendable {
    public static let prefix = "enc:v1:"
    public static let environmentVariable = "FERRY_SECRET_KEY"

    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// The key from `environment[FERRY_SECRET_KEY]`, else from (or into) `paths.secretKey`.
    public init(paths: FerryPaths, environment: [String: String]) throws {
        if let text = environment[Self.environmentVariable], !text.isEmpty {
            self.init(key: Self.key(fromText: text))
        } else {
            self.init(key: try Self.loadOrCreateKeyFile(at: paths.secretKey))
        }
    }

    public static func isSealed(_ value: String) -> Bool { value.hasPrefix(prefix) }
    public func isSealed(_ value: String) -> Bool { Self.isSealed(value) }

    public func seal(_ plaintext: String) throws -> String {
        do {
            let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
            guard let combined = box.combined else { throw FerryError(.internal, "AES-GCM gave no combined form") }
            return Self.prefix + combined.base64EncodedString()
        } catch let error as FerryError {
            throw error
        } catch {
            throw FerryError(.internal, "cannot encrypt a secret", cause: error)
        }
    }

    /// Decrypts a sealed value. `envKey` names the entry in the error (never the value).
    public func open(_ sealed: String, envKey: String? = nil) throws -> String {
        let which = envKey.map { "env entry \($0)" } ?? "secret"
        guard Self.isSealed(sealed) else { throw FerryError(.invalidInput, "\(which) is not an encrypted value", field: envKey.map { "env.\($0)" }) }
        guard let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key),
            let text = String(data: plain, encoding: .utf8)
        else {
            throw FerryError(
                .invalidInput,
                "\(which) cannot be decrypted with this server's secret key (it was encrypted with another key, or is damaged); set it again",
                field: envKey.map { "env.\($0)" })
        }
        return text
    }

    // MARK: - Key

    /// Base64 of exactly 32 bytes is the key itself; anything else is hashed into one.
    static func key(fromText text: String) -> SymmetricKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return SymmetricKey(data: data) }
        return SymmetricKey(data: Data(SHA256.hash(data: Data(text.utf8))))
    }

    static func loadOrCreateKeyFile(at url: URL) throws -> SymmetricKey {
        let path = url.path
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else { throw unavailable("cannot inspect the secret key file \(path): \(String(cString: strerror(errno)))") }
            if let created = try createKeyFile(at: path) { return created }
            // Another process created it between our stat and open: read theirs.
            guard stat(path, &info) == 0 else { throw unavailable("cannot inspect the secret key file \(path): \(String(cString: strerror(errno)))") }
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw unavailable(
                "the secret key file \(path) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path)` and start again")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw unavailable("cannot read the secret key file \(path); check its owner and permissions")
        }
        if data.count == 32 { return SymmetricKey(data: data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw unavailable("the secret key file \(path) does not hold a key (expected base64 of 32 bytes)")
        }
        return SymmetricKey(data: decoded)
    }

    /// Creates the key file with mode 0600 before any byte is written. Returns nil when the file
    /// already exists (someone else made it first).
    private static func createKeyFile(at path: String) throws -> SymmetricKey? {
        #if canImport(Glibc)
        let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        #else
        let fd = Darwin.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        #endif
        if fd < 0 {
            if errno == EEXIST { return nil }
            throw unavailable("cannot create the secret key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0) }.base64EncodedString() + "\n"
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw unavailable("cannot write the secret key file \(path): \(reason)")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw unavailable("cannot write the secret key file \(path): \(reason)")
        }
        return key
    }

    private static func unavailable(_ message: String) -> FerryError { FerryError(.unavailable, message) }
}

extension SecretBox {
    /// A workload's env as a plugin's context gets it: secrets decrypted. `secrets` are the
    /// plaintexts of the secret entries, for the job log's redactor.
    public func openEnv(_ spec: WorkloadSpec) throws -> (env: [String: String], secrets: [String]) {
        var env: [String: String] = [:]
        var secrets: [String] = []
        for (key, entry) in spec.env {
            guard entry.secret else {
                env[key] = entry.value
                continue
            }
            let plain = Self.isSealed(entry.value) ? try open(entry.value, envKey: key) : entry.value
            env[key] = plain
            secrets.append(plain)
        }
        return (env, secrets)
    }
}
