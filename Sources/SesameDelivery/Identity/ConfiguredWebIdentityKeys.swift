import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SesameBackend
import SesameConcurrency

/// The OIDC signing keys the operator configured (`--oidc-jwks ISSUER=FILE_OR_URL`): a file is
/// read, an http(s) URL fetched; each is kept for five minutes, so a key rotation reaches
/// Sesame within that time.
public final class ConfiguredWebIdentityKeys: WebIdentityKeySource {
    let sources: [String: String]
    let cache = Locked<[String: (fetched: ContinuousClock.Instant, document: [UInt8])]>([:])
    static let lifetime: Duration = .seconds(300)
    static let maximumSize = 1 << 20

    /// `sources`: issuer (`host/path`) → file path or URL.
    public init(sources: [String: String]) { self.sources = sources }

    public func jwks(issuer: String) async throws -> [UInt8]? {
        guard let source = sources[issuer] else { return nil }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[issuer] }), now - cached.fetched < Self.lifetime { return cached.document }
        let document: [UInt8]
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            var request = HTTPClientRequest(url: source)
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            guard response.status == .ok else {
                throw WebIdentityKeyError(description: "\(source) answered \(response.status.code)")
            }
            document = Array(buffer: try await response.body.collect(upTo: Self.maximumSize))
        } else {
            document = try await BlockingWork.run { Array(try Data(contentsOf: URL(fileURLWithPath: source))) }
        }
        cache.withLock { $0[issuer] = (now, document) }
        return document
    }
}

struct WebIdentityKeyError: Error, CustomStringConvertible {
    var description: String
}
