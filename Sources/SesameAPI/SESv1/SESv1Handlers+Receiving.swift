import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v1's receiving configuration: receipt rule sets, rules and filters.
extension SESv1Handlers {
    static func addReceiving(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SES.Operations.CreateReceiptRuleSet.self) { input, call in
            try await ses.createReceiptRuleSet(call.caller, region: call.region, name: input.ruleSetName)
            return .init()
        }
        handlers.on(SES.Operations.CloneReceiptRuleSet.self) { input, call in
            try await ses.createReceiptRuleSet(
                call.caller, region: call.region, name: input.ruleSetName, cloning: input.originalRuleSetName)
            return .init()
        }
        handlers.on(SES.Operations.DeleteReceiptRuleSet.self) { input, call in
            try await ses.deleteReceiptRuleSet(call.caller, region: call.region, name: input.ruleSetName)
            return .init()
        }
        handlers.on(SES.Operations.DescribeReceiptRuleSet.self) { input, call in
            let set = try await ses.receiptRuleSet(call.caller, region: call.region, name: input.ruleSetName)
            return .init(metadata: metadata(set), rules: set.rules.map(wire))
        }
        handlers.on(SES.Operations.ListReceiptRuleSets.self) { input, call in
            let all = try await ses.receiptRuleSets(call.caller, region: call.region)
            // Pages of 100, the token being the last name given.
            let page = all.filter { input.nextToken == nil || $0.name > input.nextToken! }.prefix(100)
            let more = all.last.map { $0.name > (page.last?.name ?? "") } ?? false
            return .init(ruleSets: page.map(metadata), nextToken: more ? page.last?.name : nil)
        }
        handlers.on(SES.Operations.DescribeActiveReceiptRuleSet.self) { _, call in
            guard let set = try await ses.activeReceiptRuleSet(call.caller, region: call.region) else { return .init() }
            return .init(metadata: metadata(set), rules: set.rules.map(wire))
        }
        handlers.on(SES.Operations.SetActiveReceiptRuleSet.self) { input, call in
            try await ses.setActiveReceiptRuleSet(call.caller, region: call.region, name: input.ruleSetName)
            return .init()
        }
        handlers.on(SES.Operations.ReorderReceiptRuleSet.self) { input, call in
            try await ses.reorderReceiptRuleSet(call.caller, region: call.region, name: input.ruleSetName, ruleNames: input.ruleNames)
            return .init()
        }
        handlers.on(SES.Operations.CreateReceiptRule.self) { input, call in
            try await ses.createReceiptRule(
                call.caller, region: call.region, ruleSet: input.ruleSetName, after: input.after, rule: try core(input.rule))
            return .init()
        }
        handlers.on(SES.Operations.UpdateReceiptRule.self) { input, call in
            try await ses.updateReceiptRule(call.caller, region: call.region, ruleSet: input.ruleSetName, rule: try core(input.rule))
            return .init()
        }
        handlers.on(SES.Operations.DeleteReceiptRule.self) { input, call in
            try await ses.deleteReceiptRule(call.caller, region: call.region, ruleSet: input.ruleSetName, name: input.ruleName)
            return .init()
        }
        handlers.on(SES.Operations.DescribeReceiptRule.self) { input, call in
            .init(rule: wire(try await ses.receiptRule(call.caller, region: call.region, ruleSet: input.ruleSetName, name: input.ruleName)))
        }
        handlers.on(SES.Operations.SetReceiptRulePosition.self) { input, call in
            try await ses.setReceiptRulePosition(
                call.caller, region: call.region, ruleSet: input.ruleSetName, name: input.ruleName, after: input.after)
            return .init()
        }
        handlers.on(SES.Operations.CreateReceiptFilter.self) { input, call in
            try await ses.createReceiptFilter(
                call.caller,
                ReceiptFilter(
                    region: call.region, name: input.filter.name, policy: input.filter.ipFilter.policy, cidr: input.filter.ipFilter.cidr))
            return .init()
        }
        handlers.on(SES.Operations.DeleteReceiptFilter.self) { input, call in
            try await ses.deleteReceiptFilter(call.caller, region: call.region, name: input.filterName)
            return .init()
        }
        handlers.on(SES.Operations.ListReceiptFilters.self) { _, call in
            .init(
                filters: try await ses.receiptFilters(call.caller, region: call.region).map {
                    SES.ReceiptFilter(name: $0.name, ipFilter: .init(policy: $0.policy, cidr: $0.cidr))
                })
        }
    }

    static func metadata(_ set: ReceiptRuleSet) -> SES.ReceiptRuleSetMetadata {
        SES.ReceiptRuleSetMetadata(name: set.name, createdTimestamp: set.createdAt)
    }

    /// The rule as SES takes it; an action must be exactly one kind, and Lambda, WorkMail and
    /// Amazon Connect do not exist in Sesame.
    static func core(_ rule: SES.ReceiptRule) throws(SesameError) -> ReceiptRule {
        var actions: [ReceiptAction] = []
        for action in rule.actions ?? [] {
            let kinds = [
                action.s3Action != nil, action.bounceAction != nil, action.workmailAction != nil, action.lambdaAction != nil,
                action.stopAction != nil, action.addHeaderAction != nil, action.snsAction != nil, action.connectAction != nil,
            ]
            guard kinds.filter({ $0 }).count == 1 else {
                throw SesameError(.invalidParameterValue, "Exactly one action type must be specified for each ReceiptAction")
            }
            if let lambda = action.lambdaAction {
                throw SesameError(
                    .invalidLambdaFunction,
                    "Could not invoke Lambda function: \(lambda.functionArn). Sesame has no AWS Lambda: process received mail from an SNS action (to an HTTP(S) endpoint or an SQS queue) or an S3 action instead."
                )
            }
            if action.workmailAction != nil || action.connectAction != nil {
                throw SesameError(
                    .invalidParameterValue,
                    "Sesame has no Amazon WorkMail or Amazon Connect: use an SNS, S3, Bounce, AddHeader or Stop action.")
            }
            if let s3 = action.s3Action {
                actions.append(
                    .s3(
                        bucket: s3.bucketName, keyPrefix: s3.objectKeyPrefix, topicARN: s3.topicArn, kmsKeyARN: s3.kmsKeyArn,
                        iamRoleARN: s3.iamRoleArn))
            } else if let bounce = action.bounceAction {
                actions.append(
                    .bounce(
                        smtpReplyCode: bounce.smtpReplyCode, statusCode: bounce.statusCode, message: bounce.message, sender: bounce.sender,
                        topicARN: bounce.topicArn))
            } else if let stop = action.stopAction {
                actions.append(.stop(scope: stop.scope, topicARN: stop.topicArn))
            } else if let header = action.addHeaderAction {
                actions.append(.addHeader(name: header.headerName, value: header.headerValue))
            } else if let sns = action.snsAction {
                actions.append(.sns(topicARN: sns.topicArn, encoding: sns.encoding ?? "UTF-8"))
            }
        }
        return ReceiptRule(
            name: rule.name, enabled: rule.enabled ?? false, tlsPolicy: rule.tlsPolicy ?? "Optional", recipients: rule.recipients ?? [],
            actions: actions, scanEnabled: rule.scanEnabled ?? false)
    }

    static func wire(_ rule: ReceiptRule) -> SES.ReceiptRule {
        SES.ReceiptRule(
            name: rule.name, enabled: rule.enabled, tlsPolicy: rule.tlsPolicy, recipients: rule.recipients,
            actions: rule.actions.map { action in
                switch action {
                case .s3(let bucket, let prefix, let topic, let kms, let role):
                    SES.ReceiptAction(
                        s3Action: .init(topicArn: topic, bucketName: bucket, objectKeyPrefix: prefix, kmsKeyArn: kms, iamRoleArn: role))
                case .bounce(let code, let status, let message, let sender, let topic):
                    SES.ReceiptAction(
                        bounceAction: .init(topicArn: topic, smtpReplyCode: code, statusCode: status, message: message, sender: sender))
                case .sns(let topic, let encoding): SES.ReceiptAction(snsAction: .init(topicArn: topic, encoding: encoding))
                case .addHeader(let name, let value): SES.ReceiptAction(addHeaderAction: .init(headerName: name, headerValue: value))
                case .stop(let scope, let topic): SES.ReceiptAction(stopAction: .init(scope: scope, topicArn: topic))
                }
            }, scanEnabled: rule.scanEnabled)
    }
}
