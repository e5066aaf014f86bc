import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import SesameBackend

/// Link checks over HTTP (AsyncHTTPClient): HEAD, then GET when the server refuses HEAD; ten
/// seconds each, eight at a time; redirects followed only when asked (up to 5). A client is made
/// for each check and shut down after it: checks are rare and on request.
public struct HTTPLinkChecker: LinkChecker {
    public init() {}

    public func check(_ urls: [String], followRedirects: Bool) async -> [LinkStatus] {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        configuration.redirectConfiguration = followRedirects ? .follow(max: 5, allowCycles: false) : .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let results = await withTaskGroup(of: (Int, LinkStatus).self) { group in
            var results = [LinkStatus?](repeating: nil, count: urls.count)
            var next = 0
            func start() {
                guard next < urls.count else { return }
                let index = next, url = urls[index]
                next += 1
                group.addTask { (index, await Self.status(url, client: client)) }
            }
            for _ in 0..<8 { start() }
            for await (index, status) in group {
                results[index] = status
                start()
            }
            return results.compactMap { $0 }
        }
        try? await client.shutdown()
        return results
    }

    static func status(_ url: String, client: HTTPClient) async -> LinkStatus {
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .HEAD
            request.headers.add(name: "User-Agent", value: "Sesame link check")
            var response = try await client.execute(request, timeout: .seconds(10))
            if response.status == .methodNotAllowed || response.status == .notImplemented {
                request.method = .GET
                response = try await client.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 64 * 1024)
            }
            return LinkStatus(url: url, code: Int(response.status.code), text: response.status.reasonPhrase)
        } catch {
            return LinkStatus(url: url, code: 0, text: "\(error)")
        }
    }
}
