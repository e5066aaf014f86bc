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
            if FileManager.default.fileExists(atPath: certificatePath) {
                source = "self-signed, \(certificatePath)"
            } else {
                try makeSelfSigned(hostname: configuration.hostname, certificatePath: certificatePath, keyPath: keyPath)
                source = "self-signed for \(configuration.hostname), created at \(certificatePath)"
            }
        default:
            throw DataDirectory.StartupError(description: "--tls-certificate and --tls-key go together: give both, or neither for a self-signed certificate.")
        }
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw DataDirectory.StartupError(description: "Cannot read the TLS certificate \(certificatePath) (a PEM file is expected): \(error)")
        }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw DataDirectory.StartupError(description: "Cannot read the TLS private key \(keyPath) (an unencrypted PEM file is expected): \(error)")
        }
        guard !chain.isEmpty else {
            throw DataDirectory.StartupError(description: "The TLS certificate file \(certificatePath) holds no certificate.")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        do {
            return Material(context: try NIOSSLContext(configuration: tls), source: source, certificatePath: certificatePath)
        } catch {
            throw DataDirectory.StartupError(description: "The TLS certificate and key cannot be used together (\(certificatePath), \(keyPath)): \(error)")
        }
    }

    /// A P-256 certificate valid for `hostname`, `localhost` and the loopback addresses, for ten years.
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
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 365 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        let certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
        _ = FileManager.default.createFile(atPath: keyPath, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: certificatePath, contents: Data(certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
    }
}
