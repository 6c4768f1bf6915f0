import FerryEngine
import Testing

/// `Redactor`: secrets never reach a job log.
@Suite struct RedactorTests {
    @Test func secretValuesAreMaskedEverywhere() {
        let redactor = Redactor(secrets: ["hunter22", "tok-5f3a"])
        #expect(redactor.redact("password=hunter22 token=tok-5f3a again hunter22") == "password=*** token=*** again ***")
    }

    @Test func longerSecretsAreMaskedBeforeTheShorterOnesInsideThem() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh", "efgh"])
        #expect(redactor.redact("key abcdefgh end") == "key *** end")
        #expect(redactor.redact("just abcd and efgh") == "just *** and ***")
    }

    @Test func theOrderSecretsAreGivenInDoesNotMatter() {
        let text = "x supersecretvalue y"
        #expect(Redactor(secrets: ["super", "supersecretvalue"]).redact(text) == "x *** y")
        #expect(Redactor(secrets: ["supersecretvalue", "super"]).redact(text) == "x *** y")
    }

    @Test func valuesShorterThanFourCharactersAreNotTreatedAsSecrets() {
        let redactor = Redactor(secrets: ["abc", "1", "", "true"])
        #expect(redactor.redact("abc 1 is true") == "abc 1 is ***")
    }

    @Test(arguments: [
        ("cloning https://user:tok123@git.example.com/a.git", "cloning https://***@git.example.com/a.git"),
        ("https://oauth2:glpat-xyz@gitlab.example.com/x", "https://***@gitlab.example.com/x"),
        ("fetch http://token@host:3000/r.git done", "fetch http://***@host:3000/r.git done"),
        ("a https://u:p@one.example b ssh://git:pw@two.example", "a https://***@one.example b ssh://***@two.example"),
        ("https://user:@host/x", "https://***@host/x"),
    ])
    func credentialsInURLsAreMasked(text: String, redacted: String) {
        #expect(Redactor(secrets: []).redact(text) == redacted)
    }

    @Test(arguments: [
        "https://git.example.com/a.git", "mail ops@example.com", "https://example.com/@user/page", "no secrets here",
    ])
    func textWithoutCredentialsIsUnchanged(text: String) {
        #expect(Redactor(secrets: ["zzzz"]).redact(text) == text)
    }

    @Test func secretsAndURLCredentialsTogether() {
        let redactor = Redactor(secrets: ["s3cr3t-token"])
        #expect(redactor.redact("GIT_TOKEN=s3cr3t-token url=https://bot:s3cr3t-token@git.example.com/r")
            == "GIT_TOKEN=*** url=https://***@git.example.com/r")
    }

    @Test func theMaskIsThreeStars() {
        #expect(Redactor.mask == "***")
    }
}
