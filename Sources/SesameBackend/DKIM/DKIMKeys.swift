import Crypto
import Foundation
public import SesameCore
@preconcurrency import _CryptoExtras

/// RSA keys for DKIM: made here for Easy DKIM (2048 bits), or brought by the domain's owner
/// (1024 or 2048 bits, as SES accepts), and the signing function `DKIM.sign` needs.
public enum DKIMKeys {
    public struct Made: Sendable {
        /// The private key, DER (PKCS#1), base64.
        public var privateKey: String
        /// The public key as DNS publishes it: base64 of the DER SubjectPublicKeyInfo.
        public var publicKey: String
        public var bits: Int
    }

    /// The RSA check `DKIMVerifier` needs for received mail: PKCS#1 v1.5 over SHA-256 (or the
    /// old SHA-1). DKIM keys are often 1024 bits, below what the checked initializer accepts.
    public static let verifySignature: DKIMVerifier.Verify = { der, data, signature, sha256 in
        guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: der) else { return false }
        let rsa = _RSA.Signing.RSASignature(rawRepresentation: signature)
        return sha256
            ? key.isValidSignature(rsa, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
            : key.isValidSignature(rsa, for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
    }

    public static func generate() throws -> Made {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        return Made(
            privateKey: key.derRepresentation.base64EncodedString(), publicKey: key.publicKey.derRepresentation.base64EncodedString(),
            bits: 2048)
    }

    /// Reads a key as sesv2 `DomainSigningPrivateKey` carries it: base64 of the DER (PKCS#1 or
    /// PKCS#8), or a whole PEM block. Throws SES's validation error for anything else.
    public static func imported(_ text: String) throws(SesameError) -> Made {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let key: _RSA.Signing.PrivateKey
        do {
            if trimmed.hasPrefix("-----BEGIN") {
                key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: trimmed)
            } else if let der = Data(base64Encoded: trimmed, options: .ignoreUnknownCharacters) {
                key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
            } else {
                throw SesameError(.invalidParameterValue, "The DomainSigningPrivateKey is not base64.")
            }
        } catch let error as SesameError {
            throw error
        } catch {
            throw SesameError(
                .invalidParameterValue,
                "The DomainSigningPrivateKey is not a valid RSA private key (1024 or 2048 bits, base64-encoded DER).")
        }
        guard key.keySizeInBits == 1024 || key.keySizeInBits == 2048 else {
            throw SesameError(
                .invalidParameterValue,
                "The DomainSigningPrivateKey must be a 1024-bit or 2048-bit RSA key (got \(key.keySizeInBits) bits).")
        }
        return Made(
            privateKey: key.derRepresentation.base64EncodedString(), publicKey: key.publicKey.derRepresentation.base64EncodedString(),
            bits: key.keySizeInBits)
    }

    /// The RSA PKCS#1 v1.5 SHA-256 signer for a private key (DER, base64).
    public static func signer(privateKey: String) throws -> @Sendable ([UInt8]) throws -> [UInt8] {
        guard let der = Data(base64Encoded: privateKey) else { throw SesameError(.internalFailure, "bad DKIM key") }
        let key = try _RSA.Signing.PrivateKey(unsafeDERRepresentation: der)
        return { data in Array(try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation) }
    }
}
