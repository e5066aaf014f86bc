public import Foundation

/// A managed policy: one of the AWS managed policies Sesame knows (read-only, owned by no
/// account) or a customer managed policy of the account, whose document is that of its default
/// version.
public struct ManagedPolicy: Sendable, Equatable {
    public var name: String
    public var path: String
    public var id: String
    public var description: String
    /// The default version's document.
    public var document: String
    /// The owning account; nil for AWS managed policies.
    public var accountID: String?
    public var defaultVersion: Int
    public var createdAt: Date
    public var updatedAt: Date

    /// An AWS managed policy, carrying a fixed publication date.
    public init(name: String, path: String, id: String, description: String, document: String) {
        self.init(
            name: name, path: path, id: id, description: description, document: document, accountID: nil, defaultVersion: 1,
            createdAt: Date(timeIntervalSince1970: 1_423_612_800), updatedAt: Date(timeIntervalSince1970: 1_423_612_800))
    }

    public init(
        name: String, path: String, id: String, description: String, document: String, accountID: String?, defaultVersion: Int,
        createdAt: Date, updatedAt: Date
    ) {
        self.name = name
        self.path = path
        self.id = id
        self.description = description
        self.document = document
        self.accountID = accountID
        self.defaultVersion = defaultVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var isAWSManaged: Bool { accountID == nil }
    public var arn: String {
        if let accountID { return ARN.customerPolicy(account: accountID, path: path, name: name) }
        return ARN.awsManagedPolicy(path: path, name: name)
    }
    public var defaultVersionID: String { PolicyVersion.id(defaultVersion) }
}

/// One version of a customer managed policy (`v1`, `v2`, …; numbers are never reused).
public struct PolicyVersion: Sendable, Equatable {
    public var number: Int
    public var document: String
    public var createdAt: Date

    public init(number: Int, document: String, createdAt: Date) {
        self.number = number
        self.document = document
        self.createdAt = createdAt
    }

    public var id: String { Self.id(number) }
    public static func id(_ number: Int) -> String { "v\(number)" }

    /// The number of a version ID such as `v3`; nil when it is not one.
    public static func number(_ id: String) -> Int? {
        guard id.hasPrefix("v"), let number = Int(id.dropFirst()), number > 0, "v\(number)" == id else { return nil }
        return number
    }
}

/// What an attachment names: a policy ARN, read back into its path and name.
public struct PolicyReference: Sendable, Equatable {
    public var arn: String
    public var path: String
    public var name: String

    /// `arn:aws:iam::ACCOUNT:policy/PATH/NAME`; nil for anything else.
    public init?(arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[5].hasPrefix("policy/"),
            let slash = parts[5].lastIndex(of: "/")
        else { return nil }
        let resource = parts[5]
        self.arn = arn
        self.name = String(resource[resource.index(after: slash)...])
        self.path = String(resource[resource.index(resource.startIndex, offsetBy: 6)...slash])
    }
}

public enum ManagedPolicies {
    public static let all: [ManagedPolicy] = [
        ManagedPolicy(
            name: "AdministratorAccess", path: "/", id: "ANPAIWMBCKSKIEE64ZLYK",
            description: "Provides full access to AWS services and resources.",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
        ManagedPolicy(
            name: "IAMFullAccess", path: "/", id: "ANPAI7XKCFMBPM3QQRRVQ",
            description: "Provides full access to IAM via the AWS Management Console.",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#
        ),
        ManagedPolicy(
            name: "IAMReadOnlyAccess", path: "/", id: "ANPAJKSO7NDY4T57MWDSQ",
            description: "Provides read only access to IAM via the AWS Management Console.",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#
        ),
        ManagedPolicy(
            name: "AmazonSESFullAccess", path: "/", id: "ANPAJ2P4NXCHAT7NDPNR4",
            description: "Provides full access to Amazon SES via the AWS Management Console.",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:*"],"Resource":"*"}]}"#),
        ManagedPolicy(
            name: "AmazonSESReadOnlyAccess", path: "/", id: "ANPAINV2XPFRMWJJNSCGI",
            description: "Provides read only access to Amazon SES via the AWS Management Console.",
            document:
                #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ses:Describe*","ses:Get*","ses:List*"],"Resource":"*"}]}"#
        ),
    ]

    public static func named(arn: String) -> ManagedPolicy? { all.first { $0.arn == arn } }

    /// Parsed documents, parsed once.
    public static let parsed: [String: PolicyDocument] = {
        var out: [String: PolicyDocument] = [:]
        for policy in all { out[policy.arn] = try! PolicyDocument.parse(policy.document) }
        return out
    }()
}
