public import Foundation
public import SesameCore

/// SES identities and their DKIM keys, accepted messages, templates, configuration sets, the
/// suppression list and notification settings, inside a transaction.
public protocol SESRecords: Sendable {
    // SES identities
    func identity(region: String, name: String) async throws -> Identity?
    /// Identities of a region ordered by name, after `afterName`, at most `limit`.
    func identities(region: String, kind: Identity.Kind?, afterName: String?, limit: Int) async throws -> [Identity]
    func putIdentity(_ identity: Identity) async throws
    /// Domains whose DNS records are due to be looked at (`--identity-verification dns`), soonest first.
    func identitiesDueForDNSCheck(at now: Date, limit: Int) async throws -> [Identity]
    /// When the next DNS check is due, if any is.
    func nextDNSCheck() async throws -> Date?
    /// Deletes the identity with its DKIM key and sending authorization policies.
    func deleteIdentity(region: String, name: String) async throws
    /// Replaces an identity's settings (MAIL FROM, default configuration set, tags);
    /// `putIdentity` writes them only when it creates the identity.
    func putIdentitySettings(region: String, name: String, settings: IdentitySettings) async throws
    /// An identity's sending authorization policies by name, ordered by name.
    func identityPolicies(region: String, identity: String) async throws -> [(name: String, document: String)]
    /// Adds or replaces one policy.
    func putIdentityPolicy(region: String, identity: String, name: String, document: String) async throws
    func deleteIdentityPolicy(region: String, identity: String, name: String) async throws

    // Accepted messages
    func insertMessage(_ message: StoredMessage) async throws
    /// One page of messages without their content, oldest first (or newest first), strictly
    /// after `cursor` in that order, optionally of one envelope sender.
    func messageSummaries(
        filter: MessageFilter, after cursor: MessageCursor?, newestFirst: Bool, limit: Int
    ) async throws -> [MessageSummary]
    /// The messages with these IDs (those that exist).
    func messages(ids: [String]) async throws -> [StoredMessage]
    func deleteMessages(id: String?) async throws
    /// Recipients of messages accepted in `region` since `since` (for the 24-hour quota).
    func recipientsAccepted(region: String, since: Date) async throws -> Int

    // SES templates and configuration sets
    func template(region: String, name: String) async throws -> EmailTemplate?
    func templates(region: String, afterName: String?, limit: Int) async throws -> [EmailTemplate]
    /// Inserts, or replaces when `replace` is set; returns false if it exists and `replace` is not set.
    func putTemplate(region: String, _ template: EmailTemplate, replace: Bool) async throws -> Bool
    func deleteTemplate(region: String, name: String) async throws
    func customVerificationTemplate(region: String, name: String) async throws -> CustomVerificationTemplate?
    /// Templates of a region ordered by name, after `afterName`, at most `limit`.
    func customVerificationTemplates(region: String, afterName: String?, limit: Int) async throws -> [CustomVerificationTemplate]
    /// Inserts, or replaces when `replace` is set; returns false if it exists and `replace` is not set.
    func putCustomVerificationTemplate(_ template: CustomVerificationTemplate, replace: Bool) async throws -> Bool
    func deleteCustomVerificationTemplate(region: String, name: String) async throws
    func contactLists(region: String) async throws -> [ContactList]
    /// Inserts or replaces a contact list.
    func putContactList(_ list: ContactList) async throws
    /// Deletes the list and its contacts.
    func deleteContactList(region: String, name: String) async throws
    func contact(region: String, list: String, email: String) async throws -> Contact?
    /// Contacts ordered by address, after `afterEmail`, at most `limit`.
    func contacts(region: String, list: String, afterEmail: String?, limit: Int) async throws -> [Contact]
    /// Inserts or replaces a contact.
    func putContact(region: String, list: String, _ contact: Contact) async throws
    func deleteContact(region: String, list: String, email: String) async throws
    func configurationSetExists(region: String, name: String) async throws -> Bool
    func configurationSet(region: String, name: String) async throws -> ConfigurationSet?
    func putConfigurationSetOptions(region: String, name: String, options: ConfigurationSetOptions) async throws
    func configurationSets(region: String, afterName: String?, limit: Int) async throws -> [(name: String, createdAt: Date)]
    func insertConfigurationSet(region: String, name: String, at: Date) async throws -> Bool
    func deleteConfigurationSet(region: String, name: String) async throws
    /// (bucket start in epoch milliseconds, recipients) per `bucket` since `since`, for statistics.
    func recipientBuckets(region: String, since: Date, bucketMillis: Int64) async throws -> [(Int64, Int)]

    // Suppression list (addresses lowercased)
    func suppressed(region: String, address: String) async throws -> (reason: String, updatedAt: Date)?
    func suppressedList(
        region: String, reason: String?, afterAddress: String?, limit: Int
    ) async throws -> [(address: String, reason: String, updatedAt: Date)]
    func putSuppressed(region: String, address: String, reason: String, at: Date) async throws
    func deleteSuppressed(region: String, address: String) async throws

    /// Inserts several messages with one statement (the group-commit path).
    func insertMessages(_ messages: [StoredMessage]) async throws
    /// The configuration sets of a region with their options (for the send-path cache).
    func allConfigurationSets(region: String) async throws -> [ConfigurationSet]
    /// Every sending authorization policy of a region (for the send-path cache).
    func allIdentityPolicies(region: String) async throws -> [(identity: String, name: String, document: String)]

    // DKIM signing keys (deleted with their domain identity)
    func dkimKey(region: String, domain: String) async throws -> DkimSigningKey?
    func putDkimKey(_ key: DkimSigningKey) async throws
    func deleteDkimKey(region: String, domain: String) async throws

    // SES notification settings
    func putNotificationTopic(_ setting: NotificationTopicSetting) async throws
    func deleteNotificationTopic(region: String, identity: String, kind: String) async throws
    func notificationTopics(region: String, identities: [String]) async throws -> [NotificationTopicSetting]
    /// Whether the region has any notification topic or event destination.
    func hasNotificationSettings(region: String) async throws -> Bool
    /// SES v2 import and export jobs.
    func putJob(_ job: DataJob) async throws
    func job(id: String) async throws -> DataJob?
    /// A region's jobs of one kind, newest first, after the `before` cursor.
    func jobs(region: String, kind: DataJob.Kind, before: (createdAt: Date, id: String)?, limit: Int) async throws -> [DataJob]
    /// Takes the oldest job waiting to run (any region) for `owner`: nil when none is waiting or
    /// another node took it first.
    func claimJob(owner: String) async throws -> DataJob?
    func putEventDestination(_ destination: EventDestination) async throws
    func eventDestinations(region: String, configurationSet: String) async throws -> [EventDestination]
    func allEventDestinations(region: String) async throws -> [EventDestination]
    func deleteEventDestination(region: String, configurationSet: String, name: String) async throws
    /// Counts one event that matched a destination Sesame cannot deliver to (not SNS).
    func countUndeliveredEvent(region: String, configurationSet: String, name: String) async throws
}
