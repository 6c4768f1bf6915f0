import FerryCore
import Foundation
import Testing
@testable import ComposerRepoSource

/// The hand-written reader must agree with Foundation's on what is JSON and what it means.
@Suite struct JSONParserTests {
    @Test(arguments: [
        #"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"d\"e\\f\/g\n\u00e9\ud83d\ude00"}}"#,
        #"  [ ]  "#, #"{}"#, #""plain""#, #"0"#, #"{"nested":[[[{"x":[]}]]]}"#,
    ])
    func readsWhatFoundationReads(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(JSONParser.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [#"{"a":1,}"#, #"[1 2]"#, #"{"a"}"#, "\"raw\ncontrol\"", #"tru"#, #"{"a":1} x"#, #""\x""#, #"{"versions":[1,"#, ""])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(JSONParser.parse(Array(text.utf8)) == nil)
    }
}
