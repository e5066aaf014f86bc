import ArgumentParser
import SesameBackend
import SesameServer

/// SES receiving: the inbound (MX) listeners.
struct InboundOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Inbound SMTP listener for SES receiving (SES's MX is port 25), off unless given; repeatable. It takes mail, without AUTH, for recipients a verified identity's active receipt rule set has a rule for, and answers 550 for the others. [SESAME_INBOUND_ADDRESS]",
            valueName: "host:port"))
    var inboundAddress: [String] = []

    @Option(
        help: ArgumentHelp(
            "Points of Sesame's spam score at which received mail gets spamVerdict FAIL (GRAY from half of it). The score is not a content filter: SPF fail 3, softfail 1, a failing DKIM signature 2, DMARC fail 3, no From 2, no Date 1, no Message-ID 1, a subject in capitals 1, and the GTUBE test string 1000. [SESAME_INBOUND_SPAM_THRESHOLD] (default: 5)",
            valueName: "points"))
    var inboundSpamThreshold: Int?

    @Option(
        help: ArgumentHelp(
            "How long a node holds a received message while it runs the message's receipt rule actions; another node (or this one after a restart) takes it over after that. [SESAME_INBOUND_LEASE] (default: 60)",
            valueName: "seconds"))
    var inboundLease: Double?

    func apply(to configuration: inout SesameConfiguration) throws {
        let given = inboundAddress.isEmpty ? Environment.list("SESAME_INBOUND_ADDRESS") ?? [] : inboundAddress
        configuration.inboundAddresses = try given.map { text in
            guard let parsed = HostPort(text) else {
                throw ValidationError("--inbound-address must look like HOST:PORT, e.g. 0.0.0.0:25 (got '\(text)').")
            }
            return parsed
        }
        if let points = inboundSpamThreshold ?? Environment.value("SESAME_INBOUND_SPAM_THRESHOLD").flatMap({ Int($0) }) {
            guard points > 0 else { throw ValidationError("--inbound-spam-threshold must be at least 1 (got \(points)).") }
            configuration.inboundSpamThreshold = points
        }
        if let seconds = inboundLease ?? Environment.value("SESAME_INBOUND_LEASE").flatMap({ Double($0) }) {
            guard seconds >= 1 else { throw ValidationError("--inbound-lease must be at least 1 second (got \(seconds)).") }
            configuration.receipt.lease = seconds
        }
    }
}
