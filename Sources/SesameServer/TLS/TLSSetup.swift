@preconcurrency import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The SMTP listeners' TLS: the operator's certificate and key, or a self-signed development
/// certificate for `--hostname`, made on first start and kept in `DATA/tls/`.
enum TLSSetup {
    struct Material {
        var context: NIOSSLContext
        /// Where the certificate came from, for the banner.
        var source: String
        var certificatePath: String
    }

    static func load(_ configuration: SesameConfiguration) throws -> Material {
        let certificatePath: String, keyPath: String, source: String
        switch (configuration.tlsCertificate, configuration.tlsKey) {
        case (let certificate?, let key?):
            certificatePath = certificate
            keyPath = key
            source = certificate
        case (nil, nil):
            let directory = (configuration.dataDirectory as NSString).appendingPathComponent("tls")
            certificatePath = (directory as NSString).appendingPathComponent("certificate.pem")
            keyPath = (directory as NSString).appendingPathComponent("key.pem")
            if FileManager.default.fileExists(atPath: certificatePath) && !expiresSoon(certificatePath) {
                source = "self-signed, \(certificatePath)"
            } else {
                try makeSelfSigned(hostname: configuration.hostname, certificatePath: certificatePath, keyPath: keyPath)
                source = "self-signed for \(configuration.hostname), created at \(certificatePath)"
            }
        default:
            throw DataDirectory.StartupError(
                description: "--tls-certificate and --tls-key go together: give both, or neither for a self-signed certificate.")
        }
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw DataDirectory.StartupError(
                description: "Cannot read the TLS certificate \(certificatePath) (a PEM file is expected): \(error)")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw DataDirectory.StartupError(
                description: "Cannot read the TLS private key \(keyPath) (an unencrypted PEM file is expected): \(error)")
        }
        guard !chain.isEmpty else {
            throw DataDirectory.StartupError(description: "The TLS certificate file \(certificatePath) holds no certificate.")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        // TLS 1.2 suites of Mozilla's "intermediate" profile (TLS 1.3's are fixed): forward
        // secrecy and AEAD only, no CBC and no SHA-1.
        tls.cipherSuites = Self.intermediateCipherSuites
        do {
            return Material(context: try NIOSSLContext(configuration: tls), source: source, certificatePath: certificatePath)
        } catch {
            throw DataDirectory.StartupError(
                description: "The TLS certificate and key cannot be used together (\(certificatePath), \(keyPath)): \(error)")
        }
    }

    static let intermediateCipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// How long a self-signed certificate is valid: under a year, as browsers and mail clients
    /// expect of any server certificate today. It is made again on the first start within
    /// `renewBefore` of its end.
    static let validity: TimeInterval = 364 * 24 * 3600
    static let renewBefore: TimeInterval = 30 * 24 * 3600

    /// Whether the certificate at `path` ends within `renewBefore` (or cannot be read as one).
    static func expiresSoon(_ path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let certificate = try? Certificate(pemEncoded: text) else {
            return false  // Not ours to replace: loading it reports what is wrong.
        }
        return certificate.notValidAfter < Date().addingTimeInterval(renewBefore)
    }

    /// A P-256 certificate valid for `hostname`, `localhost` and the loopback addresses, for
    /// `validity`, with subject and authority key identifiers.
    static func makeSelfSigned(hostname: String, certificatePath: String, keyPath: String) throws {
        try FileManager.default.createDirectory(
            atPath: (certificatePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(hostname)
            OrganizationName("Sesame development certificate")
        }
        var names: [GeneralName] = [.dnsName(hostname)]
        if hostname != "localhost" { names.append(.dnsName("localhost")) }
        names.append(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])))
        names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice([UInt8](repeating: 0, count: 15) + [1]))))
        let now = Date()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(validity),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: publicKey)
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: publicKey).keyIdentifier)
            },
            issuerPrivateKey: .init(key))
        let certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        _ = FileManager.default.createFile(
            atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(
            atPath: certificatePath, contents: Data(certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
    }
}
