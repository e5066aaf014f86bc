import Foundation
import Testing

@testable import SesameCore

@Suite struct SNSFilterPolicyTests {
    func attributes(_ policy: String, _ given: [String: SNSFilterPolicy.Attribute]) throws -> Bool {
        try SNSFilterPolicy.parse(policy, scope: nil).matches(attributes: given, body: "")
    }

    func body(_ policy: String, _ message: String) throws -> Bool {
        try SNSFilterPolicy.parse(policy, scope: "MessageBody").matches(attributes: [:], body: message)
    }

    @Test func attributeScopeOperators() throws {
        let kind: [String: SNSFilterPolicy.Attribute] = ["kind": ("String", "bounce"), "size": ("Number", "42")]
        #expect(try attributes(#"{"kind": ["bounce", "complaint"]}"#, kind))
        #expect(try !attributes(#"{"kind": ["delivery"]}"#, kind))
        #expect(try attributes(#"{"kind": [{"prefix": "bou"}], "size": [{"numeric": [">", 10, "<=", 42]}]}"#, kind))
        #expect(try !attributes(#"{"size": [{"numeric": ["<", 10]}]}"#, kind))
        #expect(try attributes(#"{"kind": [{"anything-but": ["delivery", "send"]}]}"#, kind))
        #expect(try attributes(#"{"missing": [{"exists": false}]}"#, kind))
        #expect(try !attributes(#"{"missing": ["x"]}"#, kind))
        #expect(try attributes(#"{"kind": [{"equals-ignore-case": "BOUNCE"}]}"#, kind))
        #expect(try attributes(#"{"size": [42]}"#, kind))
        #expect(try attributes(#"{"tags": ["b"]}"#, ["tags": ("String.Array", #"["a","b"]"#)]))
        #expect(try attributes(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, ["ip": ("String", "10.0.0.7")]))
        #expect(try !attributes(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, ["ip": ("String", "10.0.1.7")]))
        #expect(try attributes(#"{"$or": [{"kind": ["x"]}, {"size": [42]}]}"#, kind))
    }

    @Test func bodyScopeMatchesNestedFieldsAndArrays() throws {
        let bounce =
            #"{"notificationType": "Bounce", "bounce": {"bounceType": "Permanent"}, "mail": {"destination": ["a@x.org", "b@y.org"]}}"#
        #expect(try body(#"{"notificationType": ["Bounce", "Complaint"]}"#, bounce))
        #expect(try !body(#"{"notificationType": ["Delivery"]}"#, bounce))
        #expect(try body(#"{"bounce": {"bounceType": ["Permanent"]}}"#, bounce))
        #expect(try body(#"{"mail": {"destination": [{"suffix": "@y.org"}]}}"#, bounce))
        #expect(try !body(#"{"notificationType": ["Bounce"]}"#, "not json"))
    }

    @Test func invalidAndTooComplexPoliciesAreRefused() {
        for bad in [
            #"not json"#, #"{"a": []}"#, #"{"a": [{"nope": 1}]}"#, #"{"a": [{"numeric": [">"]}]}"#, #"{"a": "x"}"#,
            #"{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}"#,
        ] {
            #expect(throws: SNSFilterPolicy.Invalid.self) { try SNSFilterPolicy.parse(bad, scope: nil) }
        }
        let wide = "{" + (0..<4).map { #""k\#($0)": [1,2,3,4]"# }.joined(separator: ",") + "}"  // 256 combinations
        #expect(throws: SNSFilterPolicy.Invalid.self) { try SNSFilterPolicy.parse(wide, scope: nil) }
    }
}
