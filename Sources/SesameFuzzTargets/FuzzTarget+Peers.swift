import SesameCore
import SesameDelivery
import SesameSMTPProtocol

/// The parsers of what remote hosts send when Sesame is the client: a relay's or an MX host's
/// replies, and DNS answers.
extension FuzzTarget {
    /// The first byte picks the TLS policy (bits 0–1) and whether the client has credentials
    /// (bit 2); the rest is the server's bytes, fed in pieces as a network delivers them. Up to
    /// three transactions of two recipients begin whenever the session is ready.
    static func smtpClient(_ bytes: [UInt8]) {
        let policies: [SMTPClientStateMachine.TLSPolicy] = [.implicit, .required, .opportunistic, .none]
        let flags = Int(bytes.first ?? 0)
        let credentials = flags & 4 == 4
        var machine = SMTPClientStateMachine(
            configuration: .init(
                heloName: "fuzz.test", tls: policies[flags % 4], username: credentials ? "AKIAFUZZ" : nil,
                password: credentials ? "secret" : nil))
        var parser = SMTPReplyParser()
        var transactions = 0
        var index = min(1, bytes.count)
        var piece = 1
        while index < bytes.endIndex {
            let end = min(bytes.endIndex, index + piece)
            parser.append(bytes[index..<end])
            index = end
            piece = piece % 11 + 1
            while true {
                let reply: SMTPReply?
                do { reply = try parser.next() } catch { return }  // the connection closes
                guard let reply else { break }
                var action = machine.received(reply)
                while true {
                    switch action {
                    case .startTLS:
                        action = machine.tlsEstablished()
                        continue
                    case .ready, .finished:
                        guard machine.isReady, transactions < 3 else { break }
                        transactions += 1
                        action = machine.begin(from: "a@fuzz.test", to: ["b@example.net", "c@example.org"])
                        continue
                    case .failed:
                        return
                    case .send(let text):
                        _ = text.utf8.count
                    case .sendBody, .wait:
                        _ = SMTPDotStuffing.encode(bytes.suffix(64))
                    }
                    break
                }
            }
        }
        _ = machine.quit()
    }

    static func dns(_ bytes: [UInt8]) {
        guard let response = try? DNSMessage.parse(bytes) else { return }
        for answer in response.answers {
            switch answer {
            case .mx(let preference, let exchange): _ = (preference, exchange.utf8.count)
            case .a(let address), .aaaa(let address), .cname(let address), .txt(let address): _ = address.utf8.count
            }
        }
    }
}
