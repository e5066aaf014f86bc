import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SNS (Query protocol, 2010-03-31), as far as SES notifications need it, at `POST /` for
/// requests signed for `sns`; plus the unsigned URLs SNS puts in its messages.
public enum SNSService {
    public static let namespace = "http://sns.amazonaws.com/doc/2010-03-31/"

    /// `Attributes.entry.N.key` / `.value`.
    static func attributes(_ parameters: QueryParameters) -> [String: String] {
        var out: [String: String] = [:]
        var index = 1
        while let key = parameters["Attributes.entry.\(index).key"] {
            out[key] = parameters["Attributes.entry.\(index).value"] ?? ""
            index += 1
        }
        return out
    }

    public static func make(_ sns: SNSBackend) -> QueryService {
        var actions: [String: QueryAction] = [:]
        actions["CreateTopic"] = { call in
            let arn = try await sns.createTopic(
                call.caller, region: call.region, name: try call.parameters.required("Name"), attributes: attributes(call.parameters))
            return QueryResult { xml in xml.element("TopicArn", arn) }
        }
        actions["ListTopics"] = { call in
            let arns = try await sns.listTopics(call.caller, region: call.region)
            return QueryResult { xml in xml.list("Topics", arns) { xml, arn in xml.element("TopicArn", arn) } }
        }
        actions["DeleteTopic"] = { call in
            try await sns.deleteTopic(call.caller, arn: try call.parameters.required("TopicArn"))
            return .empty
        }
        actions["GetTopicAttributes"] = { call in
            let attributes = try await sns.topicAttributes(call.caller, arn: try call.parameters.required("TopicArn"))
            return QueryResult { xml in
                xml.element("Attributes") { xml in
                    for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
                        xml.element("entry") { xml in
                            xml.element("key", key)
                            xml.element("value", value)
                        }
                    }
                }
            }
        }
        actions["Subscribe"] = { call in
            let attributes = attributes(call.parameters)
            let arn = try await sns.subscribe(
                call.caller, topicARN: try call.parameters.required("TopicArn"), protocolName: try call.parameters.required("Protocol"),
                endpoint: try call.parameters.required("Endpoint"), rawDelivery: attributes["RawMessageDelivery"] == "true")
            return QueryResult { xml in xml.element("SubscriptionArn", arn) }
        }
        actions["ConfirmSubscription"] = { call in
            let arn = try await sns.confirmSubscription(topicARN: try call.parameters.required("TopicArn"), token: try call.parameters.required("Token"))
            return QueryResult { xml in xml.element("SubscriptionArn", arn) }
        }
        actions["ListSubscriptionsByTopic"] = { call in
            let subscriptions = try await sns.listSubscriptions(call.caller, topicARN: try call.parameters.required("TopicArn"))
            let owner = call.caller.accountID
            return QueryResult { xml in
                xml.list("Subscriptions", subscriptions) { xml, subscription in
                    xml.element("TopicArn", subscription.topicARN)
                    xml.element("Protocol", subscription.protocolName)
                    xml.element("SubscriptionArn", subscription.confirmed ? subscription.arn : "PendingConfirmation")
                    xml.element("Owner", owner)
                    xml.element("Endpoint", subscription.endpoint)
                }
            }
        }
        actions["Unsubscribe"] = { call in
            try await sns.unsubscribe(call.caller, subscriptionARN: try call.parameters.required("SubscriptionArn"))
            return .empty
        }
        actions["Publish"] = { call in
            guard let topic = call.parameters["TopicArn"] ?? call.parameters["TargetArn"] else {
                throw SesameError(.invalidParameter, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
            }
            let id = try await sns.publish(
                call.caller, topicARN: topic, message: try call.parameters.required("Message"), subject: call.parameters["Subject"])
            return QueryResult { xml in xml.element("MessageId", id) }
        }
        return QueryService(signingNames: ["sns"], namespace: namespace, version: "2010-03-31", actions: actions, acceptsGlobalRegion: false)
    }

    /// The URLs in SNS messages: SubscribeURL, UnsubscribeURL (no signature needed, as on AWS)
    /// and the signing certificate.
    public static func addPublicRoutes(to router: Router<SesameRequestContext>, sns: SNSBackend) {
        @Sendable func xml(_ action: String, _ result: (@Sendable (inout XMLWriter) -> Void)?) -> Response {
            let body = QueryResponse.render(action: action, namespace: namespace, requestID: RandomIDs.requestID(), result: result)
            return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        @Sendable func failure(_ error: any Error, _ context: SesameRequestContext) -> Response {
            let mapped = AWSErrorMapping.awsError(for: error, logger: context.logger)
            let body = QueryResponse.renderError(mapped, namespace: namespace, requestID: RandomIDs.requestID())
            return Response(status: .init(code: mapped.status), headers: [.contentType: "text/xml"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/_sns/confirm") { request, context -> Response in
            do {
                let query = request.uri.queryParameters
                guard let topic = query.get("TopicArn"), let token = query.get("Token") else {
                    throw SesameError(.invalidParameter, "Invalid parameter: TopicArn and Token are required")
                }
                let arn = try await sns.confirmSubscription(topicARN: topic, token: token)
                return xml("ConfirmSubscription") { xml in xml.element("SubscriptionArn", arn) }
            } catch {
                return failure(error, context)
            }
        }
        router.get("/_sns/unsubscribe") { request, context -> Response in
            do {
                guard let arn = request.uri.queryParameters.get("SubscriptionArn") else {
                    throw SesameError(.invalidParameter, "Invalid parameter: SubscriptionArn is required")
                }
                try await sns.unsubscribe(nil, subscriptionARN: arn)
                return xml("Unsubscribe", nil)
            } catch {
                return failure(error, context)
            }
        }
        let pem = sns.signing.certificatePEM
        router.get(RouterPath(stringLiteral: SNSBackend.certificatePath)) { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
    }
}
