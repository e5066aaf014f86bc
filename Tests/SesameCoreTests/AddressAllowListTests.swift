import Testing

@testable import SesameCore

@Suite struct AddressAllowListTests {
    @Test func loopbackAlwaysAndTheGivenRangesOnly() throws {
        let none = try AddressAllowList([], option: "--metrics-allow")
        #expect(none.allows("127.0.0.1") && none.allows("127.9.9.9") && none.allows("::1") && none.allows("::ffff:127.0.0.1"))
        #expect(!none.allows("10.1.2.3") && !none.allows("192.0.2.1") && !none.allows("fd00::1") && !none.allows("garbage"))
        let some = try AddressAllowList(["10.0.0.0/8", "fd00::/8", "192.0.2.7"], option: "--metrics-allow")
        #expect(some.allows("10.1.2.3") && some.allows("::ffff:10.1.2.3") && some.allows("fd12::1") && some.allows("192.0.2.7"))
        #expect(!some.allows("11.0.0.1") && !some.allows("192.0.2.8") && !some.allows("fe80::1"))
        #expect(throws: SesameError.self) { try AddressAllowList(["10.0.0.0/33"], option: "--metrics-allow") }
        #expect(throws: SesameError.self) { try AddressAllowList(["example.com"], option: "--metrics-allow") }
    }
}
