public import Hummingbird
public import NIOCore

/// The per-request context: Hummingbird's core storage plus the peer's address.
public struct SesameRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Large enough for a SendRawEmail request carrying a 40 MB message, base64-encoded.
    public var maxUploadSize: Int { 60 * 1024 * 1024 }
}
