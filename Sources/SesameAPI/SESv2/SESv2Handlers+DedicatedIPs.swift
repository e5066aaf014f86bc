import Foundation
import SesameAWSModels
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// SES v2 dedicated IP pools (stored and reported) and dedicated IPs (the node's
/// `--source-address` addresses).
extension SESv2Handlers {
    static func addDedicatedIPs(_ ses: SESBackend, _ handlers: inout AWSHandlers) {
        handlers.on(SESv2.Operations.CreateDedicatedIpPool.self) { input, call in
            try await ses.createDedicatedIPPool(
                call.caller, region: call.region, name: input.poolName, scalingMode: input.scalingMode,
                tags: (input.tags ?? []).map { Tag(key: $0.key, value: $0.value) })
            return .init()
        }
        handlers.on(SESv2.Operations.GetDedicatedIpPool.self) { input, call in
            let pool = try await ses.dedicatedIPPool(call.caller, region: call.region, name: input.poolName)
            return .init(dedicatedIpPool: SESv2.DedicatedIpPool(poolName: pool.name, scalingMode: pool.scalingMode))
        }
        handlers.on(SESv2.Operations.ListDedicatedIpPools.self) { input, call in
            let pools = try await ses.dedicatedIPPools(call.caller, region: call.region, action: "ses:ListDedicatedIpPools")
            let size = min(max(input.pageSize ?? 100, 1), 1000)
            let start =
                input.nextToken.flatMap { token in pools.firstIndex { $0.name > token } } ?? (input.nextToken == nil ? 0 : pools.count)
            let page = Array(pools[start...].prefix(size))
            let more = start + page.count < pools.count
            return .init(dedicatedIpPools: page.map(\.name), nextToken: more ? page.last?.name : nil)
        }
        handlers.on(SESv2.Operations.DeleteDedicatedIpPool.self) { input, call in
            try await ses.deleteDedicatedIPPool(call.caller, region: call.region, name: input.poolName)
            return .init()
        }
        handlers.on(SESv2.Operations.PutDedicatedIpPoolScalingAttributes.self) { input, call in
            try await ses.setDedicatedIPPoolScaling(call.caller, region: call.region, name: input.poolName, scalingMode: input.scalingMode)
            return .init()
        }
        handlers.on(SESv2.Operations.PutAccountDedicatedIpWarmupAttributes.self) { input, call in
            try await ses.setDedicatedIPAutoWarmup(call.caller, region: call.region, enabled: input.autoWarmupEnabled ?? false)
            return .init()
        }
        handlers.on(SESv2.Operations.GetDedicatedIps.self) { input, call in
            let all = try await ses.dedicatedIPs(call.caller, region: call.region, pool: input.poolName)
            let size = min(max(input.pageSize ?? 100, 1), 1000)
            let start = input.nextToken.flatMap { token in all.firstIndex { $0.ip == token }.map { $0 + 1 } } ?? 0
            let page = Array(all[min(start, all.count)...].prefix(size))
            let more = start + page.count < all.count
            return .init(dedicatedIps: page.map(wire), nextToken: more ? page.last?.ip : nil)
        }
        handlers.on(SESv2.Operations.GetDedicatedIp.self) { input, call in
            .init(dedicatedIp: wire(try await ses.dedicatedIP(call.caller, region: call.region, ip: input.ip)))
        }
        handlers.on(SESv2.Operations.PutDedicatedIpInPool.self) { input, call in
            try await ses.changeDedicatedIP(
                call.caller, region: call.region, ip: input.ip, pool: input.destinationPoolName, warmupPercentage: nil,
                action: "ses:PutDedicatedIpInPool")
            return .init()
        }
        handlers.on(SESv2.Operations.PutDedicatedIpWarmupAttributes.self) { input, call in
            try await ses.changeDedicatedIP(
                call.caller, region: call.region, ip: input.ip, pool: nil, warmupPercentage: input.warmupPercentage,
                action: "ses:PutDedicatedIpWarmupAttributes")
            return .init()
        }
    }

    static func wire(_ ip: SESBackend.DedicatedIP) -> SESv2.DedicatedIp {
        SESv2.DedicatedIp(
            ip: ip.ip, warmupStatus: ip.warmupPercentage >= 100 ? "DONE" : "IN_PROGRESS", warmupPercentage: ip.warmupPercentage,
            poolName: ip.pool)
    }
}
