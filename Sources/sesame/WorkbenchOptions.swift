import ArgumentParser
import Foundation
import SesameCore
import SesameDelivery
import SesameServer

/// The captured-mail workbench: where its Mailpit-compatible API lives.
struct WorkbenchOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The path under which the Mailpit-compatible API of captured mail is served, as Mailpit's --webroot: its /api/v1/… and /view/… paths are served below it, so a test suite written for Mailpit uses http://HOST:PORT/PATH as its base URL. [SESAME_MAILPIT_ROOT] (default: /, so /api/v1/messages)",
            valueName: "path"))
    var mailpitRoot: String?

    @Option(
        help: ArgumentHelp(
            "Lets the console and the Mailpit API release a captured message to real recipients through this SMTP relay: smtp://[user:password@]host:port (STARTTLS), smtps://host:465, ?tls=none for a local test relay. [SESAME_RELEASE_RELAY] (default: release is off)",
            valueName: "url"))
    var releaseRelay: String?

    @Option(
        help: ArgumentHelp(
            "Who released mail may go to: an address, @domain, or * for anyone; repeatable. [SESAME_RELEASE_ALLOW, comma-separated] (default: *)",
            valueName: "recipient"))
    var releaseAllow: [String] = []

    func apply(to configuration: inout SesameConfiguration) throws {
        if let text = mailpitRoot ?? Environment.value("SESAME_MAILPIT_ROOT") {
            guard text.hasPrefix("/"), !text.contains("?"), !text.contains("#"), !text.contains("{"), !text.contains("*"),
                !text.contains("//")
            else {
                throw ValidationError("--mailpit-root must be a path such as / or /mailpit (got '\(text)').")
            }
            configuration.mailpitRoot = text.hasSuffix("/") ? text : text + "/"
        }
        if let url = releaseRelay ?? Environment.value("SESAME_RELEASE_RELAY") {
            do { _ = try RelayTransport.Settings.parse(url) } catch {
                throw ValidationError(error.description.replacingOccurrences(of: "--relay-url", with: "--release-relay"))
            }
            configuration.releaseRelay = url
        }
        let allowed = releaseAllow.isEmpty ? (Environment.list("SESAME_RELEASE_ALLOW") ?? []) : releaseAllow
        for entry in allowed where entry != "*" && !EmailAddress.isValidAddress(entry.hasPrefix("@") ? "x" + entry : entry) {
            throw ValidationError("--release-allow takes an address, @domain or * (got '\(entry)').")
        }
        if !allowed.isEmpty { configuration.releaseAllowed = allowed }
    }
}
