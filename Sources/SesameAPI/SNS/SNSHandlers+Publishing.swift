import Foundation
import Logging
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// Publish, PublishBatch and the topic's data protection policy.
extension SNSHandlers {
    static func addPublishing(_ sns: SNSBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SNS.Operations.Publish.self) { input, call in
            if input.phoneNumber != nil {
                throw SesameError(.invalidParameter, "Invalid parameter: PhoneNumber Reason: Sesame does not send SMS")
            }
            guard let topic = input.topicArn ?? input.targetArn else {
                throw SesameError(.invalidParameter, "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
            }
            try inRegion(topic, call)
            let publication = try SNSPublication(
                message: input.message, subject: input.subject, attributes: attributes(input.messageAttributes),
                structure: input.messageStructure, groupID: input.messageGroupId, deduplicationID: input.messageDeduplicationId)
            let published = try await sns.publish(call.caller, topicARN: topic, publication)
            return .init(messageId: published.messageID, sequenceNumber: published.sequenceNumber)
        }
        handlers.on(SNS.Operations.PublishBatch.self) { input, call in
            try inRegion(input.topicArn, call)
            let entries = input.publishBatchRequestEntries
            try SNSBackend.checkBatch(
                ids: entries.map(\.id),
                totalSize: entries.reduce(0) { total, entry in
                    total + entry.message.utf8.count + attributes(entry.messageAttributes).reduce(0) { $0 + $1.value.size(named: $1.key) }
                })
            // Entries that fail their own checks are answered as failed; the others are published.
            var checked: [(id: String, publication: Result<SNSPublication, SesameError>)] = []
            for entry in entries {
                do throws(SesameError) {
                    let publication = try SNSPublication(
                        message: entry.message, subject: entry.subject, attributes: attributes(entry.messageAttributes),
                        structure: entry.messageStructure, groupID: entry.messageGroupId, deduplicationID: entry.messageDeduplicationId)
                    checked.append((entry.id, .success(publication)))
                } catch {
                    checked.append((entry.id, .failure(error)))
                }
            }
            let valid = checked.compactMap { try? $0.publication.get() }
            var results = try await sns.publishBatch(call.caller, topicARN: input.topicArn, valid).makeIterator()
            var successful: [SNS.PublishBatchResultEntry] = [], failed: [SNS.BatchResultErrorEntry] = []
            for entry in checked {
                let result = entry.publication.flatMap { _ in results.next() ?? .failure(SesameError(.internalFailure, "")) }
                switch result {
                case .success(let published):
                    successful.append(.init(id: entry.id, messageId: published.messageID, sequenceNumber: published.sequenceNumber))
                case .failure(let error):
                    let wire = AWSErrorMapping.awsError(for: error, logger: .init(label: "sesame.sns"))
                    failed.append(.init(id: entry.id, code: wire.code, message: wire.message, senderFault: wire.fault == .sender))
                }
            }
            return .init(successful: successful, failed: failed)
        }
        handlers.on(SNS.Operations.GetDataProtectionPolicy.self) { input, call in
            try inRegion(input.resourceArn, call)
            let attributes = try await sns.topicAttributes(call.caller, arn: input.resourceArn)
            return .init(dataProtectionPolicy: attributes["DataProtectionPolicy"] ?? "")
        }
        handlers.on(SNS.Operations.PutDataProtectionPolicy.self) { input, call in
            try inRegion(input.resourceArn, call)
            try await sns.setTopicAttribute(
                call.caller, arn: input.resourceArn, name: "DataProtectionPolicy", value: input.dataProtectionPolicy)
            return .init()
        }
    }

    static func attributes(_ values: [String: SNS.MessageAttributeValue]?) -> [String: SQSAttributeValue] {
        (values ?? [:]).mapValues {
            SQSAttributeValue(dataType: $0.dataType, stringValue: $0.stringValue, binaryValue: $0.binaryValue?.bytes)
        }
    }
}
