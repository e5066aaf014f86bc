public import Foundation
public import SesameCore

/// A temporary credential as stored: the credential, its sealed secret and its token's hash.
public struct StoredTemporaryCredential: Sendable {
    public var credential: TemporaryCredential
    public var encryptedSecret: String
    /// SHA-256 of the session token, hex.
    public var tokenHash: String

    public init(credential: TemporaryCredential, encryptedSecret: String, tokenHash: String) {
        self.credential = credential
        self.encryptedSecret = encryptedSecret
        self.tokenHash = tokenHash
    }
}

/// Temporary credentials STS issued, inside a transaction.
public protocol STSRecords: Sendable {
    func insertTemporaryCredential(_ stored: StoredTemporaryCredential) async throws
    func temporaryCredential(id: String) async throws -> StoredTemporaryCredential?
    /// Removes credentials that expired before `before`; returns how many.
    func deleteTemporaryCredentials(expiredBefore before: Date) async throws -> Int
}
