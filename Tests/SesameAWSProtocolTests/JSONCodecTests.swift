import Foundation
import SesameAWSModels
import Testing

@testable import SesameAWSProtocol

/// REST-JSON (SES v2) and AWS JSON 1.0 (SQS) against the generated models, and the models
/// themselves.
@Suite struct JSONCodecTests {
    let v2 = RESTJSONCodec(model: SESv2.model)

    func request(_ method: String, _ target: String, _ body: String = "") -> AWSHTTPRequest {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        return AWSHTTPRequest(
            method: method, path: parts[0], rawQuery: parts.count > 1 ? parts[1] : "", headers: [:], body: Array(body.utf8))
    }

    func call(_ method: String, _ target: String, _ body: String = "") throws -> (String, AWSValue) {
        let r = request(method, target, body)
        let (operation, labels) = try #require(v2.route(method: method, path: r.path))
        return (operation.name, try v2.decode(r, operation: operation, labels: labels))
    }

    @Test func routesByMethodAndTemplateWithDecodedLabels() throws {
        let (name, value) = try call("GET", "/v2/email/identities/a%40x.test")
        #expect(name == "GetEmailIdentity")
        #expect(try SESv2.GetEmailIdentityRequest(awsValue: value).emailIdentity == "a@x.test")
        #expect(
            try call("PUT", "/v2/email/identities/x.test/dkim/signing", #"{"SigningAttributesOrigin":"AWS_SES"}"#).0
                == "PutEmailIdentityDkimSigningAttributes")
        #expect(try call("PUT", "/v2/email/identities/x.test/dkim", "{}").0 == "PutEmailIdentityDkimAttributes")
        #expect(try call("DELETE", "/v2/email/identities/x.test").0 == "DeleteEmailIdentity")
        #expect(v2.route(method: "GET", path: "/v2/email/nothing/here/at/all") == nil)
        #expect(v2.route(method: "PATCH", path: "/v2/email/identities/x") == nil)
    }

    @Test func queryStringMembersAndNestedBodies() throws {
        let (_, listed) = try call("GET", "/v2/email/suppression/addresses?Reason=BOUNCE&Reason=COMPLAINT&PageSize=5")
        let list = try SESv2.ListSuppressedDestinationsRequest(awsValue: listed)
        #expect(list.reasons == ["BOUNCE", "COMPLAINT"] && list.pageSize == 5)
        let body = #"{"FromEmailAddress":"a@x.test","Destination":{"ToAddresses":["b@x.test"]},"Content":{"Raw":{"Data":"aGk="}}}"#
        let send = try SESv2.SendEmailRequest(awsValue: try call("POST", "/v2/email/outbound-emails", body).1)
        #expect(send.destination?.toAddresses == ["b@x.test"] && send.content.raw?.data.bytes == Array("hi".utf8))
    }

