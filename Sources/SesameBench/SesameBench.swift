import ArgumentParser

@main
struct SesameBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sesame-bench",
        abstract: "Measures Sesame: request verification in-process, signed requests over HTTP, SMTP sessions, SQS round trips.",
        discussion: "scripts/bench runs both against Sesame and moto side by side and prints the figures.",
        subcommands: [VerifyBench.self, HTTPBench.self, SMTPBench.self, WireBench.self, SQSBench.self])
}
