public import Foundation
public import SesameCore

/// Encoded authorization failure messages: the console shows one with each refusal, sealed with
/// the store's master key, and STS DecodeAuthorizationMessage opens it for a caller allowed
/// `sts:DecodeAuthorizationMessage`, in AWS's JSON shape. API refusals carry none, as IAM's and
/// SES's do not.
public struct AuthorizationMessages: Sendable {
    let secrets: SecretBox
    static let binding = "sts-authorization-message"

    public init(secrets: SecretBox) { self.secrets = secrets }

    /// The encoded message for a refusal, or nil when the error is not one.
    public func encode(_ error: SesameError) -> String? {
        guard let denial = error.denial else { return nil }
        let conditions: [[String: Any]] = denial.context.sorted { $0.key < $1.key }.map { key, values in
            ["key": key, "values": ["items": values.map { ["value": $0] }]]
        }
        let document: [String: Any] = [
            "allowed": false, "explicitDeny": denial.explicitDeny, "matchedStatements": ["items": [] as [Any]],
            "failures": ["items": [] as [Any]],
            "context": [
                "principal": ["id": denial.principalID, "arn": denial.principalARN], "action": denial.action, "resource": denial.resource,
                "conditions": ["items": conditions],
            ],
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]) else { return nil }
        return try? secrets.seal(String(decoding: data, as: UTF8.self), boundTo: Self.binding)
    }

    /// `DecodeAuthorizationMessage`.
    public func decode(_ caller: Caller, _ message: String) throws -> String {
        try Authorizer.authorize(caller, action: "sts:DecodeAuthorizationMessage", resource: "*")
        do {
            return try secrets.open(message.trimmingCharacters(in: .whitespacesAndNewlines), boundTo: Self.binding)
        } catch {
            throw SesameError(.invalidAuthorizationMessage, "The message is not an authorization message Sesame issued, or it was altered.")
        }
    }
}
