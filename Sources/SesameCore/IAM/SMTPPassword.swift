@preconcurrency import Crypto
import Foundation

/// SES SMTP passwords, derived from an access key's secret exactly as AWS derives them.
public enum SMTPPassword {
    public enum Version: Int, Sendable, CaseIterable {
        /// The older, region-independent form (passwords start with `A`).
        case v2 = 2
        /// AWS's current, region-specific form (passwords start with `B`).
        case v4 = 4
    }

    static func hmac(_ key: some ContiguousBytes, _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }

    /// The raw 33-byte password: a version byte and an HMAC-SHA256.
    public static func derivedBytes(secret: String, region: String, version: Version) -> [UInt8] {
        let signature: [UInt8]
        switch version {
        case .v2:
            signature = hmac(Array(secret.utf8), "SendRawEmail")
        case .v4:
            var key = hmac(Array(("AWS4" + secret).utf8), "11111111")
            for part in [region, "ses", "aws4_request", "SendRawEmail"] { key = hmac(key, part) }
            signature = key
        }
        return [UInt8(version.rawValue)] + signature
    }

    /// The Base64 password a person types into a mail client.
    public static func derive(secret: String, region: String, version: Version = .v4) -> String {
        Data(derivedBytes(secret: secret, region: region, version: version)).base64EncodedString()
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
