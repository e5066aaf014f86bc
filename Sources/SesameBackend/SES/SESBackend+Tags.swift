import Foundation
public import SesameCore
import SesameStorage

/// SES v2's `TagResource`, `UntagResource` and `ListTagsForResource`, by ARN, on identities and
/// configuration sets.
extension SESBackend {
    enum TaggedResource {
        case identity(String)
        case configurationSet(String)
        case dedicatedIPPool(String)
        case contactList(String)
    }

    /// The resource an ARN of this account and region names.
    func taggedResource(_ caller: Caller, region: String, arn: String) throws(SesameError) -> TaggedResource {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "ses", let slash = parts[5].firstIndex(of: "/") else {
            throw SesameError(.invalidParameterValue, "Invalid resource ARN: \(arn).")
        }
        let kind = parts[5][..<slash], name = String(parts[5][parts[5].index(after: slash)...])
        guard parts[3] == region, parts[4] == caller.accountID, !name.isEmpty else {
            throw SesameError(.notFound, "Resource \(arn) does not exist.")
        }
        switch kind {
        case "identity": return .identity(name)
        case "configuration-set": return .configurationSet(name)
        case "dedicated-ip-pool": return .dedicatedIPPool(name)
        case "contact-list": return .contactList(name)
        default: throw SesameError(.invalidParameterValue, "Resource type \(kind) cannot be tagged.")
        }
    }

    public func listTags(_ caller: Caller, region: String, arn: String) async throws -> [Tag] {
        let resource = try taggedResource(caller, region: region, arn: arn)
        try authorize(caller, "ses:ListTagsForResource", arn)
        switch resource {
        case .identity(let name):
            return try await existingIdentity(region: region, name: name, missing: Self.resourceMissing(arn)).settings.tags
        case .configurationSet(let name):
            guard let set = try await store.read({ try await $0.configurationSet(region: region, name: name) }) else {
                throw Self.resourceMissing(arn)
            }
            return set.options.tags
        case .dedicatedIPPool(let name):
            let pools = Self.decodePools(try await store.read { try await $0.setting(Self.poolsKey(region)) })
            guard let pool = pools.first(where: { $0.name == name }) else { throw Self.resourceMissing(arn) }
            return pool.tags
        case .contactList(let name):
            guard let list = try await store.read({ try await $0.contactLists(region: region) }).first(where: { $0.name == name }) else {
                throw Self.resourceMissing(arn)
            }
            return list.tags
        }
    }

    static func resourceMissing(_ arn: String) -> SesameError { SesameError(.notFound, "Resource \(arn) does not exist.") }

    /// Adds `add` (replacing values of keys already there) and removes `remove`.
    public func changeTags(_ caller: Caller, region: String, arn: String, add: [Tag], remove: [String]) async throws {
        let resource = try taggedResource(caller, region: region, arn: arn)
        try authorize(caller, add.isEmpty ? "ses:UntagResource" : "ses:TagResource", arn)
        @Sendable func apply(_ tags: inout [Tag]) throws {
            for tag in add {
                if let index = tags.firstIndex(where: { $0.key == tag.key }) { tags[index].value = tag.value } else { tags.append(tag) }
            }
            tags.removeAll { remove.contains($0.key) }
            try Self.validate(tags: tags)
        }
        switch resource {
        case .identity(let name):
            let identity = try await existingIdentity(region: region, name: name, missing: Self.resourceMissing(arn))
            _ = try await updateSettings(region: region, identity: identity) { try apply(&$0.tags) }
        case .configurationSet(let name):
            try await store.transaction { session in
                guard var set = try await session.configurationSet(region: region, name: name) else { throw Self.resourceMissing(arn) }
                try apply(&set.options.tags)
                try await session.putConfigurationSetOptions(region: region, name: name, options: set.options)
            }
        case .dedicatedIPPool(let name):
            try await changePoolTags(region: region, name: name, arn: arn, apply)
        case .contactList(let name):
            try await store.transaction { session in
                guard var list = try await session.contactLists(region: region).first(where: { $0.name == name }) else {
                    throw Self.resourceMissing(arn)
                }
                try apply(&list.tags)
                try await session.putContactList(list)
            }
        }
    }
}
