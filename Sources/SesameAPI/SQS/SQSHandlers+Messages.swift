import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SQS's message operations: send, receive, delete and change visibility, single and batched.
extension SQSHandlers {
    static func addMessages(_ sqs: SQSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SQS.Operations.SendMessage.self) { input, call in
            let outgoing = SQSBackend.Outgoing(
                body: input.messageBody, delaySeconds: input.delaySeconds, attributes: attributes(input.messageAttributes),
                groupID: input.messageGroupId, deduplicationID: input.messageDeduplicationId)
            let sent = try await sqs.send(call.caller, region: call.region, url: input.queueUrl, [outgoing])[0].get()
            return .init(
                mD5OfMessageBody: sent.md5OfBody, mD5OfMessageAttributes: SQSMessage.md5(of: sent.attributes), messageId: sent.id,
                sequenceNumber: sent.sequenceNumber)
        }
        handlers.on(SQS.Operations.SendMessageBatch.self) { input, call in
            try checkBatch(input.entries.map(\.id))
            let outgoing = input.entries.map {
                SQSBackend.Outgoing(
                    body: $0.messageBody, delaySeconds: $0.delaySeconds, attributes: attributes($0.messageAttributes),
                    groupID: $0.messageGroupId, deduplicationID: $0.messageDeduplicationId)
            }
            let results = try await sqs.send(call.caller, region: call.region, url: input.queueUrl, outgoing)
            var successful: [SQS.SendMessageBatchResultEntry] = [], failed: [SQS.BatchResultErrorEntry] = []
            for (entry, result) in zip(input.entries, results) {
                switch result {
                case .success(let sent):
                    successful.append(
                        SQS.SendMessageBatchResultEntry(
                            id: entry.id, messageId: sent.id, mD5OfMessageBody: sent.md5OfBody,
                            mD5OfMessageAttributes: SQSMessage.md5(of: sent.attributes), sequenceNumber: sent.sequenceNumber))
                case .failure(let error): failed.append(failure(entry.id, error))
                }
            }
            return .init(successful: successful, failed: failed)
        }
        handlers.on(SQS.Operations.ReceiveMessage.self) { input, call in
            let received = try await sqs.receive(
                call.caller, region: call.region, url: input.queueUrl, maximum: input.maxNumberOfMessages,
                visibilityTimeout: input.visibilityTimeout, waitSeconds: input.waitTimeSeconds)
            let system = Set((input.messageSystemAttributeNames ?? []) + (input.attributeNames ?? []))
            return .init(
                messages: received.isEmpty
                    ? nil
                    : received.map { message in
                        SQS.Message(
                            messageId: message.id, receiptHandle: message.receiptHandle, mD5OfBody: message.md5OfBody, body: message.body,
                            attributes: systemAttributes(message, wanted: system),
                            mD5OfMessageAttributes: wire(message.attributes, wanted: input.messageAttributeNames) == nil
                                ? nil : SQSMessage.md5(of: message.attributes),
                            messageAttributes: wire(message.attributes, wanted: input.messageAttributeNames))
                    })
        }
        handlers.on(SQS.Operations.DeleteMessage.self) { input, call in
            if let error = try await sqs.delete(call.caller, region: call.region, url: input.queueUrl, handles: [input.receiptHandle])[0] {
                throw error
            }
            return .init()
        }
        handlers.on(SQS.Operations.DeleteMessageBatch.self) { input, call in
            try checkBatch(input.entries.map(\.id))
            let results = try await sqs.delete(
                call.caller, region: call.region, url: input.queueUrl, handles: input.entries.map(\.receiptHandle))
            var successful: [SQS.DeleteMessageBatchResultEntry] = [], failed: [SQS.BatchResultErrorEntry] = []
            for (entry, error) in zip(input.entries, results) {
                if let error { failed.append(failure(entry.id, error)) } else { successful.append(.init(id: entry.id)) }
            }
            return .init(successful: successful, failed: failed)
        }
        handlers.on(SQS.Operations.ChangeMessageVisibility.self) { input, call in
            let results = try await sqs.changeVisibility(
                call.caller, region: call.region, url: input.queueUrl, changes: [(input.receiptHandle, input.visibilityTimeout)])
            if let error = results[0] { throw error }
            return .init()
        }
        handlers.on(SQS.Operations.ChangeMessageVisibilityBatch.self) { input, call in
            try checkBatch(input.entries.map(\.id))
            let results = try await sqs.changeVisibility(
                call.caller, region: call.region, url: input.queueUrl,
                changes: input.entries.map { ($0.receiptHandle, $0.visibilityTimeout ?? 0) })
            var successful: [SQS.ChangeMessageVisibilityBatchResultEntry] = [], failed: [SQS.BatchResultErrorEntry] = []
            for (entry, error) in zip(input.entries, results) {
                if let error { failed.append(failure(entry.id, error)) } else { successful.append(.init(id: entry.id)) }
            }
            return .init(successful: successful, failed: failed)
        }
    }

    /// The system attributes asked for (`All` for every one).
    static func systemAttributes(_ message: SQSMessage, wanted: Set<String>) -> [String: String]? {
        guard !wanted.isEmpty else { return nil }
        var all: [String: String] = [
            "SenderId": message.senderID, "SentTimestamp": "\(Int64(message.sentAt.timeIntervalSince1970 * 1000))",
            "ApproximateReceiveCount": "\(message.receiveCount)",
        ]
        if let first = message.firstReceivedAt { all["ApproximateFirstReceiveTimestamp"] = "\(Int64(first.timeIntervalSince1970 * 1000))" }
        if let group = message.groupID { all["MessageGroupId"] = group }
        if let dedup = message.deduplicationID { all["MessageDeduplicationId"] = dedup }
        if let sequence = message.sequenceNumber { all["SequenceNumber"] = sequence }
        let picked = wanted.contains("All") ? all : all.filter { wanted.contains($0.key) }
        return picked.isEmpty ? nil : picked
    }
}

extension SQSHandlers {
    static func addPermissions(_ sqs: SQSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SQS.Operations.AddPermission.self) { input, call in
            try await sqs.changePermission(
                call.caller, region: call.region, url: input.queueUrl, label: input.label, add: (input.awsAccountIds, input.actions))
            return .init()
        }
        handlers.on(SQS.Operations.RemovePermission.self) { input, call in
            try await sqs.changePermission(call.caller, region: call.region, url: input.queueUrl, label: input.label, add: nil)
            return .init()
        }
        handlers.on(SQS.Operations.ListDeadLetterSourceQueues.self) { input, call in
            let all = try await sqs.deadLetterSources(call.caller, region: call.region, url: input.queueUrl)
            let size = min(max(input.maxResults ?? 1000, 1), 1000)
            let start = input.nextToken.flatMap(Int.init) ?? 0
            let page = Array(all.dropFirst(start).prefix(size))
            let more = input.maxResults != nil && start + page.count < all.count
            return .init(queueUrls: page, nextToken: more ? String(start + page.count) : nil)
        }
    }
}
