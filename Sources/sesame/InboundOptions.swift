import ArgumentParser
import SesameServer

/// SES receiving: the inbound (MX) listeners.
struct InboundOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Inbound SMTP listener for SES receiving (SES's MX is port 25), off unless given; repeatable. It takes mail, without AUTH, for recipients a verified identity's active receipt rule set has a rule for, and answers 550 for the others. [SESAME_INBOUND_ADDRESS]",
            valueName: "host:port"))
    var inboundAddress: [String] = []

    func apply(to configuration: inout SesameConfiguration) throws {
        let given = inboundAddress.isEmpty ? Environment.list("SESAME_INBOUND_ADDRESS") ?? [] : inboundAddress
        configuration.inboundAddresses = try given.map { text in
            guard let parsed = HostPort(text) else {
                throw ValidationError("--inbound-address must look like HOST:PORT, e.g. 0.0.0.0:25 (got '\(text)').")
            }
            return parsed
        }
    }
}
