import ArgumentParser
import Foundation
import SesameServer

/// The node's dedicated IP addresses (SES v2's dedicated IPs).
struct DedicatedAddressOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A local address of this host to offer as a dedicated IP (repeatable): GetDedicatedIps lists it, PutDedicatedIpInPool puts it in a pool, and in mx mode mail of a configuration set whose SendingPoolName names that pool leaves from it. [SESAME_SOURCE_ADDRESSES, comma-separated]",
            valueName: "ip"))
    var sourceAddress: [String] = []

    func apply(to configuration: inout SesameConfiguration) throws {
        var addresses = sourceAddress
        if addresses.isEmpty, let listed = Environment.value("SESAME_SOURCE_ADDRESSES") {
            addresses = listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        for address in addresses {
            var v4 = in_addr(), v6 = in6_addr()
            guard inet_pton(AF_INET, address, &v4) == 1 || inet_pton(AF_INET6, address, &v6) == 1 else {
                throw ValidationError("--source-address must be an IPv4 or IPv6 address of this host (got '\(address)').")
            }
        }
        configuration.sourceAddresses = addresses
    }
}
