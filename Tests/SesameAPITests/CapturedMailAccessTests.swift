import NIOCore
import Testing

@testable import SesameAPI

/// `/_aws/ses` is open to loopback callers only; everyone else must sign as root.
@Suite struct CapturedMailAccessTests {
    @Test func loopbackAddresses() throws {
        #expect(CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1).ipAddress))
        #expect(CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 1).ipAddress))
        #expect(CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "::1", port: 1).ipAddress))
        #expect(!CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "10.0.0.1", port: 1).ipAddress))
        #expect(!CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "192.168.1.20", port: 1).ipAddress))
        #expect(!CapturedMailAccess.isLoopback(try SocketAddress(ipAddress: "2001:db8::1", port: 1).ipAddress))
        #expect(!CapturedMailAccess.isLoopback(nil))
    }
}
