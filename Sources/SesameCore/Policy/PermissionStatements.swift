public import Foundation

/// `AddPermission` and `RemovePermission` (SQS and SNS): a statement, named by its label
/// (`Sid`), that lets other accounts perform some actions on the resource, added to or removed
/// from the resource's policy document.
public enum PermissionStatements {
    /// The policy with a statement `label` added; throws when the label is taken.
    public static func add(
        to policy: String?, label: String, accounts: [String], actions: [String], servicePrefix: String, resource: String,
        policyID: String
    ) throws(SesameError) -> String {
        var document = parse(policy) ?? ["Version": "2012-10-17", "Id": policyID, "Statement": [[String: Any]]()]
        var statements = (document["Statement"] as? [[String: Any]]) ?? []
        guard !statements.contains(where: { $0["Sid"] as? String == label }) else {
            throw SesameError(.invalidParameterValue, "Value \(label) for parameter Label is invalid. Reason: Already exists.")
        }
        guard !accounts.isEmpty, !actions.isEmpty else {
            throw SesameError(.invalidParameterValue, "The request must name at least one account and one action.")
        }
        let principals = accounts.map { "arn:\(Partition.current):iam::\($0):root" }
        statements.append([
            "Sid": label, "Effect": "Allow", "Principal": ["AWS": principals.count == 1 ? principals[0] as Any : principals as Any],
            "Action": actions.map { $0 == "*" ? "\(servicePrefix):*" : "\(servicePrefix):\($0)" }, "Resource": resource,
        ])
        document["Statement"] = statements
        return encode(document)
    }

    /// The policy without statement `label` (nil when nothing is left); throws when there is none.
    public static func remove(from policy: String?, label: String) throws(SesameError) -> String? {
        guard var document = parse(policy), var statements = document["Statement"] as? [[String: Any]],
            let index = statements.firstIndex(where: { $0["Sid"] as? String == label })
        else {
            throw SesameError(
                .invalidParameterValue, "Value \(label) for parameter Label is invalid. Reason: can't find label on existing policy.")
        }
        statements.remove(at: index)
        guard !statements.isEmpty else { return nil }
        document["Statement"] = statements
        return encode(document)
    }

    static func parse(_ text: String?) -> [String: Any]? {
        guard let text, !text.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    static func encode(_ document: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
