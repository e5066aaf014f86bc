import Foundation
import Logging
import SQLKit
import SesameCore

// MARK: Console sessions

extension SQLStoreSession {
    func insertConsoleSession(_ record: ConsoleSessionRecord) async throws {
        try await db.raw(
            """
            INSERT INTO console_sessions (token_hash, user_id, csrf, created_at, last_seen_at)
            VALUES (\(bind: record.tokenHash), \(bind: record.userID), \(bind: record.csrf), \(bind: Timestamp.millis(record.createdAt)),
            \(bind: Timestamp.millis(record.lastSeenAt)))
            """
        ).run()
    }

    func consoleSession(tokenHash: String) async throws -> ConsoleSessionRecord? {
        guard
            let row = try await db.raw(
                "SELECT token_hash, user_id, csrf, created_at, last_seen_at FROM console_sessions WHERE token_hash = \(bind: tokenHash)"
            ).first()
        else { return nil }
        return ConsoleSessionRecord(
            tokenHash: try row.decode(column: "token_hash", as: String.self), userID: try row.decode(column: "user_id", as: String?.self),
            csrf: try row.decode(column: "csrf", as: String.self),
            createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
            lastSeenAt: Timestamp.date(millis: try row.decode(column: "last_seen_at", as: Int64.self)))
    }

    func touchConsoleSession(tokenHash: String, at: Date) async throws {
        try await db.raw("UPDATE console_sessions SET last_seen_at = \(bind: Timestamp.millis(at)) WHERE token_hash = \(bind: tokenHash)")
            .run()
    }

    func deleteConsoleSession(tokenHash: String) async throws {
        try await db.raw("DELETE FROM console_sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    func deleteConsoleSessions(userID: String?, idleBefore: Date?) async throws {
        if let userID { try await db.raw("DELETE FROM console_sessions WHERE user_id = \(bind: userID)").run() }
        if let idleBefore {
            try await db.raw("DELETE FROM console_sessions WHERE last_seen_at < \(bind: Timestamp.millis(idleBefore))").run()
        }
    }
}
