import Foundation
import SesameCore
import Testing

/// SES sending authorization policies: what parses, and how a statement names its principal.
@Suite struct SendingAuthorizationPolicyTests {
    static let arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com"
    static let user = "arn:aws:iam::123456789012:user/app"

    static func document(_ statement: String) -> String { #"{"Version":"2012-10-17","Statement":[\#(statement)]}"# }

    func decide(_ statement: String, requester: [String] = [user], context: [String: [String]] = [:]) throws -> AuthorizationDecision {
        let policy = try SendingAuthorizationPolicy.parse(Self.document(statement), identityARN: Self.arn)
        return policy.evaluate(
            AuthorizationRequest(action: "ses:SendEmail", resource: Self.arn, context: context),
            requester: TrustPolicy.Requester(accountID: "123456789012", arns: requester))
    }

    @Test func principalsActionsAndConditions() throws {
        let named = #"{"Effect":"Allow","Principal":{"AWS":"\#(Self.user)"},"Action":"ses:Send*","Resource":"\#(Self.arn)"}"#
        #expect(try decide(named) == .allowed)
        #expect(try decide(named, requester: ["arn:aws:iam::123456789012:user/other"]) == .implicitDeny)
        // Naming the account allows nothing by itself (the sender's IAM policies decide), but
        // denies everyone in it.
        let account = #"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"ses:SendEmail","Resource":"*"}"#
        #expect(try decide(account) == .implicitDeny)
        #expect(try decide(account.replacingOccurrences(of: "Allow", with: "Deny")) == .explicitDeny)
        #expect(try decide(#"{"Effect":"Allow","Principal":"*","Action":"ses:SendEmail","Resource":"*"}"#) == .allowed)
        let notPrincipal = #"{"Effect":"Deny","NotPrincipal":{"AWS":"\#(Self.user)"},"Action":"ses:SendEmail","Resource":"*"}"#
        #expect(try decide(notPrincipal) == .implicitDeny)
        #expect(try decide(notPrincipal, requester: ["arn:aws:iam::123456789012:user/other"]) == .explicitDeny)
        let conditioned =
            #"{"Effect":"Allow","Principal":"*","Action":"ses:SendEmail","Resource":"*","Condition":{"StringEquals":{"ses:FromAddress":"a@example.com"}}}"#
        #expect(try decide(conditioned, context: ["ses:FromAddress": ["a@example.com"]]) == .allowed)
        #expect(try decide(conditioned, context: ["ses:FromAddress": ["b@example.com"]]) == .implicitDeny)
    }

    @Test(arguments: [
        #"{"Effect":"Allow","Action":"ses:SendEmail","Resource":"*"}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#,
        #"{"Effect":"Allow","Principal":"*","Action":"ses:SendEmail","Resource":"arn:aws:ses:us-east-1:123456789012:identity/other.com"}"#,
        #"{"Effect":"Allow","Principal":{"Nobody":"x"},"Action":"ses:SendEmail","Resource":"*"}"#,
        #"{"Effect":"Maybe","Principal":"*","Action":"ses:SendEmail","Resource":"*"}"#,
    ])
    func invalidPoliciesAreInvalidPolicy(_ statement: String) {
        #expect(throws: SesameError.self) { try SendingAuthorizationPolicy.parse(Self.document(statement), identityARN: Self.arn) }
        do {
            _ = try SendingAuthorizationPolicy.parse(Self.document(statement), identityARN: Self.arn)
        } catch {
            #expect(error.code == .invalidPolicy)
        }
    }

    @Test func storedDocumentsReadOlderAndNewerForms() throws {
        // A document written before an option existed reads with that option's default.
        let options = ConfigurationSetOptions.decode(#"{"maxDeliverySeconds":600}"#)
        #expect(options.maxDeliverySeconds == 600 && options.sendingEnabled && options.tlsPolicy == .optional)
        #expect(ConfigurationSetOptions().encoded() == nil && IdentitySettings().encoded() == nil)
        var settings = IdentitySettings(mailFromDomain: "m.example.com", behaviorOnMxFailure: .rejectMessage)
        settings.tags = [Tag(key: "k", value: "v")]
        #expect(IdentitySettings.decode(settings.encoded()) == settings)
        #expect(IdentitySettings.decode("not json") == IdentitySettings())
    }
}
