public import Foundation

/// Where a domain identity's DNS checks stand (`--identity-verification dns`): the domain's
/// verification (its `_amazonses` TXT record or its DKIM records), its DKIM records, and its
/// custom MAIL FROM domain's MX record, each as SES reports them.
public struct DNSVerificationState: Sendable, Equatable, Codable {
    /// SES's statuses (the DKIM status enum: v1 `Success`, v2 `SUCCESS`).
    public typealias Status = DKIMStatus

    public var verification: Status
    public var dkim: Status
    /// Nil when the identity has no custom MAIL FROM domain.
    public var mailFrom: Status?
    /// When each open status began (a check gives up `giveUp` after it).
    public var verificationSince: Date
    public var dkimSince: Date
    public var mailFromSince: Date
    public var lastCheckedAt: Date?
    /// Nil: nothing left to check (everything failed or not started).
    public var nextCheckAt: Date?

    /// A domain just created (or verified again): everything it has is looked for from now.
    public init(now: Date, dkim: Bool, mailFrom: Bool) {
        verification = .pending
        self.dkim = dkim ? .pending : .notStarted
        self.mailFrom = mailFrom ? .pending : nil
        verificationSince = now
        dkimSince = now
        mailFromSince = now
        nextCheckAt = now
    }

    /// What one check found in DNS.
    public struct Findings: Sendable, Equatable {
        public var verificationRecord: Bool
        public var dkimRecords: Bool
        /// Nil when there is no MAIL FROM domain to look at.
        public var mailFromMX: Bool?

        public init(verificationRecord: Bool, dkimRecords: Bool, mailFromMX: Bool?) {
            self.verificationRecord = verificationRecord
            self.dkimRecords = dkimRecords
            self.mailFromMX = mailFromMX
        }
    }

    /// SES's schedule, in multiples of one interval (60 s by default): checks every interval
    /// for the first hour a record is looked for, then every 15 intervals (15 minutes), for up
    /// to 72 hours; a domain whose records were found is checked again every 24 hours.
    public struct Schedule: Sendable, Equatable {
        public var interval: TimeInterval
        public init(interval: TimeInterval = 60) { self.interval = interval }
        var firstHour: TimeInterval { interval * 60 }
        var slow: TimeInterval { interval * 15 }
        public var recheck: TimeInterval { interval * 1440 }
        public var giveUp: TimeInterval { interval * 4320 }
    }

    /// One status after a check: found → success; missing → pending stays pending, success
    /// becomes a temporary failure, and an open status older than `giveUp` fails.
    static func next(_ status: Status, found: Bool, since: inout Date, now: Date, schedule: Schedule) -> Status {
        switch status {
        case .notStarted, .failed: return status
        case .pending, .temporaryFailure, .success:
            if found {
                if status != .success { since = now }
                return .success
            }
            if status == .success {
                since = now
                return .temporaryFailure
            }
            return now.timeIntervalSince(since) >= schedule.giveUp ? .failed : status
        }
    }

    /// The state after a check that found `findings` at `now`. The domain is verified by its
    /// TXT record or by its DKIM records, as SES verifies it.
    public func advanced(by findings: Findings, now: Date, schedule: Schedule) -> DNSVerificationState {
        var out = self
        out.verification = Self.next(
            verification, found: findings.verificationRecord || findings.dkimRecords, since: &out.verificationSince, now: now,
            schedule: schedule)
        out.dkim = Self.next(dkim, found: findings.dkimRecords, since: &out.dkimSince, now: now, schedule: schedule)
        if let mailFrom {
            out.mailFrom = Self.next(mailFrom, found: findings.mailFromMX ?? false, since: &out.mailFromSince, now: now, schedule: schedule)
        }
        out.lastCheckedAt = now
        let open = [
            (out.verification, out.verificationSince), (out.dkim, out.dkimSince), (out.mailFrom ?? .notStarted, out.mailFromSince),
        ].filter { $0.0.isOpen }
        if let oldest = open.map(\.1).min() {
            out.nextCheckAt = now.addingTimeInterval(now.timeIntervalSince(oldest) < schedule.firstHour ? schedule.interval : schedule.slow)
        } else if [out.verification, out.dkim, out.mailFrom ?? .notStarted].contains(.success) {
            out.nextCheckAt = now.addingTimeInterval(schedule.recheck)
        } else {
            out.nextCheckAt = nil
        }
        return out
    }

    /// The identity's status for sending: verified while found (a temporary failure still sends,
    /// as in SES, until it fails).
    public var identityStatus: Identity.Status {
        switch verification {
        case .success, .temporaryFailure: .success
        case .failed: .failed
        case .pending, .notStarted: .pending
        }
    }

    /// The stored form.
    public var storedJSON: String {
        guard let data = try? StoredDocument.encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func stored(_ json: String?) -> DNSVerificationState? {
        guard let json else { return nil }
        return try? StoredDocument.decoder.decode(DNSVerificationState.self, from: Data(json.utf8))
    }
}

extension DKIMStatus: Codable {
    /// Still being looked for: pending, or found once and missing since.
    var isOpen: Bool { self == .pending || self == .temporaryFailure }
}
