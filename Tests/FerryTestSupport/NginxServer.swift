import FerryEngine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real nginx serving a folder on a loopback port, for tests of what Ferry publishes for
/// other web servers. Stopped (SIGTERM, then reaped) by `stop`.
public final class NginxServer: Sendable {
    public let port: Int
    private let process: ChildProcess

    public init(root: String, in work: URL) throws {
        let home = work.appendingPathComponent("nginx-\(UUID().uuidString.prefix(8))")
        for folder in ["logs", "temp"] {
            try FileManager.default.createDirectory(at: home.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        port = try LoopbackPort.free()
        let config = """
            daemon off;
            \(getuid() == 0 ? "user root;" : "")
            worker_processes 1;
            pid \(home.path)/nginx.pid;
            error_log \(home.path)/logs/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path \(home.path)/temp;
                proxy_temp_path \(home.path)/temp;
                fastcgi_temp_path \(home.path)/temp;
                uwsgi_temp_path \(home.path)/temp;
                scgi_temp_path \(home.path)/temp;
                server { listen 127.0.0.1:\(port); root \(root); }
            }
            """
        try Data(config.utf8).write(to: home.appendingPathComponent("nginx.conf"))
        let binary = FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx"
        process = try ChildProcess.spawn([binary, "-c", home.appendingPathComponent("nginx.conf").path, "-p", home.path], in: nil, environment: [:], captureStdout: false)
        guard LoopbackPort.waitUntilAccepting(port, seconds: 5) else {
            stop()
            throw NSError(domain: "nginx", code: 1, userInfo: [NSLocalizedDescriptionKey: "nginx did not start on port \(port)"])
        }
    }

    public func stop() {
        kill(process.pid, SIGTERM)
        _ = process.wait()
    }

    /// GET `path` from nginx: status and body.
    public func get(_ path: String) throws -> (Int, String) {
        let url = URL(string: "http://127.0.0.1:\(port)/\(path)")!
        let output = try ChildProcess.run(["/usr/bin/curl", "-s", "-o", "-", "-w", "\n%{http_code}", url.absoluteString], environment: [:])
        let text = String(decoding: output.stdout, as: UTF8.self)
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, String(text.dropLast(String(status).count + 1)))
    }
}
