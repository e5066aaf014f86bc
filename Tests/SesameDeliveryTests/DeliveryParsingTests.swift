import Foundation
import SesameSMTPProtocol
import Testing

@testable import SesameDelivery

@Suite("Delivery settings and DNS wire format")
struct DeliveryParsingTests {
    @Test func relayURLs() throws {
        let plain = try RelayTransport.Settings.parse("smtp://AKIAX:p%2Fss@relay.test:2587")
        #expect(plain.endpoint == SMTPEndpoint(host: "relay.test", port: 2587))
        #expect(plain.tls == .required && plain.username == "AKIAX" && plain.password == "p/ss")
        let anonymous = try RelayTransport.Settings.parse("smtp://relay.test")
        #expect(anonymous.tls == .opportunistic && anonymous.endpoint.port == 587)
        #expect(try RelayTransport.Settings.parse("smtp://relay.test:25?tls=none").tls == .none)
        #expect(try RelayTransport.Settings.parse("smtps://u:p@relay.test").tls == .implicit)
        #expect(try RelayTransport.Settings.parse("smtps://u:p@relay.test").endpoint.port == 465)
        #expect(throws: SMTPClientError.self) { try RelayTransport.Settings.parse("http://relay.test") }
        #expect(throws: SMTPClientError.self) { try RelayTransport.Settings.parse("smtp://relay.test?tls=maybe") }
    }

    @Test func routes() throws {
        let (domain, endpoint) = try MXTransport.parseRoute("Example.COM=127.0.0.1:2525")
        #expect(domain == "example.com" && endpoint == SMTPEndpoint(host: "127.0.0.1", port: 2525))
        #expect(try MXTransport.parseRoute("v6.test=[::1]:25").1.host == "::1")
        #expect(throws: SMTPClientError.self) { try MXTransport.parseRoute("example.com") }
        #expect(throws: SMTPClientError.self) { try MXTransport.parseRoute("example.com=host:99999") }
    }

    @Test func dnsQueryAndCompressedAnswer() throws {
        let query = DNSMessage.query(id: 0x1234, name: "example.test", type: .mx)
        #expect(query.prefix(12) == [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1])
        let question: [UInt8] = [7] + Array("example".utf8) + [4] + Array("test".utf8) + [0, 0, 15, 0, 1]
        #expect(Array(query[12...]) == question + [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0])
        // The answer: the question, then one MX whose owner name points back at the question
        // (offset 12) and whose exchange is "mx." + a pointer to the same name.
        var response: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + question
        let exchange: [UInt8] = [2] + Array("mx".utf8) + [0xc0, 12]
        response += [0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, UInt8(2 + exchange.count), 0, 10] + exchange
        let parsed = try DNSMessage.parse(response)
        #expect(parsed.id == 0x1234 && parsed.rcode == 0 && !parsed.truncated)
        #expect(parsed.answers == [.mx(preference: 10, exchange: "mx.example.test")])
        var nxdomain = response
        nxdomain[3] = 0x83
        #expect(try DNSMessage.parse(nxdomain).rcode == 3)
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage.parse(Array(response.prefix(20))) }
    }

    @Test func dnsTextRecordsJoinTheirStrings() throws {
        let question: [UInt8] = [1] + Array("t".utf8) + [0, 0, 16, 0, 1]
        let strings: [UInt8] = [3] + Array("v=D".utf8) + [4] + Array("KIM1".utf8) + [0]
        var response: [UInt8] = [0, 7, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + question
        response += [0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, UInt8(strings.count)] + strings
        #expect(try DNSMessage.parse(response).answers == [.txt("v=DKIM1")])
        // A string whose length runs past its record is malformed, not read beyond it.
        var overrun = response
        overrun[overrun.count - strings.count] = 40
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage.parse(overrun) }
    }

    /// A name is at most 255 octets however its labels and pointers are arranged.
    @Test func dnsNamesLongerThan255OctetsAreMalformed() throws {
        func response(owner labels: [Int]) -> [UInt8] {
            var name: [UInt8] = []
            for length in labels { name += [UInt8(length)] + Array(repeating: UInt8(ascii: "a"), count: length) }
            let question: [UInt8] = name + [0, 0, 1, 0, 1]
            return [0, 9, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + question + [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        }
        // 3 × 64 + 62 + the root's 1 = 255 octets: the longest name there is.
        #expect(try DNSMessage.parse(response(owner: [63, 63, 63, 61])).answers == [.a("192.0.2.1")])
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage.parse(response(owner: [63, 63, 63, 62])) }
        // A chain of pointers spelling a 2.5 KB owner name: 40 segments of a 63-octet label and
        // a pointer to the next, after the answer that points at the first.
        var chained: [UInt8] = [0, 9, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0xc0, 28, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        for index in 0..<40 {
            let next = 28 + (index + 1) * 66
            chained += [63] + Array(repeating: UInt8(ascii: "b"), count: 63)
            chained += index == 39 ? [0] : [0xc0 | UInt8(next >> 8), UInt8(next & 0xff)]
        }
        #expect(throws: DNSMessage.Malformed.self) { try DNSMessage.parse(chained) }
        chained.removeSubrange(28...)
        chained += [63] + Array(repeating: UInt8(ascii: "b"), count: 63) + [0]
        #expect(try DNSMessage.parse(chained).answers == [.a("192.0.2.1")])
    }
}
