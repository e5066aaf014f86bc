import NIOCore
import NIOPosix

/// Binds every configured listener once, and lets go, before anything starts: an address that is
/// taken stops Sesame at once with a message that names it and the option that moves it, instead
/// of a node that is half up.
enum ListenerPreflight {
    static func check(_ configuration: SesameConfiguration) async throws {
        var listeners: [(HostPort, String, String)] = [(configuration.httpAddress, "HTTP (AWS APIs and console)", "--http-address")]
        listeners += configuration.smtpAddresses.map { ($0, "SMTP (STARTTLS)", "--smtp-address") }
        listeners += configuration.smtpsAddresses.map { ($0, "SMTP (implicit TLS)", "--smtps-address") }
        listeners += configuration.inboundAddresses.map { ($0, "inbound SMTP (receipt rules)", "--inbound-address") }
        // One address given to two listeners (or twice to one) would fail only once the first is
        // up: said here, before anything starts.
        var seen: [String: (String, String)] = [:]
        for (address, what, option) in listeners where address.port != 0 {
            let key = "\(address.host.lowercased()):\(address.port)"
            if let (firstWhat, firstOption) = seen[key] {
                throw ListenerUnavailable(
                    description: "\(address) is given for \(firstWhat) (\(firstOption)) and again for \(what) (\(option)); "
                        + "each listener needs an address of its own. Choose another port for one of them.")
            }
            seen[key] = (what, option)
        }
        for (address, what, option) in listeners where address.port != 0 {
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: address.host, port: address.port).get()
                try await channel.close()
            } catch {
                throw ListenerUnavailable(
                    description: "cannot listen for \(what) on \(address): \(Self.reason(error)). "
                        + "Stop the program using that address, or choose another with \(option) HOST:PORT.")
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError, error.errnoCode == 98 { return "the address is already in use" }
        if let error = error as? IOError, error.errnoCode == 99 { return "this machine has no such address" }
        if let error = error as? IOError, error.errnoCode == 13 { return "permission denied (ports below 1024 need privileges)" }
        return String(describing: error)
    }
}

/// A configured address Sesame cannot listen on.
public struct ListenerUnavailable: Error, CustomStringConvertible {
    public var description: String
}
