import FerryCore
import GitPushTrigger
import Testing

struct SignatureCheckTests {
    /// GitHub's documented test vector (docs: "Validating webhook deliveries").
    static let vectorSecret = "It's a Secret to Everybody"
    static let vectorBody = Array("Hello, World!".utf8)
    static let vectorSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    @Test func githubTestVectorVerifies() {
        let headers = HeaderLookup(["x-hub-signature-256": Self.vectorSignature])
        #expect(SignatureCheck.verify(sender: .github, headers: headers, body: Self.vectorBody, secret: Self.vectorSecret) == .valid)
        #expect("sha256=" + SignatureCheck.hmacSHA256Hex(body: Self.vectorBody, secret: Self.vectorSecret) == Self.vectorSignature)
    }

    @Test func githubTestVectorRejectsOtherSecretOrBody() {
        let headers = HeaderLookup(["x-hub-signature-256": Self.vectorSignature])
        #expect(SignatureCheck.verify(sender: .github, headers: headers, body: Self.vectorBody, secret: "It's a secret to everybody") == .mismatch)
        #expect(SignatureCheck.verify(sender: .github, headers: headers, body: Array("Hello, World?".utf8), secret: Self.vectorSecret) == .mismatch)
    }

    @Test func githubNeedsPrefixAndUppercaseHexIsAccepted() {
        let hex = String(Self.vectorSignature.dropFirst("sha256=".count))
        let bare = HeaderLookup(["x-hub-signature-256": hex])
        #expect(SignatureCheck.verify(sender: .github, headers: bare, body: Self.vectorBody, secret: Self.vectorSecret) == .mismatch)
        let upper = HeaderLookup(["x-hub-signature-256": "sha256=" + hex.uppercased()])
        #expect(SignatureCheck.verify(sender: .github, headers: upper, body: Self.vectorBody, secret: Self.vectorSecret) == .valid)
    }

    @Test func giteaSignatureIsBareHex() {
        let hex = String(Self.vectorSignature.dropFirst("sha256=".count))
        #expect(SignatureCheck.verify(sender: .gitea, headers: HeaderLookup(["x-gitea-signature": hex]), body: Self.vectorBody, secret: Self.vectorSecret) == .valid)
        #expect(SignatureCheck.verify(sender: .gitea, headers: HeaderLookup(["x-gitea-signature": Self.vectorSignature]), body: Self.vectorBody, secret: Self.vectorSecret) == .mismatch)
        #expect(SignatureCheck.verify(sender: .forgejo, headers: HeaderLookup(["x-forgejo-signature": hex]), body: Self.vectorBody, secret: Self.vectorSecret) == .valid)
    }

    @Test func missingHeaderIsNamed() {
        #expect(SignatureCheck.verify(sender: .github, headers: HeaderLookup([:]), body: [], secret: "x") == .missing(header: "X-Hub-Signature-256"))
        #expect(SignatureCheck.verify(sender: .gitea, headers: HeaderLookup(["x-hub-signature-256": "sha256=00"]), body: [], secret: "x") == .missing(header: "X-Gitea-Signature"))
        #expect(SignatureCheck.verify(sender: .gitlab, headers: HeaderLookup([:]), body: [], secret: "x") == .missing(header: "X-Gitlab-Token"))
    }

    @Test func gitlabTokenComparesWholeValue() {
        #expect(SignatureCheck.tokenMatches("token-1", secret: "token-1"))
        #expect(!SignatureCheck.tokenMatches("token-", secret: "token-1"))
        #expect(!SignatureCheck.tokenMatches("token-12", secret: "token-1"))
        #expect(!SignatureCheck.tokenMatches("", secret: "token-1"))
    }

    @Test(arguments: [
        ([UInt8](), [UInt8](), true),
        ([1, 2, 3], [1, 2, 3], true),
        ([1, 2, 3], [1, 2, 4], false),
        ([1, 2, 3], [1, 2], false),
        ([0x80], [0x00], false),
    ])
    func constantTimeEquals(_ a: [UInt8], _ b: [UInt8], _ equal: Bool) {
        #expect(ConstantTime.equal(a, b) == equal)
    }

    @Test func garbageHexIsAMismatchNotACrash() {
        for bad in ["zz", "abc", "", String(repeating: "0", count: 62)] {
            #expect(!SignatureCheck.isValidHMAC(hex: bad, body: Self.vectorBody, secret: Self.vectorSecret))
        }
    }
}
