import Foundation
public import SesameCore
import SesameStorage

/// SES v1's receiving configuration: receipt rule sets and their rules, the active set, and
/// receipt filters, with SES's checks and error texts.
extension SESBackend {
    func ruleSetARN(_ caller: Caller, _ region: String, _ name: String) -> String {
        "arn:\(Partition.of(region: region)):ses:\(region):\(caller.accountID):receipt-rule-set/\(name)"
    }

    func existingRuleSet(_ session: any StoreSession, _ region: String, _ name: String) async throws -> ReceiptRuleSet {
        guard let set = try await session.receiptRuleSet(region: region, name: name) else {
            throw SesameError(.ruleSetDoesNotExist, "Rule set does not exist: \(name)")
        }
        return set
    }

    /// Inbound sessions on this node see a change at once (other nodes within a second).
    func receivingChanged() async {
        try? await inbound.refresh()
    }

    // MARK: Rule sets

    public func createReceiptRuleSet(_ caller: Caller, region: String, name: String, cloning original: String? = nil) async throws {
        try authorize(caller, original == nil ? "ses:CreateReceiptRuleSet" : "ses:CloneReceiptRuleSet", ruleSetARN(caller, region, name))
        try ReceiptNames.check(name, field: "ruleSetName")
        let now = clock.now()
        try await store.transaction { session in
            if try await session.receiptRuleSet(region: region, name: name) != nil {
                throw SesameError(.alreadyExists, "Rule set already exists: \(name)")
            }
            guard try await session.receiptRuleSets(region: region).count < 40 else {
                throw SesameError(.limitExceeded, "Maximum number of rule sets exceeded.")
            }
            var set = ReceiptRuleSet(region: region, name: name, createdAt: now)
            if let original { set.rules = try await self.existingRuleSet(session, region, original).rules }
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    public func deleteReceiptRuleSet(_ caller: Caller, region: String, name: String) async throws {
        try authorize(caller, "ses:DeleteReceiptRuleSet", ruleSetARN(caller, region, name))
        try await store.transaction { session in
            if try await session.activeReceiptRuleSetName(region: region) == name {
                throw SesameError(.cannotDelete, "Cannot delete active rule set: \(name)")
            }
            try await session.deleteReceiptRuleSet(region: region, name: name)
        }
        await receivingChanged()
    }

    public func receiptRuleSet(_ caller: Caller, region: String, name: String) async throws -> ReceiptRuleSet {
        try authorize(caller, "ses:DescribeReceiptRuleSet", ruleSetARN(caller, region, name))
        return try await store.read { try await self.existingRuleSet($0, region, name) }
    }

    public func receiptRuleSets(_ caller: Caller, region: String) async throws -> [ReceiptRuleSet] {
        try authorize(caller, "ses:ListReceiptRuleSets", "*")
        return try await store.read { try await $0.receiptRuleSets(region: region) }
    }

    /// The active set, or nil when none is active.
    public func activeReceiptRuleSet(_ caller: Caller, region: String) async throws -> ReceiptRuleSet? {
        try authorize(caller, "ses:DescribeActiveReceiptRuleSet", "*")
        return try await store.read { session in
            guard let name = try await session.activeReceiptRuleSetName(region: region) else { return nil }
            return try await session.receiptRuleSet(region: region, name: name)
        }
    }

    /// Activates a set; nil deactivates whichever is active.
    public func setActiveReceiptRuleSet(_ caller: Caller, region: String, name: String?) async throws {
        try authorize(caller, "ses:SetActiveReceiptRuleSet", name.map { ruleSetARN(caller, region, $0) } ?? "*")
        try await store.transaction { session in
            if let name { _ = try await self.existingRuleSet(session, region, name) }
            try await session.setActiveReceiptRuleSet(region: region, name: name)
        }
        await receivingChanged()
    }

    public func reorderReceiptRuleSet(_ caller: Caller, region: String, name: String, ruleNames: [String]) async throws {
        try authorize(caller, "ses:ReorderReceiptRuleSet", ruleSetARN(caller, region, name))
        try await store.transaction { session in
            var set = try await self.existingRuleSet(session, region, name)
            for rule in ruleNames where set.index(of: rule) == nil {
                throw SesameError(.ruleDoesNotExist, "Rule does not exist: \(rule)")
            }
            guard Set(ruleNames) == Set(set.rules.map(\.name)), ruleNames.count == set.rules.count else {
                throw SesameError(.invalidParameterValue, "Rule names must be specified for all rules in the rule set, each once.")
            }
            set.rules = ruleNames.compactMap { name in set.rules.first { $0.name == name } }
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    // MARK: Rules

    public func createReceiptRule(_ caller: Caller, region: String, ruleSet: String, after: String?, rule: ReceiptRule) async throws {
        try authorize(caller, "ses:CreateReceiptRule", ruleSetARN(caller, region, ruleSet))
        try ReceiptNames.check(rule.name, field: "rule.name")
        try rule.validate()
        try await store.transaction { session in
            var set = try await self.existingRuleSet(session, region, ruleSet)
            if set.index(of: rule.name) != nil { throw SesameError(.alreadyExists, "Rule already exists: \(rule.name)") }
            guard set.rules.count < ReceiptRuleSet.maximumRules else {
                throw SesameError(.limitExceeded, "Maximum number of receipt rules exceeded.")
            }
            try await self.checkActions(rule, region: region, session: session)
            set.rules.insert(rule, at: try set.insertionIndex(after: after))
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    /// Replaces a rule, keeping its position.
    public func updateReceiptRule(_ caller: Caller, region: String, ruleSet: String, rule: ReceiptRule) async throws {
        try authorize(caller, "ses:UpdateReceiptRule", ruleSetARN(caller, region, ruleSet))
        try rule.validate()
        try await store.transaction { session in
            var set = try await self.existingRuleSet(session, region, ruleSet)
            guard let index = set.index(of: rule.name) else { throw SesameError(.ruleDoesNotExist, "Rule does not exist: \(rule.name)") }
            try await self.checkActions(rule, region: region, session: session)
            set.rules[index] = rule
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    /// Deleting a rule that is not there succeeds, as in SES.
    public func deleteReceiptRule(_ caller: Caller, region: String, ruleSet: String, name: String) async throws {
        try authorize(caller, "ses:DeleteReceiptRule", ruleSetARN(caller, region, ruleSet))
        try await store.transaction { session in
            var set = try await self.existingRuleSet(session, region, ruleSet)
            set.rules.removeAll { $0.name == name }
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    public func receiptRule(_ caller: Caller, region: String, ruleSet: String, name: String) async throws -> ReceiptRule {
        try authorize(caller, "ses:DescribeReceiptRule", ruleSetARN(caller, region, ruleSet))
        return try await store.read { session in
            let set = try await self.existingRuleSet(session, region, ruleSet)
            guard let index = set.index(of: name) else { throw SesameError(.ruleDoesNotExist, "Rule does not exist: \(name)") }
            return set.rules[index]
        }
    }

    /// Moves a rule to the front (no `after`) or right behind `after`.
    public func setReceiptRulePosition(_ caller: Caller, region: String, ruleSet: String, name: String, after: String?) async throws {
        try authorize(caller, "ses:SetReceiptRulePosition", ruleSetARN(caller, region, ruleSet))
        try await store.transaction { session in
            var set = try await self.existingRuleSet(session, region, ruleSet)
            guard let index = set.index(of: name) else { throw SesameError(.ruleDoesNotExist, "Rule does not exist: \(name)") }
            let rule = set.rules.remove(at: index)
            set.rules.insert(rule, at: try set.insertionIndex(after: after))
            try await session.putReceiptRuleSet(set)
        }
        await receivingChanged()
    }

    /// The targets an action names must exist: SNS topics in the store, a verified bounce sender,
    /// and somewhere to write S3 actions' objects.
    func checkActions(_ rule: ReceiptRule, region: String, session: any StoreSession) async throws {
        for action in rule.actions {
            if let topic = action.topicARN, try await session.topic(arn: topic) == nil {
                throw SesameError(.invalidSnsTopic, "Could not publish to SNS topic: \(topic)")
            }
            switch action {
            case .bounce(_, _, _, let sender, _):
                let address = sender.lowercased()
                let domain = address.split(separator: "@").last.map(String.init) ?? address
                let addressVerified = try await session.identity(region: region, name: address)?.status == .success
                let domainVerified = try await session.identity(region: region, name: domain)?.status == .success
                guard addressVerified || domainVerified else {
                    throw SesameError(.invalidParameterValue, "Identity is not verified: \(sender)")
                }
            case .s3(let bucket, _, _, _, _) where !configuration.objectStorageConfigured:
                throw SesameError(
                    .invalidS3Configuration,
                    "Could not write to bucket: \(bucket). This Sesame node has no object storage: start it with --s3-endpoint (an S3-compatible endpoint) or --s3-directory."
                )
            default: break
            }
        }
    }

    // MARK: Filters

    public func createReceiptFilter(_ caller: Caller, _ filter: ReceiptFilter) async throws {
        try authorize(
            caller, "ses:CreateReceiptFilter",
            "arn:\(Partition.of(region: filter.region)):ses:\(filter.region):\(caller.accountID):receipt-filter/\(filter.name)")
        try ReceiptNames.check(filter.name, field: "filter.name")
        try filter.validate()
        try await store.transaction { session in
            let existing = try await session.receiptFilters(region: filter.region)
            if existing.contains(where: { $0.name == filter.name }) {
                throw SesameError(.alreadyExists, "Filter already exists: \(filter.name)")
            }
            guard existing.count < 100 else { throw SesameError(.limitExceeded, "Maximum number of receipt filters exceeded.") }
            try await session.putReceiptFilter(filter)
        }
        await receivingChanged()
    }

    public func deleteReceiptFilter(_ caller: Caller, region: String, name: String) async throws {
        try authorize(
            caller, "ses:DeleteReceiptFilter",
            "arn:\(Partition.of(region: region)):ses:\(region):\(caller.accountID):receipt-filter/\(name)")
        try await store.transaction { try await $0.deleteReceiptFilter(region: region, name: name) }
        await receivingChanged()
    }

    public func receiptFilters(_ caller: Caller, region: String) async throws -> [ReceiptFilter] {
        try authorize(caller, "ses:ListReceiptFilters", "*")
        return try await store.read { try await $0.receiptFilters(region: region) }
    }
}
