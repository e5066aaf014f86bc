public import Foundation
public import SesameCore
import SesameStorage

/// Who uses a managed policy (`ListEntitiesForPolicy`), and the tags of customer managed
/// policies and roles.
extension IAMBackend {
    public enum PolicyEntity: Sendable, Equatable {
        case user(name: String, id: String)
        case group(name: String, id: String)
        case role(name: String, id: String)

        var sortKey: String {
            switch self {
            case .group(let name, _): "1" + name.lowercased()
            case .user(let name, _): "2" + name.lowercased()
            case .role(let name, _): "3" + name.lowercased()
            }
        }
    }

    /// `ListEntitiesForPolicy`: groups, users and roles the policy is attached to; `filter` is
    /// IAM's `EntityFilter` (`User`, `Group`, `Role`; the policy kinds match nothing here).
    public func listEntitiesForPolicy(
        _ caller: Caller, policyARN: String, filter: String?, pathPrefix: String?, marker: String?, maxItems: Int?
    ) async throws -> Page<PolicyEntity> {
        try Self.validatePolicyARN(policyARN)
        try Authorizer.authorize(caller, action: "iam:ListEntitiesForPolicy", resource: policyARN)
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let prefix = pathPrefix ?? "/"
        let entities = try await store.read { session in
            guard try await Self.managedPolicy(policyARN, in: session) != nil else { throw Self.noSuchPolicy(policyARN) }
            let found = try await session.entities(attachedTo: policyARN)
            var out: [PolicyEntity] = []
            if filter == nil || filter == "Group" {
                out += found.groups.filter { $0.path.hasPrefix(prefix) }.map { .group(name: $0.name, id: $0.id) }
            }
            if filter == nil || filter == "User" {
                out += found.users.filter { $0.path.hasPrefix(prefix) }.map { .user(name: $0.name, id: $0.id) }
            }
            if filter == nil || filter == "Role" {
                out += found.roles.filter { $0.path.hasPrefix(prefix) }.map { .role(name: $0.name, id: $0.id) }
            }
            return out
        }
        let remaining = after.map { m in entities.filter { $0.sortKey > m } } ?? entities
        return Self.page(remaining, maxItems: limit) { $0.sortKey }
    }

    // MARK: Tags of policies and roles

    /// The entity a tag operation names: a customer managed policy by ARN or a role by name.
    public enum TaggedEntity: Sendable {
        case policy(arn: String)
        case role(name: String)
        case oidcProvider(arn: String)
    }

    func resolve(_ entity: TaggedEntity, caller: Caller, action: String, in session: any StoreSession) async throws -> String {
        switch entity {
        case .policy(let arn):
            try Self.validatePolicyARN(arn)
            return try await Self.requireCustomerPolicy(arn, caller: caller, action: action, in: session).id
        case .role(let name):
            let role = try await Self.requireRole(name, in: session)
            try Authorizer.authorize(caller, action: action, resource: role.arn)
            return role.id
        case .oidcProvider(let arn):
            return try await Self.requireProvider(arn, caller: caller, action: action, in: session).arn
        }
    }

    public func tag(_ caller: Caller, _ entity: TaggedEntity, action: String, tags: [Tag]) async throws {
        try Self.validateTags(tags)
        try await write { session in
            let id = try await resolve(entity, caller: caller, action: action, in: session)
            let existing = Set(try await session.entityTags(id).map(\.key))
            if existing.union(tags.map(\.key)).count > Self.tagsPerUser {
                throw SesameError(.limitExceeded, "The number of tags has reached the maximum limit.")
            }
            try await session.putEntityTags(id, tags)
        }
    }

    public func untag(_ caller: Caller, _ entity: TaggedEntity, action: String, keys: [String]) async throws {
        for key in keys { try IAMValidation.tagKey(key) }
        try await write { session in
            let id = try await resolve(entity, caller: caller, action: action, in: session)
            try await session.removeEntityTags(id, keys: keys)
        }
    }

    public func listTags(
        _ caller: Caller, _ entity: TaggedEntity, action: String, marker: String?, maxItems: Int?
    ) async throws -> Page<Tag> {
        let limit = try IAMValidation.maxItems(maxItems)
        let after = try Self.decodeMarker(marker)
        let tags = try await store.read { session in
            let id = try await resolve(entity, caller: caller, action: action, in: session)
            return try await session.entityTags(id)
        }
        let remaining = after.map { key in Array(tags.drop { $0.key != key }.dropFirst()) } ?? tags
        return Self.page(remaining, maxItems: limit) { $0.key }
    }
}
