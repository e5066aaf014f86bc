/// Builders for the ARNs Sesame names resources with.
public enum ARN {
    /// The account field of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:…`), nil when it has none.
    public static func account(of arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 4 ? String(parts[4]) : nil
    }

    public static func user(account: String, path: String, name: String) -> String {
        "arn:\(Partition.current):iam::\(account):user\(path)\(name)"
    }
    public static func root(account: String) -> String { "arn:\(Partition.current):iam::\(account):root" }
    /// The resource ARN IAM names for account-wide user actions such as `iam:ListUsers`.
    public static func userPrefix(account: String) -> String { "arn:\(Partition.current):iam::\(account):user/" }
    public static func policyPrefix(account: String) -> String { "arn:\(Partition.current):iam::\(account):policy/" }
    public static func customerPolicy(account: String, path: String, name: String) -> String {
        "arn:\(Partition.current):iam::\(account):policy\(path)\(name)"
    }
    public static func awsManagedPolicy(path: String = "/", name: String) -> String {
        "arn:\(Partition.current):iam::aws:policy\(path)\(name)"
    }
    public static func sesIdentity(region: String, account: String, identity: String) -> String {
        "arn:\(Partition.of(region: region)):ses:\(region):\(account):identity/\(identity)"
    }
}
