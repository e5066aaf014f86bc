import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// SNS topics with their subscriptions, SQS queues with their counts, and a queue's messages
/// looked at without receiving them. Read-only: the API manages them.
extension Console {
    func addMessagingRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/messaging") { request, _ in try await self.messaging(request, region: self.region(request)) }
        router.get("/console/messaging/queue") { request, _ in try await self.queueMessages(request, region: self.region(request)) }
    }

    func messaging(_ request: Request, region: String) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            var topics: [MessagingModel.Topic] = []
            if let sns = ses.sns {
                for arn in try await sns.listTopics(signedIn.caller, region: region) {
                    let subscriptions = try await sns.listSubscriptions(signedIn.caller, topicARN: arn)
                    topics.append(
                        .init(
                            arn: arn,
                            subscriptions: subscriptions.map {
                                "\($0.protocolName) \($0.endpoint)\($0.confirmed ? "" : " (pending confirmation)")"
                                    + ($0.attributes["FilterPolicy"].map { " filter \($0)" } ?? "") + ($0.rawDelivery ? " raw" : "")
                            }))
                }
            }
            let queues = try await sqs?.queueSummaries(signedIn.caller, region: region) ?? []
            let model = MessagingModel(
                picker: picker("/console/messaging", region: region), topics: topics,
                queues: queues.map {
                    .init(
                        name: $0.queue.name, region: region, visible: $0.visible, inFlight: $0.inFlight, delayed: $0.delayed,
                        deadLetter: $0.queue.redrive.map { "after \($0.maxReceiveCount) receives → \($0.targetARN)" } ?? "")
                })
            return page("messaging", title: "Topics and queues", model, signedIn: signedIn, region: region)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func queueMessages(_ request: Request, region: String) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            guard let sqs, let name = request.uri.queryParameters.get("name") else {
                throw SesameError(.queueDoesNotExist, "The specified queue does not exist.")
            }
            let (queue, messages) = try await sqs.peek(signedIn.caller, region: region, name: name)
            let now = clock.now()
            let model = QueueMessagesModel(
                name: queue.name, region: region,
                messages: messages.map {
                    .init(
                        id: $0.id, sent: Timestamp.iso8601($0.sentAt), receives: $0.receiveCount,
                        state: $0.visibleAt > now ? ($0.receiveCount > 0 ? "in flight" : "delayed") : "visible",
                        body: String($0.body.prefix(2000)))
                })
            return page("queue-messages", title: "Queue \(queue.name)", model, signedIn: signedIn, region: region)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/messaging?region=\(region)")
        }
    }
}
