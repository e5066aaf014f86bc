import Foundation
import SesameBackend
import SesameCore
import SesameDelivery
import SesameServer
import SesameStorage

/// What `sesame serve` prints: the start-up summary and errors explained for a newcomer.
extension Serve {
    static func explain(_ error: any Error) -> String {
        if let error = error as? SesameError { return error.message + (error.reason.map { " (\($0))" } ?? "") }
        return String(describing: error)
    }
}

enum Banner {
    static func delivery(_ c: SesameConfiguration) -> String {
        let bounces = c.bounceDomain.map { "; reports to *@\($0) are taken without AUTH" } ?? ""
        switch c.delivery {
        case .capture: return "capture: accepted mail is kept, not sent (--delivery relay or mx to send it)"
        case .relay:
            let host =
                c.relayURL.flatMap { URLComponents(string: $0) }.map { "\($0.host ?? "?"):\($0.port.map(String.init) ?? "default port")" }
                ?? "?"
            return "relay to \(host)\(bounces)"
        case .mx:
            return
                "mx, DNS at \(c.dnsServer?.description ?? "the system's resolver")\(c.routes.isEmpty ? "" : ", routes: \(c.routes.joined(separator: " "))")\(bounces)"
        }
    }

    static func print(_ sesame: Sesame, httpPort: Int) {
        let c = sesame.configuration
        var lines = [
            "Sesame \(SesameVersion.current) is running.",
            "  Account ID:   \(sesame.account.id)",
            "  Root user:    \(sesame.account.rootEmail)",
            "  AWS APIs:     http://\(HostPort(host: c.httpAddress.host, port: httpPort))  (IAM, STS, SES v1 and v2)",
            "  Console:      http://\(HostPort(host: c.httpAddress.host, port: httpPort))/console  (sign in as the root user or an IAM user)",
            "  SMTP:         \(c.smtpAddresses.map(\.description).joined(separator: ", ")) (STARTTLS), \(c.smtpsAddresses.map(\.description).joined(separator: ", ")) (TLS); user name = access key ID, password = its SES SMTP password",
            "  TLS:          \(sesame.tlsSource)",
            "  Regions:      \(c.regions.joined(separator: ", "))" + (c.sandbox ? "  (sandbox: recipients must be verified)" : ""),
            "  Delivery:     " + Self.delivery(c),
            "  Data:         \(sesame.store.engine.rawValue) at \(sesame.store.location)",
            "  Master key:   \(sesame.masterKeySource)",
        ]
        if let created = sesame.bootstrap.created {
            if created.generatedSomething {
                lines.append("  First start: generated root credentials were written to \(c.rootCredentialsPath) (keep it safe).")
            } else {
                lines.append("  First start: the root user and access key were created from the SESAME_ROOT_* variables.")
            }
            lines.append("  Root access key ID: \(created.accessKeyID)")
        }
        if !c.inboundAddresses.isEmpty {
            lines.insert(
                "  Inbound SMTP: \(c.inboundAddresses.map(\.description).joined(separator: ", ")) (SES receiving: the active receipt rule sets decide)",
                at: 6)
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
