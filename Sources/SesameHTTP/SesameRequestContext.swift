public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer's address.
public struct SesameRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The client's IP address: the connection's peer, or, when that peer is a proxy the operator
    /// trusts (`--trusted-proxy`), the address it forwarded (`ClientAddressMiddleware`).
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = remoteAddress?.ipAddress
    }

    /// Large enough for a SendRawEmail request carrying a 40 MB message, base64-encoded.
    public var maxUploadSize: Int { 60 * 1024 * 1024 }
}
