import Foundation
public import Logging
public import ServiceLifecycle
public import SesameBackend
import SesameConcurrency
import SesameCore

/// `--identity-verification dns`: looks up the records of the domains that are due (their
/// `_amazonses` TXT record, Sesame's DKIM key records, their MAIL FROM domain's MX record)
/// through Sesame's own resolver and reports what it found. The schedule lives in the backend's
/// state, so it survives restarts; a DNS failure counts as "not found" for that check.
public final class IdentityDNSChecker: Service, Sendable {
    let ses: SESBackend
    let resolver: DNSResolver
    /// The host a MAIL FROM domain's MX record must name (this node's `--hostname`).
    let mailExchanger: String
    let logger: Logger

    public init(ses: SESBackend, resolver: DNSResolver, mailExchanger: String, logger: Logger) {
        self.ses = ses
        self.resolver = resolver
        self.mailExchanger = mailExchanger
        self.logger = logger
    }

    public func run() async throws {
        let interval = ses.configuration.dnsSchedule.interval
        let lease = JobLease(operations: StoreOperations(store: ses.store), job: "identity-dns-checks", duration: max(3 * interval, 30))
        await BackgroundLoop.run(wake: WakeSignal()) {
            // One node checks at a time; the others wait to take over.
            guard await lease.held() else { return .milliseconds(Int64(interval * 1000)) }
            do {
                for check in try await self.ses.dnsChecksDue() {
                    try await self.ses.recordDNSCheck(check, findings: await self.findings(check))
                }
            } catch {
                self.logger.warning("DNS verification checks failed: \(error)")
            }
            // Sleep until the next check is due, but at most one interval (new domains).
            var wait = interval
            if let next = try? await self.ses.nextDNSCheck() {
                wait = max(0.01, min(interval, next.timeIntervalSince(self.ses.clock.now())))
            }
            return .milliseconds(Int64(wait * 1000))
        }
        await lease.release()
    }

    func findings(_ check: SESBackend.DNSCheck) async -> DNSVerificationState.Findings {
        var verification = false
        if let record = check.verificationRecord {
            verification = ((try? await resolver.texts(record.name)) ?? []).contains(record.value)
        }
        var dkim = !check.dkimRecords.isEmpty
        for record in check.dkimRecords {
            let wanted = Self.compact(record.value)
            let found = ((try? await resolver.texts(record.name)) ?? []).contains { Self.compact($0) == wanted }
            if !found { dkim = false }
        }
        var mailFrom: Bool?
        if let domain = check.mailFromDomain {
            let hosts = (try? await resolver.lookup(domain, .mx)) ?? []
            mailFrom = hosts.contains {
                if case .mx(_, let exchange) = $0 { return Self.sameHost(exchange, mailExchanger) }
                return false
            }
        }
        return DNSVerificationState.Findings(verificationRecord: verification, dkimRecords: dkim, mailFromMX: mailFrom)
    }

    /// A TXT value as published: quotes and spaces do not matter (`"v=DKIM1; p=…"` split in strings).
    static func compact(_ text: String) -> String {
        String(text.filter { $0 != "\"" && $0 != " " && $0 != "\t" })
    }

    static func sameHost(_ a: String, _ b: String) -> Bool {
        func normal(_ host: String) -> String { (host.hasSuffix(".") ? String(host.dropLast()) : host).lowercased() }
        return normal(a) == normal(b)
    }
}
