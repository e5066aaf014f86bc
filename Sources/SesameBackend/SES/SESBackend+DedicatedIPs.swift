import Foundation
public import SesameCore
import SesameStorage

/// SES v2 dedicated IP pools, kept per region as one small document in the settings table, and
/// the node's dedicated addresses: the local addresses the operator gives with
/// `--source-address`, each in a pool (SES's default one until put in another); in mx mode, mail
/// of a configuration set whose `SendingPoolName` names a pool leaves from one of its addresses.
extension SESBackend {
    static let maxDedicatedIPPools = 50

    static func poolsKey(_ region: String) -> String { "ses.dedicated_ip_pools.\(region)" }
    static func autoWarmupKey(_ region: String) -> String { "ses.dedicated_ip_auto_warmup.\(region)" }

    static func decodePools(_ stored: String?) -> [DedicatedIPPool] {
        guard let stored else { return [] }
        return (try? StoredDocument.decoder.decode([DedicatedIPPool].self, from: Data(stored.utf8))) ?? []
    }

    static func encodePools(_ pools: [DedicatedIPPool]) -> String {
        return String(decoding: (try? StoredDocument.encoder.encode(pools.sorted { $0.name < $1.name })) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func poolMissing(_ name: String) -> SesameError { SesameError(.notFound, "Pool \(name) does not exist.") }

    /// Reads the region's pools, lets `change` edit them, and writes them back in one transaction.
    func changePools<T: Sendable>(
        region: String, _ change: @escaping @Sendable (inout [DedicatedIPPool]) throws -> T
    ) async throws -> T {
        try await store.transaction { session in
            var pools = Self.decodePools(try await session.setting(Self.poolsKey(region)))
            let result = try change(&pools)
            try await session.putSetting(Self.poolsKey(region), Self.encodePools(pools))
            return result
        }
    }

    public func createDedicatedIPPool(_ caller: Caller, region: String, name: String, scalingMode: String?, tags: [Tag]) async throws {
        try authorize(caller, "ses:CreateDedicatedIpPool", "*")
        try Self.validateName(name, of: "Pool")
        try Self.validate(tags: tags)
        let pool = DedicatedIPPool(name: name, scalingMode: scalingMode ?? "STANDARD", tags: tags, createdAt: clock.now())
        try await changePools(region: region) { pools in
            if pools.contains(where: { $0.name == name }) { throw SesameError(.alreadyExists, "Pool \(name) already exists.") }
            if pools.count >= Self.maxDedicatedIPPools {
                throw SesameError(.limitExceeded, "An account can have at most \(Self.maxDedicatedIPPools) dedicated IP pools.")
            }
            pools.append(pool)
        }
    }

    public func dedicatedIPPools(_ caller: Caller, region: String, action: String) async throws -> [DedicatedIPPool] {
        try authorize(caller, action, "*")
        return Self.decodePools(try await store.read { try await $0.setting(Self.poolsKey(region)) }).sorted { $0.name < $1.name }
    }

    public func dedicatedIPPool(_ caller: Caller, region: String, name: String) async throws -> DedicatedIPPool {
        guard
            let pool = try await dedicatedIPPools(caller, region: region, action: "ses:GetDedicatedIpPool").first(where: { $0.name == name }
            )
        else { throw Self.poolMissing(name) }
        return pool
    }

    public func deleteDedicatedIPPool(_ caller: Caller, region: String, name: String) async throws {
        try authorize(caller, "ses:DeleteDedicatedIpPool", "*")
        try await changePools(region: region) { pools in
            guard pools.contains(where: { $0.name == name }) else { throw Self.poolMissing(name) }
            pools.removeAll { $0.name == name }
        }
    }

    /// SES lets a pool move from `STANDARD` to `MANAGED`, not back.
    public func setDedicatedIPPoolScaling(_ caller: Caller, region: String, name: String, scalingMode: String) async throws {
        try authorize(caller, "ses:PutDedicatedIpPoolScalingAttributes", "*")
        try await changePools(region: region) { pools in
            guard let index = pools.firstIndex(where: { $0.name == name }) else { throw Self.poolMissing(name) }
            if pools[index].scalingMode == "MANAGED" && scalingMode == "STANDARD" {
                throw SesameError(.invalidParameterValue, "A MANAGED pool cannot be changed to STANDARD.")
            }
            pools[index].scalingMode = scalingMode
        }
    }

    /// `TagResource`/`UntagResource` on a pool.
    func changePoolTags(region: String, name: String, arn: String, _ apply: @escaping @Sendable (inout [Tag]) throws -> Void) async throws {
        try await changePools(region: region) { pools in
            guard let index = pools.firstIndex(where: { $0.name == name }) else { throw Self.resourceMissing(arn) }
            try apply(&pools[index].tags)
        }
    }

    public func dedicatedIPAutoWarmup(region: String) async throws -> Bool {
        try await store.read { try await $0.setting(Self.autoWarmupKey(region)) } == "true"
    }

    public func setDedicatedIPAutoWarmup(_ caller: Caller, region: String, enabled: Bool) async throws {
        try authorize(caller, "ses:PutAccountDedicatedIpWarmupAttributes", "*")
        try await store.transaction { try await $0.putSetting(Self.autoWarmupKey(region), enabled ? "true" : "false") }
    }

    /// SES's pool for dedicated addresses not put in another.
    public static let defaultDedicatedPool = "ses-default-dedicated-pool"

    static func addressesKey(_ region: String) -> String { "ses.dedicated_ips.\(region)" }

    /// One of the node's `--source-address` addresses as SES reports a dedicated IP.
    public struct DedicatedIP: Sendable, Equatable, Codable {
        public var ip: String
        public var pool: String
        public var warmupPercentage: Int
    }

    /// The node's source addresses with their stored pool and warm-up (defaults: SES's default
    /// pool, warmed up), in the order the operator gave them.
    func dedicatedIPs(region: String) async throws -> [DedicatedIP] {
        let stored = try await store.read { try await $0.setting(Self.addressesKey(region)) }
        let assigned = stored.flatMap { try? StoredDocument.decoder.decode([String: DedicatedIP].self, from: Data($0.utf8)) } ?? [:]
        return configuration.sourceAddresses.map {
            assigned[$0] ?? DedicatedIP(ip: $0, pool: Self.defaultDedicatedPool, warmupPercentage: 100)
        }
    }

    public func dedicatedIPs(_ caller: Caller, region: String, pool: String?) async throws -> [DedicatedIP] {
        try authorize(caller, "ses:GetDedicatedIps", "*")
        if let pool, pool != Self.defaultDedicatedPool { _ = try await dedicatedIPPool(caller, region: region, name: pool) }
        return try await dedicatedIPs(region: region).filter { pool == nil || $0.pool == pool }
    }

    public func dedicatedIP(_ caller: Caller, region: String, ip: String, action: String = "ses:GetDedicatedIp") async throws -> DedicatedIP
    {
        try authorize(caller, action, "*")
        guard let found = try await dedicatedIPs(region: region).first(where: { $0.ip == ip }) else {
            throw SesameError(
                .notFound, "Dedicated IP \(ip) does not exist: the node's dedicated addresses are the ones given with --source-address.")
        }
        return found
    }

    /// `PutDedicatedIpInPool` and `PutDedicatedIpWarmupAttributes`.
    public func changeDedicatedIP(
        _ caller: Caller, region: String, ip: String, pool: String?, warmupPercentage: Int?, action: String
    ) async throws {
        var address = try await dedicatedIP(caller, region: region, ip: ip, action: action)
        if let pool {
            if pool != Self.defaultDedicatedPool { _ = try await dedicatedIPPool(caller, region: region, name: pool) }
            address.pool = pool
        }
        if let warmupPercentage {
            guard (0...100).contains(warmupPercentage) else {
                throw SesameError(.invalidParameterValue, "WarmupPercentage must be from 0 to 100.")
            }
            address.warmupPercentage = warmupPercentage
        }
        let changed = address
        try await store.transaction { session in
            let stored = try await session.setting(Self.addressesKey(region))
            var assigned = stored.flatMap { try? StoredDocument.decoder.decode([String: DedicatedIP].self, from: Data($0.utf8)) } ?? [:]
            assigned[changed.ip] = changed
            let data = try StoredDocument.encoder.encode(assigned)
            try await session.putSetting(Self.addressesKey(region), String(decoding: data, as: UTF8.self))
        }
    }

    /// The source addresses mail of `pool` may leave from (none: the host's own).
    public func sourceAddresses(region: String, pool: String?) async -> [String] {
        guard let pool, !configuration.sourceAddresses.isEmpty, let all = try? await dedicatedIPs(region: region) else { return [] }
        return all.filter { $0.pool == pool }.map(\.ip)
    }
}
