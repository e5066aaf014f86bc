import Crypto
public import Foundation

/// One refused SMTP login, kept so the owner can learn why a mailer got `535`.
public struct SMTPAuthFailure: Sendable, Equatable {
    public var time: Date
    /// The client's IP address.
    public var sourceAddress: String
    /// The user name as the client sent it; a fingerprint (`fingerprint(_:)`) when it named nothing known.
    public var username: String
    /// The access key the attempt was about, when one could be identified.
    public var accessKeyID: String?
    /// The IAM user behind that key (or named by `username`), when known.
    public var userName: String?
    public var diagnosis: SMTPAuthDiagnosis
    /// Extra detail for the diagnosis, e.g. the region a version 4 password was made for.
    public var detail: String?

    public init(
        time: Date, sourceAddress: String, username: String, accessKeyID: String?, userName: String?,
        diagnosis: SMTPAuthDiagnosis, detail: String? = nil
    ) {
        self.time = time
        self.sourceAddress = sourceAddress
        self.username = username
        self.accessKeyID = accessKeyID
        self.userName = userName
        self.diagnosis = diagnosis
        self.detail = detail
    }

    /// What is kept of a user name that names nothing known (it may be a secret pasted into the
    /// wrong field): its length and the start of its SHA-256, never the value.
    public static func fingerprint(_ text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "[not kept: \(text.count) characters, SHA-256 \(digest)…]"
    }

    /// One sentence a person can act on.
    public var explanation: String {
        switch diagnosis {
        case .unknownAccessKey:
            return
                "The user name is not an access key ID known to this account. Use the SMTP user name shown when the SMTP credentials were created (it starts with AKIA)."
        case .iamUserNameUsed:
            return
                "The IAM user name \(userName ?? username) was used as the SMTP user name. SMTP expects that user's access key ID (it starts with AKIA), not the user name."
        case .rootEmailUsed:
            return "The account's root email address was used as the SMTP user name. SMTP expects an access key ID with its SMTP password."
        case .secretKeyUsed:
            return
                "The secret access key was used as the password. SMTP expects the SMTP password derived from it (sesame smtp-password prints it)."
        case .regionNotServed:
            return
                "The password is a version 4 SMTP password for region \(detail ?? "?"), which this node does not serve. Derive it for a served region, or serve that region (--region)."
        case .inactiveAccessKey:
            return "The access key is inactive. Activate it, or create new SMTP credentials."
        case .deletedAccessKey:
            return
                "The access key was deleted\(userName.map { " (it belonged to \($0))" } ?? ""). Deleting an access key or its IAM user ends its SMTP credentials; create new ones."
        case .notAnSMTPPassword:
            return
                "The password is not an SES SMTP password (those are 44 characters of Base64, starting with A or B). Copy the SMTP password shown when the credentials were created."
        case .wrongPassword:
            return
                "The password does not match this access key's SMTP password. Check for a copy error, or an SMTP password made from another key."
        }
    }
}

/// Why an SMTP login failed. The wire reply is always the generic `535`; this is for the owner.
public enum SMTPAuthDiagnosis: String, Sendable, CaseIterable {
    case unknownAccessKey = "unknown-access-key"
    case iamUserNameUsed = "iam-user-name-used"
    case rootEmailUsed = "root-email-used"
    case secretKeyUsed = "secret-access-key-used"
    case regionNotServed = "region-not-served"
    case inactiveAccessKey = "inactive-access-key"
    case deletedAccessKey = "deleted-access-key"
    case notAnSMTPPassword = "not-an-smtp-password"
    case wrongPassword = "wrong-password"
}

/// Checks an SMTP password against an access key's secret, and says why it does not match.
public enum SMTPPasswordCheck {
    /// Every region Amazon SES has served SMTP in: a version 4 password made for one of these but
    /// not for a region this node serves is diagnosed as such.
    public static let knownRegions = [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
        "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
        "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-east-1", "me-south-1",
        "me-central-1", "il-central-1", "af-south-1", "us-gov-west-1", "us-gov-east-1",
    ]

    public enum Outcome: Equatable, Sendable {
        /// The password matches; the session acts in `region` (nil: a version 2 password, any region).
        case match(version: SMTPPassword.Version, region: String?)
        case mismatch(SMTPAuthDiagnosis, detail: String?)
    }

    /// Compares in constant time against the version 4 password of every served region and the
    /// version 2 password; on a mismatch, looks for the usual mistakes.
    public static func check(password: String, secret: String, servedRegions: [String]) -> Outcome {
        let given = Array(password.utf8)
        var matched: Outcome?
        for region in servedRegions {
            let expected = Array(SMTPPassword.derive(secret: secret, region: region, version: .v4).utf8)
            if constantTimeEquals(given, expected) && matched == nil { matched = .match(version: .v4, region: region) }
        }
        let v2 = Array(SMTPPassword.derive(secret: secret, region: "", version: .v2).utf8)
        if constantTimeEquals(given, v2) && matched == nil { matched = .match(version: .v2, region: nil) }
        if let matched { return matched }

        if constantTimeEquals(given, Array(secret.utf8)) { return .mismatch(.secretKeyUsed, detail: nil) }
        for region in knownRegions where !servedRegions.contains(region) {
            if password == SMTPPassword.derive(secret: secret, region: region, version: .v4) {
                return .mismatch(.regionNotServed, detail: region)
            }
        }
        guard let decoded = Data(base64Encoded: password), decoded.count == 33, decoded.first == 2 || decoded.first == 4 else {
            return .mismatch(.notAnSMTPPassword, detail: nil)
        }
        return .mismatch(.wrongPassword, detail: nil)
    }

    /// Whether a user name has the shape of an access key ID.
    public static func looksLikeAccessKeyID(_ text: String) -> Bool {
        text.utf8.count == 20 && text.hasPrefix("A") && text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }
}
