public import Foundation
import SesameCore
import SesameStorage

extension SESBackend {
    public struct SuppressedDestination: Sendable {
        public var address: String
        public var reason: String
        public var updatedAt: Date
    }

    static func validateReason(_ reason: String) throws(SesameError) {
        guard reason == "BOUNCE" || reason == "COMPLAINT" else {
            throw SesameError(.invalidParameterValue, "Reason must be BOUNCE or COMPLAINT (got '\(reason)').")
        }
    }

    public func putSuppressedDestination(_ caller: Caller, region: String, address: String, reason: String) async throws {
        try Self.validateReason(reason)
        guard EmailAddress.isValidAddress(address) else { throw SesameError(.invalidParameterValue, "Invalid email address \(address).") }
        try authorize(caller, "ses:PutSuppressedDestination", "*")
        let now = clock.now()
        try await store.transaction { session in try await session.putSuppressed(region: region, address: address, reason: reason, at: now)
        }
        sendingState.invalidate(region)
    }

    public func suppressedDestination(_ caller: Caller, region: String, address: String) async throws -> SuppressedDestination {
        try authorize(caller, "ses:GetSuppressedDestination", "*")
        guard let found = try await store.read({ session in try await session.suppressed(region: region, address: address) }) else {
            throw SesameError(.notFound, "Email address \(address) does not exist on your suppression list.")
        }
        return SuppressedDestination(address: address.lowercased(), reason: found.reason, updatedAt: found.updatedAt)
    }

    public func listSuppressedDestinations(
        _ caller: Caller, region: String, reason: String?, nextToken: String?, pageSize: Int?
    ) async throws -> (
        items: [SuppressedDestination], nextToken: String?
    ) {
        if let reason { try Self.validateReason(reason) }
        try authorize(caller, "ses:ListSuppressedDestinations", "*")
        let limit = min(max(pageSize ?? 1000, 1), 1000)
        let after = Self.tokenKey(nextToken)
        let rows = try await store.read { session in
            try await session.suppressedList(region: region, reason: reason, afterAddress: after, limit: limit + 1)
        }
        let items = rows.map { SuppressedDestination(address: $0.address, reason: $0.reason, updatedAt: $0.updatedAt) }
        return Self.page(items, limit: limit) { $0.address }
    }

    public func deleteSuppressedDestination(_ caller: Caller, region: String, address: String) async throws {
        try authorize(caller, "ses:DeleteSuppressedDestination", "*")
        try await store.transaction { session in
            guard try await session.suppressed(region: region, address: address) != nil else {
                throw SesameError(.notFound, "Email address \(address) does not exist on your suppression list.")
            }
            try await session.deleteSuppressed(region: region, address: address)
        }
        sendingState.invalidate(region)
    }
}
