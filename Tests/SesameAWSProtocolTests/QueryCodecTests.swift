import Foundation
import SesameAWSModels
import Testing

@testable import SesameAWSProtocol

/// The Query codec against the generated models: parameters in (lists, maps, nested
/// structures), validation in AWS's words, XML out.
@Suite struct QueryCodecTests {
    func decode(_ model: ServiceModel, _ form: String) throws(AWSError) -> AWSValue {
        let parameters = QueryParameters(formBody: Array(form.utf8), rawQuery: "")
        return try QueryCodec(model: model).decode(parameters, operation: model.operations[parameters.action!]!)
    }

    func validationMessage(_ model: ServiceModel, _ form: String) -> String? {
        do {
            _ = try decode(model, form)
            return nil
        } catch {
            #expect(error.code == "ValidationError" && error.status == 400)
            return error.message
        }
    }

    @Test func memberListsOfStructures() throws {
        let value = try decode(
            IAM.model,
            "Action=CreateUser&UserName=bob&Path=%2Fops%2F&Tags.member.1.Key=team&Tags.member.1.Value=mail+ops&Tags.member.2.Key=x&Tags.member.2.Value="
        )
        let input = try IAM.CreateUserRequest(awsValue: value)
        #expect(input.userName == "bob" && input.path == "/ops/")
        #expect(input.tags?.map(\.key) == ["team", "x"])
        #expect(input.tags?.map(\.value) == ["mail ops", ""])
    }

    @Test func listsStopAtTheFirstGapAndAnEmptyListIsSent() throws {
        let value = try decode(IAM.model, "Action=UntagUser&UserName=a&TagKeys.member.1=a&TagKeys.member.2=b&TagKeys.member.4=d")
        #expect(try IAM.UntagUserRequest(awsValue: value).tagKeys == ["a", "b"])
        let empty = try decode(IAM.model, "Action=UntagUser&UserName=a&TagKeys=")
        #expect(try IAM.UntagUserRequest(awsValue: empty).tagKeys == [])
    }

    @Test func mapsAndNestedStructures() throws {
        let topic = try SNS.CreateTopicInput(
            awsValue: try decode(
                SNS.model,
                "Action=CreateTopic&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=Mail&Attributes.entry.2.key=Policy&Attributes.entry.2.value=%7B%7D"
            ))
        #expect(topic.attributes == ["DisplayName": "Mail", "Policy": "{}"])
        let send = try SES.SendEmailRequest(
            awsValue: try decode(
                SES.model,
                "Action=SendEmail&Source=a%40x.test&Destination.ToAddresses.member.1=b%40x.test&Destination.CcAddresses.member.1=c%40x.test"
                    + "&Message.Subject.Data=Hi&Message.Body.Text.Data=Hello"))
        #expect(send.destination.toAddresses == ["b@x.test"] && send.destination.ccAddresses == ["c@x.test"])
        #expect(send.message.subject.data == "Hi" && send.message.body.text?.data == "Hello" && send.message.body.html == nil)
    }

