public import Foundation
public import SesameCore
import SesameStorage

/// AssumeRoleWithWebIdentity: a CI system's OIDC token, issued by a provider registered in IAM
/// and signed with keys the operator configured, exchanged for a role session. The call is not
/// signed; the token is the credential.
extension STSBackend {
    public struct WebIdentitySession: Sendable {
        public var credentials: IssuedCredentials
        public var session: RoleSession
        public var subject: String
        public var issuer: String
        public var audience: String
    }

    public func assumeRoleWithWebIdentity(
        roleARN: String, sessionName: String, token tokenText: String, durationSeconds: Int?, policy: String?, policyARNs: [String]
    ) async throws -> WebIdentitySession {
        let token = try WebIdentityToken.parse(tokenText)
        guard let issuerClaim = token.string("iss"), let issuer = OIDCProvider.normalizedURL(issuerClaim) else {
            throw SesameError(.invalidIdentityToken, "The ID token has no https issuer (iss) claim.")
        }
        if let policy { _ = try PolicyDocument.parse(policy) }
        let now = clock.now()
        let (accountID, provider, role) = try await store.read { session -> (String, OIDCProvider, IAMRole?) in
            guard let account = try await session.account()?.account.id else { throw SesameError(.internalFailure, "no account") }
            guard let provider = try await session.oidcProvider(url: issuer) else {
                throw SesameError(.invalidIdentityToken, "No OpenIDConnect provider found in your account for \(issuerClaim)")
            }
            var role: IAMRole?
            if let named = Self.roleName(roleARN, account: account), let found = try await session.role(named: named.name),
                found.path == named.path, found.name == named.name
            {
                role = found
            }
            return (account, provider, role)
        }
        let audience = try await webIdentity.verify(token, provider: provider, now: now)
        let denied = SesameError(.accessDenied, "Not authorized to perform sts:AssumeRoleWithWebIdentity")
        guard let role else { throw denied }
        // The trust policy must name the provider as a Federated principal; its conditions see
        // the token's claims as `PROVIDER:aud` and `PROVIDER:sub`.
        var context: [String: [String]] = [
            "\(issuer):aud".lowercased(): [audience], "aws:federatedprovider": [provider.arn], "sts:rolesessionname": [sessionName],
        ]
        if let subject = token.string("sub") { context["\(issuer):sub".lowercased()] = [subject] }
        let requester = TrustPolicy.Requester(accountID: accountID, arns: [], federated: provider.arn)
        guard
            case .allowed(true) = try TrustPolicy.parse(role.trustPolicy).evaluate(
                action: "sts:AssumeRoleWithWebIdentity", requester: requester, context: context)
        else { throw denied }
        let duration = durationSeconds ?? 3600
        if duration > role.maxSessionDuration {
            throw SesameError(.validation, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        let issued = try await issue(
            accountID: accountID, sourceKey: nil, holder: .role(roleID: role.id, sessionName: sessionName), sessionPolicy: policy,
            policyARNs: policyARNs, tags: [], now: now, duration: duration)
        return WebIdentitySession(
            credentials: issued, session: RoleSession(role: role, sessionName: sessionName), subject: token.string("sub") ?? "",
            issuer: issuerClaim, audience: audience)
    }
}

extension STSBackend {
    /// `GetFederationToken`: credentials for a federated user with the caller's permissions,
    /// capped by the session policies given (none given: no permissions, as in AWS).
    public func getFederationToken(
        _ caller: Caller, name: String, durationSeconds: Int?, policy: String?, policyARNs: [String], tags: [Tag]
    ) async throws -> (IssuedCredentials, Principal) {
        var duration = durationSeconds ?? 43200
        let userID: String?
        switch caller.principal {
        case .user(let user): userID = user.id
        case .root:
            userID = nil
            duration = min(duration, 3600)
        case .assumedRole, .federatedUser, .anonymous:
            throw SesameError(.accessDenied, "Cannot call GetFederationToken with session credentials")
        }
        if caller.accessKeyID.map(TemporaryCredential.isTemporary) == true {
            throw SesameError(.accessDenied, "Cannot call GetFederationToken with session credentials")
        }
        if let policy { _ = try PolicyDocument.parse(policy) }
        let principal = Principal.federatedUser(accountID: caller.accountID, name: name)
        try Authorizer.authorize(caller, action: "sts:GetFederationToken", resource: principal.arn)
        let issued = try await issue(
            caller, holder: .federated(userID: userID, name: name), sessionPolicy: policy, policyARNs: policyARNs, tags: tags,
            now: clock.now(), duration: duration)
        return (issued, principal)
    }
}
