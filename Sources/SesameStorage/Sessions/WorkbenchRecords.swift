public import SesameCore

/// The captured-mail workbench's index: filled in the background from the messages the
/// accepting paths note, searched and listed without reading message bodies.
public protocol WorkbenchRecords: Sendable {
    /// Messages noted for indexing and not indexed yet, oldest first: their IDs and sizes (the
    /// indexer reads them within a memory budget).
    func mailAwaitingIndex(limit: Int) async throws -> [(id: String, size: Int)]
    /// Adds the entries (an entry already indexed is left as it is) and clears their notes.
    func indexMail(_ entries: [MailIndexEntry]) async throws
    /// Indexed messages matching the search, newest first, skipping `start`.
    func searchMail(_ search: MailSearch, start: Int, limit: Int) async throws -> [MailSummary]
    /// How many indexed messages match the search, and how many of those are unread.
    func countMail(_ search: MailSearch) async throws -> (matching: Int, unread: Int)
    /// Indexed messages, and how many of them are unread.
    func mailTotals() async throws -> (total: Int, unread: Int)
    /// Marks the messages (every indexed message when `ids` is nil) read or unread; returns how many changed.
    func markMail(ids: [String]?, seen: Bool) async throws -> Int
    /// Marks every message matching the search; returns how many changed.
    func markMail(matching search: MailSearch, seen: Bool) async throws -> Int
    /// Brings the engine's planner statistics up to date (after many new entries).
    func refreshMailStatistics() async throws
    /// Deletes these messages with their queue rows and index entries; returns how many went.
    func deleteMail(ids: [String]) async throws -> Int
}
