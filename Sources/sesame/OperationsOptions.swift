import ArgumentParser
import Foundation
import Logging
import SesameBackend
import SesameCore
import SesameServer

/// Running Sesame as a service: who may scrape metrics, the log format, how long idle HTTP
/// connections stay open, and how long the store keeps things.
struct OperationsOptions: ParsableArguments {
    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(
        help: ArgumentHelp(
            "An address or CIDR range (10.0.0.0/8, fd00::/8) allowed to scrape GET /metrics besides this host's loopback; repeatable. Others get 403. [SESAME_METRICS_ALLOW, comma-separated]",
            valueName: "cidr"))
    var metricsAllow: [String] = []

    @Option(
        help: ArgumentHelp(
            "A reverse proxy (an address or CIDR range) in front of the HTTP listener whose X-Forwarded-For header names the client, for policies' aws:SourceIp, console sign-in throttling, link tracking, captured mail's loopback rule and --metrics-allow; repeatable. From any other peer the header is ignored. [SESAME_TRUSTED_PROXY, comma-separated] (default: none)",
            valueName: "cidr"))
    var trustedProxy: [String] = []

    @Option(
        help: ArgumentHelp(
            "This node's name in metrics (sesame_node_info), log lines (node), the console and `sesame nodes`; unique among the nodes of one store. [SESAME_NODE_NAME] (default: the host name)",
            valueName: "name"))
    var nodeName: String?

    @Option(
        help: ArgumentHelp(
            "Seconds an HTTP connection may stay silent (before its first request, between requests, or with a body never sent) before it is closed. Mailpit's WebSocket event stream is kept alive by pings instead. [SESAME_HTTP_IDLE_TIMEOUT] (default: 60)",
            valueName: "seconds"))
    var httpIdleTimeout: Double?

    @Option(
        help: ArgumentHelp(
            "Seconds a stop (SIGTERM, SIGINT) may take: listeners close, sessions and background work finish, the store closes. Whatever still waits then (on a PostgreSQL that went away, say) is cancelled, so the node always stops; acknowledged mail is stored already. [SESAME_SHUTDOWN_TIMEOUT] (default: 30)",
            valueName: "seconds"))
    var shutdownTimeout: Double?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Keep metrics and serve GET /metrics (the default); --no-metrics turns both off, as benchmarks do to measure what metrics cost. [SESAME_METRICS=0 turns them off]"
    )
    var metrics = true

    var metricsOn: Bool { metrics && Environment.value("SESAME_METRICS") != "0" }

    @Option(
        help: ArgumentHelp(
            "text (readable lines, the default) or json (one JSON object per line with time, level, message and fields such as request id, operation, principal and message id). [SESAME_LOG_FORMAT]",
            valueName: "format"))
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "Days to keep messages (their content included) once every recipient is done: delivered, bounced, or captured; received mail whose actions have run goes with them. Fractions allowed. [SESAME_RETAIN_MESSAGES] (default: keep)",
            valueName: "days"))
    var retainMessages: Double?

    @Option(
        help: ArgumentHelp(
            "Days to keep delivery events (what message details, insights and event history show). The suppression list is never pruned: as in SES, an address stays until removed. [SESAME_RETAIN_EVENTS] (default: keep)",
            valueName: "days"))
    var retainEvents: Double?

    @Option(
        help: ArgumentHelp(
            "Days to keep suppression-list entries after they were last added or changed. By default they are kept until removed, as in SES. [SESAME_RETAIN_SUPPRESSION] (default: keep)",
            valueName: "days"))
    var retainSuppression: Double?

    @Option(
        help: ArgumentHelp(
            "How often a node prunes by the retention settings, in small batches. [SESAME_RETENTION_INTERVAL] (default: 600)",
            valueName: "seconds"))
    var retentionInterval: Double?

    func apply(to configuration: inout SesameConfiguration) throws {
        if let name = nodeName ?? Environment.value("SESAME_NODE_NAME") {
            guard !name.isEmpty, name.count <= 100, name.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) else {
                throw ValidationError("--node-name must be 1 to 100 printable ASCII characters without spaces (got '\(name)').")
            }
            configuration.nodeName = name
        }
        func days(_ value: Double?, _ variable: String, _ option: String) throws -> TimeInterval? {
            guard let given = value ?? Environment.value(variable).flatMap({ Double($0) }) else { return nil }
            guard given >= 0 else { throw ValidationError("\(option) must be 0 or more days (got \(given)).") }
            return given * 86_400
        }
        configuration.retention.messages = try days(retainMessages, "SESAME_RETAIN_MESSAGES", "--retain-messages")
        configuration.retention.events = try days(retainEvents, "SESAME_RETAIN_EVENTS", "--retain-events")
        configuration.retention.suppression = try days(retainSuppression, "SESAME_RETAIN_SUPPRESSION", "--retain-suppression")
        /// A duration option in seconds (fractions allowed, at least 0.1), or its variable.
        func duration(_ value: Double?, _ variable: String, _ option: String) throws -> Duration? {
            guard let seconds = value ?? Environment.value(variable).flatMap({ Double($0) }) else { return nil }
            guard seconds >= 0.1 else { throw ValidationError("\(option) must be at least 0.1 seconds (got \(seconds)).") }
            return .milliseconds(Int64(seconds * 1000))
        }
        if let interval = try duration(retentionInterval, "SESAME_RETENTION_INTERVAL", "--retention-interval") {
            configuration.retention.interval = interval
        }
        if let idle = try duration(httpIdleTimeout, "SESAME_HTTP_IDLE_TIMEOUT", "--http-idle-timeout") {
            configuration.httpIdleTimeout = idle
        }
        if let stop = try duration(shutdownTimeout, "SESAME_SHUTDOWN_TIMEOUT", "--shutdown-timeout") {
            configuration.shutdownTimeout = stop
        }
        let ranges = metricsAllow.isEmpty ? Environment.list("SESAME_METRICS_ALLOW") ?? [] : metricsAllow
        let proxies = trustedProxy.isEmpty ? Environment.list("SESAME_TRUSTED_PROXY") ?? [] : trustedProxy
        do {
            configuration.metricsAllowed = try AddressAllowList(ranges, option: "--metrics-allow")
            if !proxies.isEmpty { configuration.trustedProxies = try AddressAllowList(proxies, option: "--trusted-proxy", loopback: false) }
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

    /// Sends every logger's lines to standard error in the chosen format, each with the node's name.
    func bootstrapLogging(level: Logger.Level, node: String) throws {
        let format = try format()
        let provider = Logger.MetadataProvider { ["node": .string(node)] }
        LoggingSystem.bootstrap(
            { label, provider in
                switch format {
                case .json:
                    var handler = JSONLogHandler(label: label, level: level)
                    handler.metadataProvider = provider
                    return handler
                case .text:
                    var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                }
            }, metadataProvider: provider)
    }
}
