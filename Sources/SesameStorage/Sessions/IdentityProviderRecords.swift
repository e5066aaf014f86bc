public import SesameCore

/// OpenID Connect providers registered in IAM, inside a transaction; their tags are entity tags
/// keyed by the provider's ARN.
public protocol IdentityProviderRecords: Sendable {
    /// The provider for an issuer URL without its scheme (`host/path`).
    func oidcProvider(url: String) async throws -> OIDCProvider?
    /// Every provider, ordered by URL.
    func oidcProviders() async throws -> [OIDCProvider]
    func insertOIDCProvider(_ provider: OIDCProvider) async throws
    /// Writes the client IDs and thumbprints of an existing provider.
    func updateOIDCProvider(_ provider: OIDCProvider) async throws
    func deleteOIDCProvider(url: String) async throws
}
