import ArgumentParser
import Foundation
import Logging
import SesameBackend
import SesameCore
import SesameServer

@main
struct SesameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sesame",
        abstract: "A self-hosted email sending service that speaks Amazon SES.",
        discussion: """
            Point boto3, the aws CLI or any AWS SDK at Sesame by changing only the endpoint URL.
            Start with `sesame serve`; `sesame serve --help` explains every option.
            """,
        version: SesameVersion.current,
        subcommands: [Serve.self, SMTPPasswordCommand.self],
        defaultSubcommand: nil)
}
