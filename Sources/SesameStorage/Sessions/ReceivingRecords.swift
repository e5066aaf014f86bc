public import Foundation
public import SesameCore

/// SES receiving: receipt rule sets (each with its rules, in order), the active set of each
/// region, and receipt filters, inside a transaction.
public protocol ReceivingRecords: Sendable {
    func receiptRuleSets(region: String) async throws -> [ReceiptRuleSet]
    func receiptRuleSet(region: String, name: String) async throws -> ReceiptRuleSet?
    func putReceiptRuleSet(_ set: ReceiptRuleSet) async throws
    func deleteReceiptRuleSet(region: String, name: String) async throws
    func activeReceiptRuleSetName(region: String) async throws -> String?
    /// Nil deactivates the region's active set.
    func setActiveReceiptRuleSet(region: String, name: String?) async throws
    func receiptFilters(region: String) async throws -> [ReceiptFilter]
    func putReceiptFilter(_ filter: ReceiptFilter) async throws
    func deleteReceiptFilter(region: String, name: String) async throws
    /// Every region's active rule set.
    func activeReceiptRuleSets() async throws -> [ReceiptRuleSet]
    func insertReceivedMessages(_ messages: [ReceivedMessage]) async throws
    /// A region's received messages, newest first.
    func receivedMessages(region: String, limit: Int) async throws -> [ReceivedMessage]
    func receivedMessage(id: String) async throws -> ReceivedMessage?
    /// Takes up to `limit` of the oldest pending messages that are due and not held by another
    /// node, holding them for `owner` until `leaseUntil`.
    func claimReceivedMessages(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [ReceivedMessage]
    /// The owner holding the message (locked for the rest of the transaction on PostgreSQL).
    func receivedMessageLease(id: String) async throws -> (owner: String?, nextStep: Int)?
    /// Writes the processing state (verdicts, steps done, outcomes, attempts, state); the lease
    /// is kept until `leaseUntil` (released with a past date).
    func saveReceivedProcessing(_ message: ReceivedMessage, nextAttemptAt: Date, leaseUntil: Date) async throws
}
