public import Foundation
public import SesameCore
import SesameStorage

/// OpenID Connect providers: the issuers whose tokens STS AssumeRoleWithWebIdentity accepts.
/// Their signing keys come from the operator (`--oidc-jwks`), since Sesame reaches no internet.
extension IAMBackend {
    static func providerURL(fromARN arn: String, account: String) throws(SesameError) -> String {
        let prefix = "arn:\(Partition.current):iam::\(account):oidc-provider/"
        guard arn.hasPrefix(prefix), arn.count > prefix.count else {
            throw SesameError(.invalidInput, "Invalid ARN: \(arn)")
        }
        return String(arn.dropFirst(prefix.count))
    }

    static func requireProvider(_ arn: String, caller: Caller, action: String, in session: any StoreSession) async throws -> OIDCProvider {
        let url = try providerURL(fromARN: arn, account: caller.accountID)
        try Authorizer.authorize(caller, action: action, resource: arn)
        guard let provider = try await session.oidcProvider(url: url) else {
            throw SesameError(.noSuchEntity, "OpenIDConnect Provider not found for arn \(arn)")
        }
        return provider
    }

    static func validateThumbprints(_ thumbprints: [String]) throws(SesameError) {
        if thumbprints.count > 5 { throw SesameError(.limitExceeded, "Thumbprint list must contain fewer than 5 entries.") }
        for thumbprint in thumbprints where thumbprint.count != 40 || !thumbprint.allSatisfy(\.isHexDigit) {
            throw SesameError(.validation, "Thumbprint \(thumbprint) is not a 40-character hex SHA-1 fingerprint.")
        }
    }

    public func createOIDCProvider(
        _ caller: Caller, url: String, clientIDs: [String], thumbprints: [String], tags: [Tag]
    ) async throws -> OIDCProvider {
        guard let normalized = OIDCProvider.normalizedURL(url) else {
            throw SesameError(.validation, "Invalid Open ID Connect Provider URL")
        }
        try Self.validateThumbprints(thumbprints)
        try Self.validateTags(tags)
        let provider = OIDCProvider(
            url: normalized, accountID: caller.accountID, clientIDs: Array(NSOrderedSet(array: clientIDs)) as? [String] ?? clientIDs,
            thumbprints: thumbprints, createdAt: now())
        try Authorizer.authorize(caller, action: "iam:CreateOpenIDConnectProvider", resource: provider.arn)
        return try await write { session in
            if try await session.oidcProvider(url: normalized) != nil {
                throw SesameError(.entityAlreadyExists, "Provider with url \(url) already exists.")
            }
            try await session.insertOIDCProvider(provider)
            try await session.putEntityTags(provider.arn, tags)
            return provider
        }
    }

    public func getOIDCProvider(_ caller: Caller, arn: String) async throws -> (OIDCProvider, [Tag]) {
        try await store.read { session in
            let provider = try await Self.requireProvider(arn, caller: caller, action: "iam:GetOpenIDConnectProvider", in: session)
            return (provider, try await session.entityTags(arn))
        }
    }

    public func listOIDCProviders(_ caller: Caller) async throws -> [OIDCProvider] {
        try Authorizer.authorize(caller, action: "iam:ListOpenIDConnectProviders", resource: "*")
        return try await store.read { session in try await session.oidcProviders() }
    }

    public func deleteOIDCProvider(_ caller: Caller, arn: String) async throws {
        try await write { session in
            let provider = try await Self.requireProvider(arn, caller: caller, action: "iam:DeleteOpenIDConnectProvider", in: session)
            try await session.deleteOIDCProvider(url: provider.url)
        }
    }

    /// Adds or removes a client ID (audience), or replaces the thumbprints.
    public func updateOIDCProvider(
        _ caller: Caller, arn: String, action: String, addClientID: String? = nil, removeClientID: String? = nil,
        thumbprints: [String]? = nil
    ) async throws {
        if let thumbprints { try Self.validateThumbprints(thumbprints) }
        try await write { session in
            var provider = try await Self.requireProvider(arn, caller: caller, action: action, in: session)
            if let addClientID, !provider.clientIDs.contains(addClientID) {
                if provider.clientIDs.count >= 100 {
                    throw SesameError(.limitExceeded, "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
                }
                provider.clientIDs.append(addClientID)
            }
            if let removeClientID { provider.clientIDs.removeAll { $0 == removeClientID } }
            if let thumbprints { provider.thumbprints = thumbprints }
            try await session.updateOIDCProvider(provider)
        }
    }
}
