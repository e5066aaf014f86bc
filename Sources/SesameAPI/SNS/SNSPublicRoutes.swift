import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import SesameAWSModels
import SesameAWSProtocol
public import SesameBackend
import SesameCore
public import SesameHTTP

/// The unsigned URLs SNS puts in its messages, answered in SNS's Query shapes.
public enum SNSPublicRoutes {

    /// The URLs in SNS messages: SubscribeURL, UnsubscribeURL (no signature needed, as on AWS)
    /// and the signing certificate.
    public static func addPublicRoutes(to router: Router<SesameRequestContext>, sns: SNSBackend) {
        let codec = QueryCodec(model: SNS.model)
        @Sendable func answer(_ operation: String, _ output: some AWSShape) -> Response {
            codec.encode(output.awsValue, operation: SNS.model.operations[operation]!, requestID: RandomIDs.requestID()).response()
        }
        @Sendable func failure(_ error: any Error, _ context: SesameRequestContext) -> Response {
            codec.encode(AWSErrorMapping.awsError(for: error, logger: context.logger), requestID: RandomIDs.requestID()).response()
        }
        router.get("/_sns/confirm") { request, context -> Response in
            do {
                let query = request.uri.queryParameters
                guard let topic = query.get("TopicArn"), let token = query.get("Token") else {
                    throw SesameError(.invalidParameter, "Invalid parameter: TopicArn and Token are required")
                }
                let arn = try await sns.confirmSubscription(topicARN: topic, token: token)
                return answer(SNS.Operations.ConfirmSubscription.name, SNS.ConfirmSubscriptionResponse(subscriptionArn: arn))
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
                return answer(SNS.Operations.Unsubscribe.name, AWSEmptyShape())
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
