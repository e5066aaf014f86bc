import Foundation
public import NIOCore
import NIOPosix

/// Asks one DNS server over UDP (the one `--dns-server` names, else the first `nameserver` of
/// /etc/resolv.conf). Answers are not cached: the queue asks once per destination and attempt.
public struct DNSResolver: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        /// NXDOMAIN: the name does not exist (a permanent failure for mail).
        public var nameDoesNotExist: Bool
    }

    public let server: SocketAddress
    public let timeout: TimeAmount

    public init(server: SocketAddress, timeout: TimeAmount = .seconds(5)) {
        self.server = server
        self.timeout = timeout
    }

    /// The system's resolver (first `nameserver` in /etc/resolv.conf), or nil.
    public static func systemServer() -> SocketAddress? {
        guard let text = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, parts[0] == "nameserver", let address = try? SocketAddress(ipAddress: String(parts[1]), port: 53) {
                return address
            }
        }
        return nil
    }

    public func lookup(_ name: String, _ type: DNSMessage.RecordType) async throws -> [DNSMessage.Record] {
        let id = UInt16.random(in: 0...UInt16.max)
        let query = DNSMessage.query(id: id, name: name, type: type)
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        let server = self.server
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramCollector(continuation: continuation))
                }
            }
            .bind(host: server.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
        defer { channel.close(promise: nil) }
        let envelope = AddressedEnvelope(remoteAddress: server, data: channel.allocator.buffer(bytes: query))
        try await channel.writeAndFlush(envelope)
        let timer = channel.eventLoop.scheduleTask(in: timeout) { continuation.finish() }
        defer { timer.cancel() }
        for await datagram in stream {
            guard let response = try? DNSMessage.parse(datagram), response.id == id else { continue }
            if response.truncated {
                throw Failure(
                    description: "\(name): the DNS answer was truncated even with EDNS0 (DNS over TCP is not supported)",
                    nameDoesNotExist: false)
            }
            switch response.rcode {
            case 0: return response.answers
            case 3: throw Failure(description: "\(name): no such domain (NXDOMAIN)", nameDoesNotExist: true)
            default: throw Failure(description: "\(name): DNS server failure (rcode \(response.rcode))", nameDoesNotExist: false)
            }
        }
        throw Failure(
            description: "\(name): no DNS answer within \(timeout.nanoseconds / 1_000_000_000) s from \(server)", nameDoesNotExist: false)
    }

    /// MX hosts in RFC 5321 order (lowest preference first, ties shuffled); the domain itself
    /// when it has none (the implicit MX); empty for a null MX (RFC 7505: the domain takes no mail).
    public func mailExchangers(_ domain: String) async throws -> [String] {
        let records = try await lookup(domain, .mx)
        let mx = records.compactMap { record -> (Int, String)? in
            if case .mx(let preference, let exchange) = record { return (preference, exchange) }
            return nil
        }
        if mx.isEmpty { return [domain] }
        if mx.count == 1 && (mx[0].1 == "" || mx[0].1 == ".") { return [] }
        return mx.shuffled().sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The TXT records of `name` (each one's strings joined); none when the name does not exist.
    public func texts(_ name: String) async throws -> [String] {
        do {
            return try await lookup(name, .txt).compactMap { if case .txt(let text) = $0 { text } else { nil } }
        } catch let failure as Failure where failure.nameDoesNotExist {
            return []
        }
    }

    /// IPv4 then IPv6 addresses of a host.
    public func addresses(_ host: String) async throws -> [String] {
        var found: [String] = []
        for type in [DNSMessage.RecordType.a, .aaaa] {
            for record in (try? await lookup(host, type)) ?? [] {
                switch record {
                case .a(let address), .aaaa(let address): found.append(address)
                default: break
                }
            }
        }
        return found
    }
}

final class DatagramCollector: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let continuation: AsyncStream<[UInt8]>.Continuation

    init(continuation: AsyncStream<[UInt8]>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        continuation.yield(Array(envelope.data.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}
