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

    /// One page of the list, filtered by reasons (any of them; none: all) and by when the
    /// address was added (`startDate` inclusive, `endDate` exclusive), ordered by address.
    public func listSuppressedDestinations(
        _ caller: Caller, region: String, reasons: [String], startDate: Date? = nil, endDate: Date? = nil, nextToken: String?,
        pageSize: Int?
    ) async throws -> (
        items: [SuppressedDestination], nextToken: String?
    ) {
        for reason in reasons { try Self.validateReason(reason) }
        try authorize(caller, "ses:ListSuppressedDestinations", "*")
        let limit = min(max(pageSize ?? 1000, 1), 1000)
        let single = Set(reasons).count == 1 ? reasons.first : nil
        func wanted(_ row: (address: String, reason: String, updatedAt: Date)) -> Bool {
            (reasons.isEmpty || reasons.contains(row.reason)) && startDate.map { row.updatedAt >= $0 } ?? true
                && endDate.map { row.updatedAt < $0 } ?? true
        }
        // Filters the store cannot apply are applied here, reading on until the page is full.
        var after = Self.tokenKey(nextToken)
        var found: [SuppressedDestination] = []
        while found.count <= limit {
            let from = after
            let rows = try await store.read { session in
                try await session.suppressedList(region: region, reason: single, afterAddress: from, limit: 1000)
            }
            found += rows.filter(wanted).map { SuppressedDestination(address: $0.address, reason: $0.reason, updatedAt: $0.updatedAt) }
            guard rows.count == 1000, let last = rows.last else { break }
            after = last.address
        }
        return Self.page(Array(found.prefix(limit + 1)), limit: limit) { $0.address }
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

/// Which reasons put an address on the suppression list: the account's (SES's default, both),
/// or a configuration set's own when it names them.
extension SESBackend {
    static func suppressedReasonsKey(_ region: String) -> String { "ses.suppressed_reasons.\(region)" }

    static func reasons(_ stored: String?) -> [String] {
        guard let stored else { return ["BOUNCE", "COMPLAINT"] }
        return stored.split(separator: ",").map(String.init)
    }

    public func accountSuppressedReasons(_ caller: Caller, region: String) async throws -> [String] {
        try authorize(caller, "ses:GetAccount", "*")
        return Self.reasons(try await store.read { try await $0.setting(Self.suppressedReasonsKey(region)) })
    }

    public func putAccountSuppressedReasons(_ caller: Caller, region: String, reasons: [String]) async throws {
        for reason in reasons { try Self.validateReason(reason) }
        try authorize(caller, "ses:PutAccountSuppressionAttributes", "*")
        let stored = Set(reasons).sorted().joined(separator: ",")
        try await store.transaction { try await $0.putSetting(Self.suppressedReasonsKey(region), stored) }
        sendingState.invalidate(region)
    }

    /// Whether a bounce or complaint (`reason`) puts the address on the list.
    func suppresses(_ reason: String, region: String, configurationSet: String?) async -> Bool {
        guard let state = try? await sendingState.state(region) else { return true }
        if let set = configurationSet, let reasons = state.configurationSets[set]?.suppressedReasons { return reasons.contains(reason) }
        return state.suppressedReasons.contains(reason)
    }
}
