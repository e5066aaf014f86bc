@preconcurrency import Crypto
import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import SwiftASN1
import X509
@preconcurrency import _CryptoExtras

/// The RSA key and self-signed certificate SNS messages are signed with. Kept in the store
/// (the key sealed with the master key), so every node sharing it signs with the same key.
enum SNSSigningSetup {
    static let keySetting = "sns-signing-key"
    static let certificateSetting = "sns-signing-certificate"

    static func load(store: any Store, secrets: SecretBox, hostname: String) async throws -> SNSSigningIdentity {
        let stored = try await store.read { session in
            (try await session.setting(keySetting), try await session.setting(certificateSetting))
        }
        var sealed = stored.0, pem = stored.1
        if sealed == nil || pem == nil {
            let made = try make(hostname: hostname)
            let sealedKey = try secrets.seal(made.keyDER, boundTo: keySetting)
            // The first node to store a key wins; the others use it.
            (sealed, pem) = try await store.write { session in
                if let key = try await session.setting(keySetting), let certificate = try await session.setting(certificateSetting) {
                    return (key, certificate)
                }
                try await session.putSetting(keySetting, sealedKey)
                try await session.putSetting(certificateSetting, made.certificatePEM)
                return (sealedKey, made.certificatePEM)
            }
        }
        guard let sealed, let pem, let der = Data(base64Encoded: try secrets.open(sealed, boundTo: keySetting)) else {
            throw SesameError(.internalFailure, "the SNS signing key could not be read")
        }
        let key = try _RSA.Signing.PrivateKey(derRepresentation: der)
        return SNSSigningIdentity(certificatePEM: pem) { data, sha256 in
            let signature =
                sha256
                ? try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
                : try key.signature(for: Insecure.SHA1.hash(data: data), padding: .insecurePKCS1v1_5)
            return Array(signature.rawRepresentation)
        }
    }

    static func make(hostname: String) throws -> (keyDER: String, certificatePEM: String) {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let name = try DistinguishedName {
            CommonName("sns.\(hostname)")
            OrganizationName("Sesame SNS signing certificate")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
            },
            issuerPrivateKey: .init(key))
        return (key.derRepresentation.base64EncodedString(), try certificate.serializeAsPEM().pemString + "\n")
    }
}
