import Testing

@testable import SesameAWSProtocol

@Suite struct QueryTests {
    @Test func formDecoding() {
        let body = Array("Action=CreateUser&UserName=bob&Path=%2Fops%2F&Tags.member.1.Value=mail+ops".utf8)
        let p = QueryParameters(formBody: body, rawQuery: "Version=2010-05-08")
        #expect(p.action == "CreateUser")
        #expect(p["Path"] == "/ops/")
        #expect(p["Tags.member.1.Value"] == "mail ops")
        #expect(p["Version"] == "2010-05-08")
    }

    @Test func errorEnvelope() {
        let xml = QueryResponse.renderError(
            .invalidClientTokenId(), namespace: "https://sts.amazonaws.com/doc/2011-06-15/", requestID: "r1")
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
