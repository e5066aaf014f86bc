import ArgumentParser
import Foundation
import Logging
import SesameBackend
import SesameCore
import SesameServer

struct AuthFailuresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth-failures",
        abstract: "List refused SMTP logins and why each was refused.",
        discussion: """
            A mailer that logs in wrongly only ever hears "535 Authentication Credentials Invalid". Sesame records each refused login with its diagnosis: the IAM user name used instead of the access key ID, the secret access key pasted instead of the SMTP password, a version 4 password made for a region this node does not serve, an inactive or deleted key, or a plain wrong password. Newest first; kept for 30 days.

            Example:  sesame auth-failures --data-dir ./sesame-data --user ses-smtp-user.20261123-101500
            """)

    @Option(help: "Only failures about this IAM user.") var user: String?
    @Option(help: "At most this many lines.") var limit = 50
    @Flag(help: "Print JSON lines instead of a table.") var json = false
    @Option(help: ArgumentHelp("Sesame's data directory. [SESAME_DATA_DIR] (default: ./sesame-data)", valueName: "path"))
    var dataDir: String?
    @Option(help: ArgumentHelp("The PostgreSQL store, when Sesame uses one. [SESAME_DATABASE_URL]", valueName: "url"))
    var databaseURL: String?

    func run() async throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        let user = self.user, limit = self.limit
        let failures = try await OfflineStore.with(dataDir: dataDir, databaseURL: databaseURL) {
            try await $0.capturedMail.authFailures(userName: user, limit: limit)
        }
        if json {
            for failure in failures {
                var object: [String: String] = [
                    "time": Timestamp.iso8601(failure.time), "source": failure.sourceAddress, "username": failure.username,
                    "diagnosis": failure.diagnosis.rawValue, "explanation": failure.explanation,
                ]
                object["accessKeyId"] = failure.accessKeyID
                object["userName"] = failure.userName
                object["detail"] = failure.detail
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        if failures.isEmpty {
            print("No refused SMTP logins recorded\(user.map { " for \($0)" } ?? "").")
            return
        }
        for failure in failures {
            let who = [failure.accessKeyID, failure.userName.map { "user \($0)" }].compactMap { $0 }.joined(separator: ", ")
            print(
                "\(Timestamp.iso8601(failure.time))  from \(failure.sourceAddress)  as \(failure.username)\(who.isEmpty ? "" : "  (\(who))")"
            )
            print("    \(failure.diagnosis.rawValue): \(failure.explanation)")
        }
    }
}
