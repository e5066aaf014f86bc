public import Foundation
import SesameCore

/// Console sessions (the token is stored only as its hash), inside a transaction.
public protocol ConsoleRecords: Sendable {
    // Console sessions (the token is stored only as its hash)
    func insertConsoleSession(_ session: ConsoleSessionRecord) async throws
    func consoleSession(tokenHash: String) async throws -> ConsoleSessionRecord?
    func touchConsoleSession(tokenHash: String, at: Date) async throws
    func deleteConsoleSession(tokenHash: String) async throws
    /// Ends every session of a user (when the user is deleted) and those idle since `idleBefore`.
    func deleteConsoleSessions(userID: String?, idleBefore: Date?) async throws
}
