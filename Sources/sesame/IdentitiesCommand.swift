import ArgumentParser
import Foundation
import Logging
import SesameBackend
import SesameCore
import SesameServer

struct IdentitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identities", abstract: "Work on SES identities directly in the store.",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an email address or domain as verified, e.g. once its _amazonses TXT record is published.",
            discussion: "Example: sesame identities verify example.com --region eu-west-1 --data-dir ./sesame-data")

        @Argument(help: "The email address or domain.") var identity: String
        @Option(help: "The region the identity belongs to.") var region = "us-east-1"
        @Option(help: ArgumentHelp("Sesame's data directory. [SESAME_DATA_DIR] (default: ./sesame-data)", valueName: "path"))
        var dataDir: String?
        @Option(help: ArgumentHelp("The PostgreSQL store, when Sesame uses one. [SESAME_DATABASE_URL]", valueName: "url"))
        var databaseURL: String?

        func run() async throws {
            let isEmail = identity.contains("@")
            guard isEmail ? EmailAddress.isValidAddress(identity) : EmailAddress.isValidDomain(identity) else {
                throw ValidationError("'\(identity)' is neither an email address nor a domain name.")
            }
            let region = self.region, identity = self.identity
            try await OfflineStore.with(dataDir: dataDir, databaseURL: databaseURL) { operations in
                try await operations.markVerified(
                    region: region, name: isEmail ? identity : identity.lowercased(), kind: isEmail ? .emailAddress : .domain,
                    at: Date())
            }
            print("\(identity) is verified in \(region). A running Sesame notices within two seconds.")
        }
    }
}
