import Foundation
import Logging
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SQS's operations (AWS JSON 1.0), translated to the SQS backend.
enum SQSHandlers {
    static func make(_ sqs: SQSBackend) -> AWSHandlers {
        var handlers = AWSHandlers(SQS.self)
        addQueues(sqs, &handlers)
        addMessages(sqs, &handlers)
        addPermissions(sqs, &handlers)
        addMoveTasks(sqs, &handlers)
        return handlers
    }

    static func addQueues(_ sqs: SQSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SQS.Operations.CreateQueue.self) { input, call in
            .init(
                queueUrl: try await sqs.createQueue(
                    call.caller, region: call.region, name: input.queueName, attributes: input.attributes ?? [:], tags: input.tags ?? [:]))
        }
        handlers.on(SQS.Operations.GetQueueUrl.self) { input, call in
            .init(
                queueUrl: try await sqs.queueURL(
                    call.caller, region: call.region, name: input.queueName, owner: input.queueOwnerAWSAccountId))
        }
        handlers.on(SQS.Operations.ListQueues.self) { input, call in
            let listed = try await sqs.listQueues(
                call.caller, region: call.region, prefix: input.queueNamePrefix, nextToken: input.nextToken, maxResults: input.maxResults)
            return .init(queueUrls: listed.urls.isEmpty ? nil : listed.urls, nextToken: listed.nextToken)
        }
        handlers.on(SQS.Operations.GetQueueAttributes.self) { input, call in
            let attributes = try await sqs.queueAttributes(
                call.caller, region: call.region, url: input.queueUrl, names: input.attributeNames ?? [])
            return .init(attributes: attributes.isEmpty ? nil : attributes)
        }
        handlers.on(SQS.Operations.SetQueueAttributes.self) { input, call in
            try await sqs.setQueueAttributes(call.caller, region: call.region, url: input.queueUrl, attributes: input.attributes)
            return .init()
        }
        handlers.on(SQS.Operations.DeleteQueue.self) { input, call in
            try await sqs.deleteQueue(call.caller, region: call.region, url: input.queueUrl)
            return .init()
        }
        handlers.on(SQS.Operations.PurgeQueue.self) { input, call in
            try await sqs.purgeQueue(call.caller, region: call.region, url: input.queueUrl)
            return .init()
        }
        handlers.on(SQS.Operations.TagQueue.self) { input, call in
            try await sqs.tagQueue(call.caller, region: call.region, url: input.queueUrl, add: input.tags, remove: [])
            return .init()
        }
        handlers.on(SQS.Operations.UntagQueue.self) { input, call in
            try await sqs.tagQueue(call.caller, region: call.region, url: input.queueUrl, add: [:], remove: input.tagKeys)
            return .init()
        }
        handlers.on(SQS.Operations.ListQueueTags.self) { input, call in
            let tags = try await sqs.queueTags(call.caller, region: call.region, url: input.queueUrl)
            return .init(tags: tags.isEmpty ? nil : tags)
        }
    }

    static func attributes(_ given: [String: SQS.MessageAttributeValue]?) -> [String: SQSAttributeValue] {
        (given ?? [:]).mapValues {
            SQSAttributeValue(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue?.bytes)
        }
    }

    static func wire(_ attributes: [String: SQSAttributeValue], wanted: [String]?) -> [String: SQS.MessageAttributeValue]? {
        let names = wanted ?? []
        let all = names.contains("All") || names.contains(".*")
        let picked = attributes.filter { name, _ in
            all || names.contains(name) || names.contains { $0.hasSuffix(".*") && name.hasPrefix($0.dropLast(2)) }
        }
        guard !picked.isEmpty else { return nil }
        return picked.mapValues {
            SQS.MessageAttributeValue(stringValue: $0.stringValue, binaryValue: $0.binaryValue.map { AWSBlob($0) }, dataType: $0.dataType)
        }
    }

    /// Batch entries: 1 to 10, with distinct IDs of up to 80 letters, digits, `-` and `_`.
    static func checkBatch(_ ids: [String]) throws(SesameError) {
        guard !ids.isEmpty else {
            throw SesameError(.emptyBatchRequest, "There should be at least one SendMessageBatchRequestEntry in the request.")
        }
        guard ids.count <= 10 else {
            throw SesameError(.tooManyEntriesInBatchRequest, "Maximum number of entries per request are 10. You have sent \(ids.count).")
        }
        guard Set(ids).count == ids.count else { throw SesameError(.batchEntryIdsNotDistinct, "Id \(ids.first ?? "") repeated.") }
        for id in ids
        where !BatchEntryID.isValid(id) {
            throw SesameError(
                .invalidBatchEntryId,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
        }
    }

    static func failure(_ id: String, _ error: SesameError) -> SQS.BatchResultErrorEntry {
        let mapped = AWSErrorMapping.awsError(for: error, logger: .init(label: "sesame.sqs"))
        return SQS.BatchResultErrorEntry(id: id, senderFault: true, code: mapped.queryCode ?? mapped.code, message: error.message)
    }
}
