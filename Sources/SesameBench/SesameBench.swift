import ArgumentParser

@main
struct SesameBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sesame-bench",
        abstract: "Measures Sesame: request verification in-process, and signed requests over HTTP.",
        discussion: "scripts/bench runs both against Sesame and moto side by side and prints the figures.",
        subcommands: [VerifyBench.self, HTTPBench.self])
}
