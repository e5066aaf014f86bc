public import Foundation

/// The AWS managed policies Sesame knows, with their documents.
public struct ManagedPolicy: Sendable {
    public var name: String
    public var path: String
    public var id: String
    public var description: String
    public var document: String
    public var arn: String { ARN.awsManagedPolicy(path: path, name: name) }
    /// A fixed date, as AWS managed policies carry their publication date.
    public var createdAt: Date { Date(timeIntervalSince1970: 1_423_612_800) }
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
