import ArgumentParser
import Foundation
import SesameCore

struct SMTPPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp-password",
        abstract: "Print the SES SMTP password for a secret access key.",
        discussion: """
            Derives the password exactly as AWS does, so it matches AWS's published script and Terraform's ses_smtp_password_v4. The SMTP user name is the access key ID. A version 4 password works on every Sesame node that serves its region; a version 2 password works in every region.

            Example:
              printf '%s' "$AWS_SECRET_ACCESS_KEY" | \\
                  sesame smtp-password --secret-key-stdin --region eu-west-1
            """)

    @Flag(help: "Read the secret access key from standard input (so it never appears in the process list).")
    var secretKeyStdin = false

    @Option(help: "Region the password is for (version 4 only).")
    var region: String = "us-east-1"

    @Option(help: "4 (AWS's current, region-specific form) or 2 (the older form, valid in every region).")
    var version: Int = 4

    func run() throws {
        guard secretKeyStdin else {
            throw ValidationError(
                "Pass --secret-key-stdin and the secret on standard input; secrets on the command line leak into the process list.")
        }
        guard let passwordVersion = SMTPPassword.Version(rawValue: version) else {
            throw ValidationError("--version must be 2 or 4.")
        }
        let input = FileHandle.standardInput.readDataToEndOfFile()
        let secret = String(decoding: input, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw ValidationError("No secret access key on standard input.") }
        print(SMTPPassword.derive(secret: secret, region: region, version: passwordVersion))
    }
}
