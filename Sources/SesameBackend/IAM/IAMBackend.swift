import Foundation
import Logging
public import SesameCore
public import SesameStorage

/// IAM as AWS defines it: users, access keys, console passwords, inline and managed policies.
/// Every operation authorizes its caller first, then runs in one store transaction.
public struct IAMBackend: Sendable {
    public let store: any Store
    public let secrets: SecretBox
    public let credentials: CredentialResolver
    public let clock: any WallClock
    /// bcrypt cost for console passwords.
    public var passwordCost: UInt8 = 10

    public init(store: any Store, secrets: SecretBox, credentials: CredentialResolver, clock: any WallClock = SystemWallClock()) {
        self.store = store
        self.secrets = secrets
        self.credentials = credentials
        self.clock = clock
    }

    static let accessKeysPerUser = 2
    static let managedPoliciesPerUser = 10
    static let tagsPerUser = 50

    /// Runs a write and clears the credential cache, so the change takes effect at once.
    func write<R: Sendable>(_ body: @escaping @Sendable (any StoreSession) async throws -> R) async throws -> R {
        defer { credentials.invalidate() }
        do {
            return try await store.write(body)
        } catch let conflict as StoreConflict {
            throw SesameError(.entityAlreadyExists, "The request conflicts with a concurrent change; retry it.", reason: conflict.detail)
        }
    }

    // MARK: Lookups shared by the operations

    static func noSuchUser(_ name: String) -> SesameError {
        SesameError(.noSuchEntity, "The user with name \(name) cannot be found.")
    }

    static func requireUser(_ name: String, in session: any StoreSession) async throws -> IAMUser {
        try IAMValidation.userName(name)
        guard let user = try await session.user(named: name) else { throw noSuchUser(name) }
        return user
    }

    /// The user an operation with an optional `UserName` applies to: the named one, or the caller.
    enum Target: Sendable {
        case root(accountID: String)
        case user(IAMUser)

        var arn: String {
            switch self {
            case .root(let account): ARN.root(account: account)
            case .user(let user): user.arn
            }
        }
        var userID: String? {
            if case .user(let user) = self { return user.id }
            return nil
        }
        var userName: String? {
            if case .user(let user) = self { return user.name }
            return nil
        }
    }

    static func target(_ name: String?, caller: Caller, in session: any StoreSession) async throws -> Target {
        if let name { return .user(try await requireUser(name, in: session)) }
        switch caller.principal {
        case .root(let account): return .root(accountID: account)
        case .user(let user):
            guard let current = try await session.user(id: user.id) else { throw noSuchUser(user.name) }
            return .user(current)
        case .assumedRole, .federatedUser, .anonymous:
            throw SesameError(.validation, "Must specify userName when calling with non-User credentials")
        }
    }

    /// The ARN an action on a not-yet-existing user is authorized against.
    func userARN(_ caller: Caller, path: String = "/", name: String) -> String {
        ARN.user(account: caller.accountID, path: path, name: name)
    }

    // MARK: Paging

    /// Opaque markers are the base64 of the last item's sort key.
    static func encodeMarker(_ key: String) -> String { Data(key.utf8).base64EncodedString() }

    static func decodeMarker(_ marker: String?) throws(SesameError) -> String? {
        guard let marker else { return nil }
        guard let data = Data(base64Encoded: marker) else {
            throw SesameError(.validation, "Invalid Marker.")
        }
        return String(decoding: data, as: UTF8.self)
    }

    public struct Page<Item: Sendable>: Sendable {
        public var items: [Item]
        public var isTruncated: Bool
        public var marker: String?
    }

    static func page<Item>(_ all: [Item], maxItems: Int, key: (Item) -> String) -> Page<Item> {
        if all.count > maxItems {
            let items = Array(all.prefix(maxItems))
            return Page(items: items, isTruncated: true, marker: encodeMarker(key(items[items.count - 1])))
        }
        return Page(items: all, isTruncated: false, marker: nil)
    }

    /// IAM reports dates in whole seconds; so does the store's copy.
    func now() -> Date { Date(timeIntervalSince1970: clock.now().timeIntervalSince1970.rounded(.down)) }

    func hashPassword(_ password: String) async -> String { await PasswordHashing.hash(password, cost: passwordCost) }
}
