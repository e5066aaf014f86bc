import Foundation
public import SesameCore
import SesameStorage

/// A configuration set's options: read whole, and changed one group at a time (SES v1's
/// `UpdateConfigurationSet*`/`PutConfigurationSetDeliveryOptions`, v2's `PutConfigurationSet*`).
extension SESBackend {
    static func configurationSetMissing(_ name: String, v2: Bool) -> SesameError {
        v2
            ? SesameError(.notFound, "Configuration set \(name) does not exist.")
            : SesameError(.configurationSetDoesNotExist, "Configuration set <\(name)> does not exist.")
    }

    public func configurationSet(_ caller: Caller, region: String, name: String, action: String, v2: Bool) async throws -> ConfigurationSet
    {
        try authorize(caller, action, "*")
        guard let found = try await store.read({ try await $0.configurationSet(region: region, name: name) }) else {
            throw Self.configurationSetMissing(name, v2: v2)
        }
        return found
    }

    /// Creates a set with its options (v2's `CreateConfigurationSet` takes them all at once).
    public func createConfigurationSet(
        _ caller: Caller, region: String, name: String, options: ConfigurationSetOptions, v2: Bool
    ) async throws {
        try Self.validateName(name, of: "Configuration set")
        try Self.validate(options)
        try authorize(caller, "ses:CreateConfigurationSet", "*")
        let now = clock.now()
        let created = try await store.transaction { session in
            guard try await session.insertConfigurationSet(region: region, name: name, at: now) else { return false }
            try await session.putConfigurationSetOptions(region: region, name: name, options: options)
            return true
        }
        sendingState.invalidate(region)
        if !created {
            throw v2
                ? SesameError(.alreadyExists, "Configuration set \(name) already exists.")
                : SesameError(.configurationSetAlreadyExists, "Configuration set <\(name)> already exists.")
        }
    }

    /// Changes a set's options with `change`, in one transaction.
    public func updateConfigurationSetOptions(
        _ caller: Caller, region: String, name: String, action: String, v2: Bool,
        _ change: @escaping @Sendable (inout ConfigurationSetOptions) throws -> Void
    ) async throws {
        try authorize(caller, action, "*")
        try await store.transaction { session in
            guard var set = try await session.configurationSet(region: region, name: name) else {
                throw Self.configurationSetMissing(name, v2: v2)
            }
            try change(&set.options)
            try Self.validate(set.options)
            try await session.putConfigurationSetOptions(region: region, name: name, options: set.options)
        }
        sendingState.invalidate(region)
    }

    /// What a message's configuration set asks of its delivery: how long it may wait
    /// (`MaxDeliverySeconds`; nil: the node's own limit), and whether it may travel only over TLS
    /// (`TlsPolicy: REQUIRE`), and the dedicated IP pool it leaves from (`SendingPoolName`).
    public func deliveryOptions(
        region: String, configurationSet: String?
    ) async -> (maxSeconds: Int?, requireTLS: Bool, sendingPool: String?) {
        guard let configurationSet, let state = try? await sendingState.state(region),
            let options = state.configurationSets[configurationSet]
        else { return (nil, false, nil) }
        return (options.maxDeliverySeconds, options.tlsPolicy == .require, options.sendingPoolName)
    }

    /// SES's limits on the options (the model checks the enums).
    static func validate(_ options: ConfigurationSetOptions) throws(SesameError) {
        if let seconds = options.maxDeliverySeconds, !(300...50_400).contains(seconds) {
            throw SesameError(.invalidParameterValue, "MaxDeliverySeconds must be between 300 and 50400 seconds.")
        }
        if let domain = options.tracking?.customRedirectDomain, !domain.isEmpty {
            _ = try domainName(domain)
        }
        for reason in options.suppressedReasons ?? [] where reason != "BOUNCE" && reason != "COMPLAINT" {
            throw SesameError(.invalidParameterValue, "Suppression reason \(reason) is not BOUNCE or COMPLAINT.")
        }
        try validate(tags: options.tags)
    }

    /// SES v2's tag rules: at most 50, keys 1–128 characters and not starting with `aws:`,
    /// values at most 256, keys unique.
    static func validate(tags: [Tag]) throws(SesameError) {
        if tags.count > 50 { throw SesameError(.invalidParameterValue, "Too many tags: a resource can have at most 50.") }
        var keys = Set<String>()
        for tag in tags {
            if tag.key.isEmpty || tag.key.count > 128 || tag.key.lowercased().hasPrefix("aws:") || tag.value.count > 256 {
                throw SesameError(.invalidParameterValue, "Invalid tag: \(tag.key).")
            }
            if !keys.insert(tag.key).inserted { throw SesameError(.invalidParameterValue, "Duplicate tag key: \(tag.key).") }
        }
    }
}
