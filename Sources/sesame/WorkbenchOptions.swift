import ArgumentParser
import SesameServer

/// The captured-mail workbench: where its Mailpit-compatible API lives.
struct WorkbenchOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The path under which the Mailpit-compatible API of captured mail is served, as Mailpit's --webroot: its /api/v1/… and /view/… paths are served below it, so a test suite written for Mailpit uses http://HOST:PORT/PATH as its base URL. [SESAME_MAILPIT_ROOT] (default: /, so /api/v1/messages)",
            valueName: "path"))
    var mailpitRoot: String?

    func apply(to configuration: inout SesameConfiguration) throws {
        if let text = mailpitRoot ?? Environment.value("SESAME_MAILPIT_ROOT") {
            guard text.hasPrefix("/"), !text.contains("?"), !text.contains("#"), !text.contains("{"), !text.contains("*"),
                !text.contains("//")
            else {
                throw ValidationError("--mailpit-root must be a path such as / or /mailpit (got '\(text)').")
            }
            configuration.mailpitRoot = text.hasSuffix("/") ? text : text + "/"
        }
    }
}