    /// SQS's Query variant: flattened lists and maps under their item names (`Tag.1.Key`,
    /// `Attribute.1.Name`, `AttributeName.1`), named by the member or by the map shape itself.
    @Test func sqsFlattenedNamesInAndOut() throws {
        let tag = try SQS.TagQueueRequest(
            awsValue: try decode(SQS.queryModel, "Action=TagQueue&QueueUrl=u&Tag.1.Key=env&Tag.1.Value=ci&Tag.2.Key=team&Tag.2.Value=mail"))
        #expect(tag.tags == ["env": "ci", "team": "mail"])
        let create = try SQS.CreateQueueRequest(
            awsValue: try decode(SQS.queryModel, "Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=5"))
        #expect(create.attributes == ["DelaySeconds": "5"])
        let get = try SQS.GetQueueAttributesRequest(
            awsValue: try decode(SQS.queryModel, "Action=GetQueueAttributes&QueueUrl=u&AttributeName.1=All&AttributeName.2=QueueArn"))
        #expect(get.attributeNames == ["All", "QueueArn"])
        let output = SQS.GetQueueAttributesResult(attributes: ["DelaySeconds": "5"]).awsValue
        let xml = QueryOutputEncoder(model: SQS.queryModel).response(
            SQS.queryModel.operations["GetQueueAttributes"]!, output: output, requestID: "r")
        #expect(xml.contains(#"<GetQueueAttributesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">"#))
        #expect(
            xml.contains(
                "<GetQueueAttributesResult><Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute></GetQueueAttributesResult>"))
    }

    @Test func scalarsReadAsTheirTypes() throws {
        let list = try IAM.ListPoliciesRequest(awsValue: try decode(IAM.model, "Action=ListPolicies&OnlyAttached=TRUE&MaxItems=5"))
        #expect(list.onlyAttached == true && list.maxItems == 5)
        let raw = try SES.SendRawEmailRequest(awsValue: try decode(SES.model, "Action=SendRawEmail&RawMessage.Data=aGk%3D"))
        #expect(raw.rawMessage.data.bytes == Array("hi".utf8))
    }

    /// AWS's validation texts, one constraint each, then several joined.
    @Test(arguments: [
        (
            "Action=GetUserPolicy&UserName=a",
            "1 validation error detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null"
        ),
        (
            "Action=CreateUser&UserName=bad%20name",
            "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
        ),
        (
            "Action=CreateUser&UserName=" + String(repeating: "a", count: 65),
            "1 validation error detected: Value '" + String(repeating: "a", count: 65)
                + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"
        ),
        (
            "Action=ListUsers&MaxItems=0",
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ),
        (
            "Action=ListUsers&MaxItems=many",
            "1 validation error detected: Value 'many' at 'maxItems' failed to satisfy constraint: Member must be a number"
        ),
        (
            "Action=UpdateAccessKey&AccessKeyId=AKIAEXAMPLEEXAMPLE&Status=On",
            "1 validation error detected: Value 'On' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"
        ),
        (
            "Action=CreateUser&Tags.member.1.Key=k",
            "2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member must not be null; "
                + "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"
        ),
    ])
    func validationMessages(form: String, message: String) {
        #expect(validationMessage(IAM.model, form) == message)
    }

    @Test func sensitiveValuesAreNotEchoed() {
        let message = validationMessage(IAM.model, "Action=CreateLoginProfile&UserName=a&Password=")
        #expect(
            message
                == "2 validation errors detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 1; "
                + "Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
        )
    }

    @Test func outputsAreWrittenFromTheOutputShape() throws {
        let operation = IAM.model.operations["ListUsers"]!
        let created = Date(timeIntervalSince1970: 1_700_000_000)
        let output = IAM.ListUsersResponse(
            users: [IAM.User(path: "/", userName: "a&b", userId: "AIDA1", arn: "arn:aws:iam::1:user/a", createDate: created)],
            isTruncated: false)
        let xml = String(
            decoding: QueryCodec(model: IAM.model).encode(output.awsValue, operation: operation, requestID: "r").body, as: UTF8.self)
        #expect(
            xml
                == #"<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users><member><Path>/</Path><UserName>a&amp;b</UserName><UserId>AIDA1</UserId><Arn>arn:aws:iam::1:user/a</Arn><CreateDate>2023-11-14T22:13:20Z</CreateDate></member></Users><IsTruncated>false</IsTruncated></ListUsersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>"#
        )
    }

    @Test func mapsAndDoublesInOutputs() {
        let operation = SES.model.operations["GetIdentityVerificationAttributes"]!
        let output = SES.GetIdentityVerificationAttributesResponse(verificationAttributes: [
            "x.test": SES.IdentityVerificationAttributes(verificationStatus: "Success", verificationToken: "tok")
        ])
        let xml = String(
            decoding: QueryCodec(model: SES.model).encode(output.awsValue, operation: operation, requestID: "r").body, as: UTF8.self)
        #expect(
            xml.contains(
                "<VerificationAttributes><entry><key>x.test</key><value><VerificationStatus>Success</VerificationStatus><VerificationToken>tok</VerificationToken></value></entry></VerificationAttributes>"
            ))
        let quota = SES.GetSendQuotaResponse(max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 0)
        let quotaXML = String(
            decoding: QueryCodec(model: SES.model).encode(quota.awsValue, operation: SES.model.operations["GetSendQuota"]!, requestID: "r")
                .body,
            as: UTF8.self)
        #expect(quotaXML.contains("<GetSendQuotaResult><Max24HourSend>200.0</Max24HourSend><MaxSendRate>1.0</MaxSendRate>"))
    }

    @Test func anOperationWithoutOutputMembersStillHasItsResultElement() {
        let xml = String(
            decoding: QueryCodec(model: SES.model).encode(
                AWSEmptyShape().awsValue, operation: SES.model.operations["VerifyEmailIdentity"]!, requestID: "r"
            ).body, as: UTF8.self)
        #expect(xml.contains("<VerifyEmailIdentityResult></VerifyEmailIdentityResult>"))
    }

    @Test func errorsUseTheServiceNamespaceAndTheModelKnowsTheirStatus() {
        let answer = QueryCodec(model: IAM.model).encode(AWSError(code: "NoSuchEntity", status: 404, message: "gone"), requestID: "r")
        #expect(answer.status == 404)
        #expect(
            String(decoding: answer.body, as: UTF8.self).hasPrefix(#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#))
        #expect(IAM.model.errorsByCode["NoSuchEntity"]?.httpStatus == 404)
        #expect(IAM.model.errorsByCode["EntityAlreadyExists"]?.httpStatus == 409)
    }
}