    @Test func badBodiesAndMissingMembersAreValidationErrors() {
        #expect(throws: AWSError.validationError("1 validation error detected: The request body is not a JSON object.")) {
            try call("POST", "/v2/email/outbound-emails", "{nope")
        }
        #expect(
            throws: AWSError.validationError(
                "1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null")
        ) {
            try call("POST", "/v2/email/outbound-emails", "{}")
        }
        #expect(
            throws: AWSError.validationError(
                "1 validation error detected: Value 'many' at 'pageSize' failed to satisfy constraint: Member must be a number")
        ) {
            try call("GET", "/v2/email/identities?PageSize=many")
        }
    }

    @Test func outputsAndErrors() {
        let operation = SESv2.model.operations["GetAccount"]!
        let output = SESv2.GetAccountResponse(
            sendQuota: SESv2.SendQuota(max24HourSend: 200, maxSendRate: 1.5, sentLast24Hours: 0), sendingEnabled: true)
        let answer = v2.encode(output.awsValue, operation: operation, requestID: "r")
        #expect(answer.status == 200)
        #expect(
            String(decoding: answer.body, as: UTF8.self)
                == #"{"SendQuota":{"Max24HourSend":200,"MaxSendRate":1.5,"SentLast24Hours":0},"SendingEnabled":true}"#)
        let template = SESv2.EmailTemplateMetadata(templateName: "t\"1", createdTimestamp: Date(timeIntervalSince1970: 1_700_000_000))
        var out: [UInt8] = []
        JSONShapeCodec(model: SESv2.model).write(&out, template.awsValue, SESv2.model.shape("EmailTemplateMetadata"))
        #expect(String(decoding: out, as: UTF8.self) == #"{"TemplateName":"t\"1","CreatedTimestamp":1700000000}"#)
        let error = RESTJSONCodec.encode(AWSError(code: "NotFoundException", status: 404, message: "no"), requestID: "r")
        #expect(error.status == 404 && error.headers.contains { $0 == ("x-amzn-ErrorType", "NotFoundException") })
        #expect(String(decoding: error.body, as: UTF8.self) == #"{"message":"no"}"#)
    }

    @Test func jsonProtocolTargetsBodiesAndErrors() throws {
        let sqs = JSONProtocolCodec(model: SQS.model)
        #expect(sqs.operationName(target: "AmazonSQS.SendMessage") == "SendMessage")
        #expect(sqs.operationName(target: "AmazonSNS.Publish") == nil)
        let operation = SQS.model.operations["SendMessage"]!
        let value = try sqs.decode(
            AWSHTTPRequest(
                method: "POST", path: "/", rawQuery: "", headers: [:],
                body: Array(#"{"QueueUrl":"q","MessageBody":"hi","DelaySeconds":3}"#.utf8)),
            operation: operation)
        let input = try SQS.SendMessageRequest(awsValue: value)
        #expect(input.queueUrl == "q" && input.messageBody == "hi" && input.delaySeconds == 3)
        let error = sqs.encode(AWSError(code: "QueueDoesNotExist", status: 400, message: "no"), requestID: "r")
        #expect(String(decoding: error.body, as: UTF8.self) == #"{"__type":"QueueDoesNotExist","message":"no"}"#)
        #expect(error.headers.contains { $0 == ("x-amzn-query-error", "QueueDoesNotExist;Sender") })
        #expect(error.headers.contains { $0 == ("Content-Type", "application/x-amz-json-1.0") })
    }

    @Test func everyModelLoadsAndEveryPatternCompiles() {
        let models = [IAM.model, STS.model, SES.model, SESv2.model, SNS.model, SQS.model]
        #expect(models.map(\.operations.count) == [176, 11, 71, 110, 42, 23])
        for model in models {
            for shape in model.shapes.values {
                if let pattern = shape.pattern { #expect(PatternCache.shared.expression(pattern) != nil, "\(model.name) \(shape.name)") }
                for ref in shape.members.map(\.ref) + [shape.member, shape.key, shape.value].compactMap({ $0 }) {
                    #expect(model.shapes[ref.shape] != nil, "\(model.name) \(shape.name) refers to \(ref.shape)")
                }
            }
        }
        #expect(IAM.operations.count == 176 && STS.operations.count == 11 && SESv2.operations.count == 110)
    }

    @Test(arguments: [
        ("2012-09-05T19:38:48Z", 1_346_873_928.0), ("2012-09-05T19:38:48.250Z", 1_346_873_928.25),
        ("2012-09-05T21:38:48+02:00", 1_346_873_928.0), ("1346873928", 1_346_873_928.0),
    ])
    func timestamps(text: String, seconds: Double) throws {
        #expect(try #require(AWSTimestamp.parse(text)).timeIntervalSince1970 == seconds)
    }

    @Test func timestampFormats() {
        #expect(AWSTimestamp.iso8601(Date(timeIntervalSince1970: 1_346_873_928.9)) == "2012-09-05T19:38:48Z")
        #expect(AWSTimestamp.parse("2012-13-05T19:38:48Z") == nil && AWSTimestamp.parse("yesterday") == nil)
    }
}
