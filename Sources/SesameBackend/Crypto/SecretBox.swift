@preconcurrency import Crypto
import Foundation
public import SesameCore

/// Encrypts secrets at rest with AES-256-GCM under the master key. The access key ID is bound
/// as associated data, so a ciphertext copied onto another row does not decrypt.
public struct SecretBox: Sendable {
    let key: SymmetricKey

    /// - Parameter masterKey: 32 bytes.
    public init(masterKey: [UInt8]) throws(SesameError) {
        guard masterKey.count == 32 else {
            throw SesameError(.internalFailure, "The master key must be 32 bytes (base64 of 32 random bytes).")
        }
        self.key = SymmetricKey(data: masterKey)
    }

    public static func generateMasterKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    public func seal(_ plaintext: String, boundTo context: String) throws -> String {
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else { throw SesameError(.internalFailure, "encryption failed") }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String, boundTo context: String) throws(SesameError) -> String {
        do {
            guard let data = Data(base64Encoded: sealed) else { throw SesameError(.internalFailure, "bad ciphertext") }
            let box = try AES.GCM.SealedBox(combined: data)
            let plain = try AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw SesameError(
                .internalFailure, "An internal error occurred.",
                reason: "cannot decrypt the secret of \(context): the master key does not match the one the store was written with")
        }
    }

    /// A value stored at bootstrap so a later start with a different master key fails loudly.
    public func fingerprint() -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("sesame master key check".utf8), using: key)
        return Data(mac).base64EncodedString()
    }
}
