import SesameAWSModels
import Testing

@testable import SesameAWSProtocol

/// The sorted index the Query decoder reads parameters through: subtrees found by binary
/// search, whatever bytes the names hold.
@Suite struct QueryParameterIndexTests {
    func decode(_ form: String) throws -> IAM.UntagUserRequest {
        let parameters = QueryParameters(formBody: Array(form.utf8), rawQuery: "")
        return try IAM.UntagUserRequest(
            awsValue: try QueryCodec(model: IAM.model).decode(parameters, operation: IAM.model.operations["UntagUser"]!))
    }

    @Test func namesThatShareAPrefixStaySeparate() throws {
        // `-` and `!` sort below `.` as bytes; segment order must not split `TagKeys`'s subtree.
        let input = try decode(
            "Action=UntagUser&UserName=a&TagKeys-x=1&TagKeys.member.2=b&TagKeys!=2&TagKeys.member.1=a&TagKeysZ=3&TagKeys.member-1=z")
        #expect(input.tagKeys == ["a", "b"])
    }

    @Test func listsPastNineKeepTheirOrder() throws {
        let keys = (1...25).map { "k\($0)" }
        let form =
            "Action=UntagUser&UserName=a&"
            + keys.enumerated().reversed().map { "TagKeys.member.\($0.offset + 1)=\($0.element)" }
            .joined(separator: "&")
        #expect(try decode(form).tagKeys == keys)
    }

    @Test func theLaterOfTwoEqualNamesWins() throws {
        let input = try decode("Action=UntagUser&UserName=first&TagKeys.member.1=a&UserName=second&TagKeys.member.1=b")
        #expect(input.userName == "second" && input.tagKeys == ["b"])
    }

    @Test func oddNamesAreIgnoredNotTrusted() {
        let index = QueryParameterIndex([("", "x"), (".", "y"), ("A..b", "z"), ("A.", "w"), ("A", "v"), ("A.b.", "u")])
        let a = index.child(index.root, "A")
        #expect(a?.value == "v")
        #expect(a.flatMap { index.child($0, "") }?.value == "w")
        #expect(a.flatMap { index.child($0, "b") }?.value == nil)
        #expect(index.child(index.root, "")?.value == "x")
        #expect(index.child(index.root, "B") == nil)
    }

    @Test func aHugeListDecodesInLinearishTime() {
        let count = 50_000
        var pairs = [("UserName", "a")]
        for item in (1...count).reversed() { pairs.append(("TagKeys.member.\(item)", "k\(item)")) }
        let clock = ContinuousClock()
        var decoded: AWSValue?
        let elapsed = clock.measure {
            decoded = QueryInputDecoder(model: IAM.model, parameters: pairs).decode(shape: "UntagUserRequest").value
        }
        guard case .list(let items) = decoded?["TagKeys"] else {
            Issue.record("no list decoded")
            return
        }
        #expect(items.count == count && items.last == .string("k\(count)"))
        // A quadratic scan of 50,000 names takes minutes; sorted lookups take well under a second.
        #expect(elapsed < .seconds(5))
    }
}

/// Validating while decoding finds exactly what decoding and then validating found, in the same
/// order (maps aside, whose entries the validator visits sorted).
@Suite struct FusedValidationTests {
    static let cases: [(ServiceModel, String, String)] = [
        (SES.model, "SendEmailRequest", "Source=a&Destination.ToAddresses.member.1=b&Message.Subject.Data=s"),
        (SES.model, "SendEmailRequest", "Destination.ToAddresses.member.1=b&Message.Body.Text.Charset=x"),
        (
            SES.model, "SendEmailRequest",
            "Source=a&Destination=&Message.Subject.Data=s&Message.Body.Text.Data=t&Tags.member.1.Name=bad name!"
        ),
        (IAM.model, "CreateUserRequest", "UserName=not valid!&Path=nope&Tags.member.1.Key=&Tags.member.2.Value=v"),
        (IAM.model, "CreateUserRequest", "UserName=" + String(repeating: "x", count: 70)),
        (IAM.model, "UntagUserRequest", "UserName=u&TagKeys.member.1=" + String(repeating: "k", count: 200)),
        (IAM.model, "ListPoliciesRequest", "Scope=Everything&MaxItems=0&PathPrefix=x"),
        (SNS.model, "CreateTopicInput", "Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=x"),
        (SNS.model, "PublishInput", "Message=m&MessageAttributes.entry.1.Name=k&MessageAttributes.entry.1.Value.StringValue=v"),
    ]

    @Test(arguments: 0..<cases.count)
    func sameProblemsInOnePass(_ index: Int) {
        let (model, shape, form) = Self.cases[index]
        let pairs = URIEncoding.parsePairs(Array(form.utf8), plusAsSpace: true)
        let decoder = QueryInputDecoder(model: model, parameters: pairs)
        let (value, typeProblems) = decoder.decode(shape: shape)
        #expect(typeProblems.isEmpty)
        let separate = ShapeValidator(model: model).problems(in: value, shape: shape)
        let fused = decoder.decodeValidating(shape: shape)
        #expect(fused.value == value)
        #expect(fused.problems == separate, "\(form)")
        // Every case but the first and the topic has something to report.
        if ![0, 7].contains(index) { #expect(!separate.isEmpty, "\(form) should have problems") }
    }
}
