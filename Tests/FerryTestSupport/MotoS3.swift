import FerryEngine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// moto's standalone S3 server on a loopback port (from `.venv-s3`, which `make test-deps`
/// makes), read back with boto3, the real AWS SDK for Python: what Ferry publishes to S3 is
/// checked by a client Ferry did not write.
public final class MotoS3: Sendable {
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    private let process: ChildProcess
    private static let venv = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".venv-s3/bin").path

    public init() throws {
        port = try LoopbackPort.free()
        process = try ChildProcess.spawn(
            [Self.venv + "/moto_server", "-H", "127.0.0.1", "-p", String(port)], in: nil, environment: [:], captureStdout: false)
        guard LoopbackPort.waitUntilAccepting(port) else {
            stop()
            throw NSError(domain: "moto", code: 1, userInfo: [NSLocalizedDescriptionKey: "moto_server did not start (run make test-deps)"])
        }
    }

    public func stop() {
        kill(process.pid, SIGTERM)
        _ = process.wait()
    }

    /// Runs a boto3 snippet with `s3` (a client of this server) and `sys.argv[1:]` = `arguments`;
    /// returns what it printed.
    @discardableResult
    public func boto(_ code: String, _ arguments: String...) throws -> String {
        let script = """
            import sys, json, boto3
            s3 = boto3.client("s3", endpoint_url="\(endpoint)", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
            \(code)
            """
        let result = try ChildProcess.run([Self.venv + "/python", "-c", script] + arguments, environment: [:])
        guard result.status == 0 else {
            throw NSError(domain: "moto", code: 2, userInfo: [NSLocalizedDescriptionKey: String(decoding: result.stderr, as: UTF8.self)])
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    public func createBucket(_ name: String) throws { try boto("s3.create_bucket(Bucket=sys.argv[1])", name) }

    /// Every key in the bucket, sorted.
    public func keys(_ bucket: String) throws -> [String] {
        try boto("print(json.dumps(sorted(o['Key'] for o in s3.list_objects_v2(Bucket=sys.argv[1]).get('Contents', []))))", bucket)
            .data(using: .utf8).flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
    }

    /// An object's body, Content-Type and Cache-Control.
    public func object(_ bucket: String, _ key: String) throws -> (body: String, contentType: String, cacheControl: String) {
        let out = try boto("""
            o = s3.get_object(Bucket=sys.argv[1], Key=sys.argv[2])
            print(json.dumps([o["Body"].read().decode(), o.get("ContentType", ""), o.get("CacheControl", "")]))
            """, bucket, key)
        let parts = (try? JSONDecoder().decode([String].self, from: Data(out.utf8))) ?? ["", "", ""]
        return (parts[0], parts[1], parts[2])
    }
}
