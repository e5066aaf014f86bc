import Testing

@testable import SesameCore

@Suite struct ForwardedForTests {
    static let proxies: Set<String> = ["10.0.0.1", "10.0.0.2"]
    static func trusted(_ address: String) -> Bool { proxies.contains(address) }

    @Test func theRightMostUntrustedHopIsTheClient() {
        #expect(ForwardedFor.client("203.0.113.9", trusted: Self.trusted) == "203.0.113.9")
        // A client may write its own X-Forwarded-For: only what the trusted proxies appended counts.
        #expect(ForwardedFor.client("1.2.3.4, 203.0.113.9, 10.0.0.2", trusted: Self.trusted) == "203.0.113.9")
        #expect(ForwardedFor.client("10.0.0.1,10.0.0.2", trusted: Self.trusted) == "10.0.0.1")
        #expect(ForwardedFor.client(" 2001:db8::7 ", trusted: Self.trusted) == "2001:db8::7")
        // Something that is not an address list is not believed.
        #expect(ForwardedFor.client("unknown", trusted: Self.trusted) == nil)
        #expect(ForwardedFor.client("1.2.3.4, <script>", trusted: Self.trusted) == nil)
        #expect(ForwardedFor.client(" , ", trusted: Self.trusted) == nil)
    }
}
