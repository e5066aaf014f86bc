import ArgumentParser
import Logging
import SesameCore
import SesameServer

/// Running Sesame as a service: who may scrape metrics, and the log format.
struct OperationsOptions: ParsableArguments {
    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(
        help: ArgumentHelp(
            "An address or CIDR range (10.0.0.0/8, fd00::/8) allowed to scrape GET /metrics besides this host's loopback; repeatable. Others get 403. [SESAME_METRICS_ALLOW, comma-separated]",
            valueName: "cidr"))
    var metricsAllow: [String] = []

    @Flag(
        inversion: .prefixedNo,
        help: "Keep metrics and serve GET /metrics (the default); --no-metrics turns both off, as benchmarks do to measure what metrics cost. [SESAME_METRICS=0 turns them off]"
    )
    var metrics = true

    var metricsOn: Bool { metrics && Environment.value("SESAME_METRICS") != "0" }

    @Option(
        help: ArgumentHelp(
            "text (readable lines, the default) or json (one JSON object per line with time, level, message and fields such as request id, operation, principal and message id). [SESAME_LOG_FORMAT]",
            valueName: "format"))
    var logFormat: String?

    func apply(to configuration: inout SesameConfiguration) throws {
        let ranges = metricsAllow.isEmpty ? Environment.list("SESAME_METRICS_ALLOW") ?? [] : metricsAllow
        do {
            configuration.metricsAllowed = try AddressAllowList(ranges, option: "--metrics-allow")
        } catch {
            throw ValidationError(error.message)
        }
        _ = try format()
    }

    func format() throws -> LogFormat {
        let text = logFormat ?? Environment.value("SESAME_LOG_FORMAT") ?? "text"
        guard let format = LogFormat(rawValue: text) else {
            throw ValidationError("--log-format must be text or json (got '\(text)').")
        }
        return format
    }

    /// Sends every logger's lines to standard error in the chosen format.
    func bootstrapLogging(level: Logger.Level) throws {
        let format = try format()
        LoggingSystem.bootstrap { label in
            switch format {
            case .json: return JSONLogHandler(label: label, level: level)
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
