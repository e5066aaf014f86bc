public import SesameBackend
public import SesameCore

/// Releasing captured mail goes through a relay transport like delivery's (`--release-relay`).
extension RelayTransport: MessageReleaser {
    public func release(from: String, recipients: [String], raw: [UInt8]) async -> [String: DeliveryOutcome] {
        await deliver(from: from, recipients: recipients, body: raw, options: DeliveryOptions())
    }
}
