/// Builders for the ARNs Sesame names resources with.
public enum ARN {
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
