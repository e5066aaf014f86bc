import Testing

@testable import SesameAWSProtocol

@Suite struct QueryTests {
    @Test func formDecodingAndLists() throws {
        let body = Array("Action=CreateUser&UserName=bob&Path=%2Fops%2F&Tags.member.1.Key=team&Tags.member.1.Value=mail+ops&Tags.member.2.Key=x&Tags.member.2.Value=".utf8)
        let p = QueryParameters(formBody: body, rawQuery: "")
        #expect(p.action == "CreateUser")
        #expect(p["Path"] == "/ops/")
        #expect(try p.required("UserName") == "bob")
        let tags = p.keyValueList("Tags")
        #expect(tags.count == 2)
        #expect(tags[0].key == "team" && tags[0].value == "mail ops")
        #expect(tags[1].value == "")
    }

    @Test func missingRequiredParameterNamesIt() {
        let p = QueryParameters(formBody: Array("Action=GetUserPolicy".utf8), rawQuery: "")
        #expect(throws: AWSError.validationError("1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null")) {
            try p.required("PolicyName")
        }
    }

    @Test func memberLists() {
        let p = QueryParameters(formBody: Array("TagKeys.member.1=a&TagKeys.member.2=b&TagKeys.member.4=d".utf8), rawQuery: "")
        #expect(p.list("TagKeys") == ["a", "b"])
    }

    @Test func responseEnvelope() {
        let xml = QueryResponse.render(action: "GetUser", namespace: "https://iam.amazonaws.com/doc/2010-05-08/", requestID: "rid") { xml in
            xml.element("User") { $0.element("UserName", "a<b&c") }
        }
        #expect(
            xml
                == #"<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User><UserName>a&lt;b&amp;c</UserName></User></GetUserResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetUserResponse>"#
        )
    }

    @Test func errorEnvelope() {
        let xml = QueryResponse.renderError(.invalidClientTokenId(), namespace: "https://sts.amazonaws.com/doc/2011-06-15/", requestID: "r1")
        #expect(
            xml
                == #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#
        )
    }

    @Test func uriEncoding() {
        #expect(URIEncoding.encode("a b/c~") == "a%20b%2Fc~")
        #expect(URIEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(URIEncoding.decode("a%20b+c", plusAsSpace: true) == "a b c")
        #expect(URIEncoding.decode("a%20b+c", plusAsSpace: false) == "a b+c")
        #expect(URIEncoding.decode("100%", plusAsSpace: false) == "100%")
    }
}
