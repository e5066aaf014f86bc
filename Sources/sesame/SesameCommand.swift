import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
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
        subcommands: [
            Serve.self, SMTPPasswordCommand.self, AuthFailuresCommand.self, IdentitiesCommand.self, QueueCommand.self, StoreCommand.self,
            BackupCommand.self, RestoreCommand.self, NodesCommand.self,
        ],
        defaultSubcommand: nil)

    static func main() async {
        // Run Swift concurrency on NIO's event-loop threads, so a request does not hop between
        // the event loop and a separate executor thread pool (measurably fewer context
        // switches). This runs first, on the main thread, before any other asynchronous work.
        if ProcessInfo.processInfo.environment["SESAME_NIO_EXECUTOR"] != "0" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        await Self.main(nil)
    }
}
