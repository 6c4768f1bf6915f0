import FerryCore
import FuzzDriver
import GitPushTrigger

/// Every sender's webhook parser on one body: `GitPushTrigger.receive` as each forge would call
/// it (GitHub, Gitea and Forgejo pushes, GitLab push, tag and system hooks), unsigned and signed
/// with the right secret, then the branch/tag/path filters on whatever delivery came out.
private let trigger = GitPushTrigger()
private let secret = "fuzz-secret"
private let events: [(WebhookSender, String)] = [
    (.github, "push"), (.github, "ping"), (.gitea, "push"), (.forgejo, "push"),
    (.gitlab, "Push Hook"), (.gitlab, "Tag Push Hook"), (.gitlab, "System Hook"),
]
private let filters: [JSONValue] = [
    .null,
    .object(["branches": .array([.string("main"), .string("release/*")])]),
    .object(["tags": .array([.string("v*")]), "paths": .array([.string("public/**"), .string("**/*.md")])]),
]

/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("WebhookFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    for (sender, event) in events {
        var headers = [sender.eventHeader: event]
        check(trigger.receive(IngressRequest(headers: headers, body: body), secret: nil))
        switch sender {
        case .github: headers[sender.signatureHeader] = "sha256=" + SignatureCheck.hmacSHA256Hex(body: body, secret: secret)
        case .gitea, .forgejo: headers[sender.signatureHeader] = SignatureCheck.hmacSHA256Hex(body: body, secret: secret)
        case .gitlab: headers[sender.signatureHeader] = secret
        }
        check(trigger.receive(IngressRequest(headers: headers, body: body), secret: secret))
    }
    return 0
}

private func check(_ verdict: IngressVerdict) {
    switch verdict {
    case .accepted(let delivery), .ignored(let delivery, _):
        for filter in filters { _ = trigger.matches(delivery, filters: filter) }
    case .refused(_, _, let reason):
        // The harness signs every body correctly, so a refusal is a bug in the signature check.
        fatalError("a correctly signed delivery was refused: \(reason)")
    case .malformed:
        break
    }
}
