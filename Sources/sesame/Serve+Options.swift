import ArgumentParser
import Foundation
import SesameCore
import SesameDelivery
import SesameServer

/// The delivery and web-identity options of `sesame serve`, checked and applied.
extension Serve {
    func applyDelivery(to configuration: inout SesameConfiguration, positive: (Int?, String, String, Int) throws -> Int?) throws {
        let mode = delivery ?? Environment.value("SESAME_DELIVERY") ?? "capture"
        guard let parsed = DeliveryMode(rawValue: mode) else {
            throw ValidationError("--delivery must be capture, relay or mx (got '\(mode)').")
        }
        configuration.delivery = parsed
        configuration.relayURL = relayURL ?? Environment.value("SESAME_RELAY_URL")
        if let url = configuration.relayURL {
            do { _ = try RelayTransport.Settings.parse(url) } catch { throw ValidationError(error.description) }
        }
        if parsed == .relay && configuration.relayURL == nil {
            throw ValidationError("--delivery relay needs --relay-url, e.g. smtp://user:password@smtp.example.com:587.")
        }
        configuration.relayCAFile = relayCAFile ?? Environment.value("SESAME_RELAY_CA_FILE")
        configuration.relayInsecureTLS = relayInsecureTLS || Environment.flag("SESAME_RELAY_INSECURE_TLS")
        configuration.routes = route.isEmpty ? (Environment.list("SESAME_ROUTE") ?? []) : route
        for text in configuration.routes {
            do { _ = try MXTransport.parseRoute(text) } catch { throw ValidationError(error.description) }
        }
        if let dns = dnsServer ?? Environment.value("SESAME_DNS_SERVER") {
            configuration.dnsServer = try address(dns, option: "--dns-server")
        }
        if let port = try positive(mxPort, "SESAME_MX_PORT", "--mx-port", 1) { configuration.mxPort = port }
        if let seconds = retryInitial ?? Environment.value("SESAME_RETRY_INITIAL").flatMap({ Double($0) }) {
            guard seconds > 0 else { throw ValidationError("--retry-initial must be more than 0 seconds.") }
            configuration.retryInitial = seconds
        }
        if let seconds = retryMaxAge ?? Environment.value("SESAME_RETRY_MAX_AGE").flatMap({ Double($0) }) {
            guard seconds >= 0 else { throw ValidationError("--retry-max-age must be 0 or more seconds.") }
            configuration.retryMaxAge = seconds
        }
        if let n = try positive(deliveryConcurrency, "SESAME_DELIVERY_CONCURRENCY", "--delivery-concurrency", 1) {
            configuration.deliveryConcurrency = n
        }
        if let n = try positive(connectionsPerDestination, "SESAME_CONNECTIONS_PER_DESTINATION", "--connections-per-destination", 1) {
            configuration.connectionsPerDestination = n
        }
        if let domain = (bounceDomain ?? Environment.value("SESAME_BOUNCE_DOMAIN"))?.lowercased() {
            guard EmailAddress.isValidAddress("postmaster@\(domain)") else {
                throw ValidationError("--bounce-domain must be a domain name like bounces.example.com (got '\(domain)').")
            }
            configuration.bounceDomain = domain
        }
        if let seconds = deliveryLease ?? Environment.value("SESAME_DELIVERY_LEASE").flatMap({ Double($0) }) {
            guard seconds >= 1 else { throw ValidationError("--delivery-lease must be at least 1 second.") }
            configuration.deliveryLease = seconds
        }
        if let n = try positive(queueMemory, "SESAME_QUEUE_MEMORY", "--queue-memory", 1) { configuration.queueMemory = n << 20 }
    }

    func applyWebIdentity(to configuration: inout SesameConfiguration) throws {
        for entry in oidcJwks.isEmpty ? (Environment.list("SESAME_OIDC_JWKS") ?? []) : oidcJwks {
            guard
                let equals = entry.range(of: "=https://", options: .backwards) ?? entry.range(of: "=http://", options: .backwards)
                    ?? entry.range(of: "=", options: .backwards),
                let issuer = OIDCProvider.normalizedURL(String(entry[..<equals.lowerBound]))
            else {
                throw ValidationError(
                    "--oidc-jwks must be ISSUER=FILE or ISSUER=URL with an https issuer, e.g. https://issuer.example=/path/jwks.json (got '\(entry)')."
                )
            }
            let source = String(entry[entry.index(after: equals.lowerBound)...])
            guard !source.isEmpty else { throw ValidationError("--oidc-jwks \(entry) names no file or URL.") }
            configuration.oidcJWKS[issuer] = source
        }
    }
}
