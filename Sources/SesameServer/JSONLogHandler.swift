public import Foundation
public import Logging
import SesameConcurrency

/// `--log-format json`: one JSON object per line on standard error, for log shippers. Each line
/// has `time` (ISO 8601, UTC, milliseconds), `level`, `logger`, `message`, and the metadata
/// (request id, operation, principal, message id, outcome, …) as fields of their own. Lines are
/// written whole, one at a time.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    let label: String

    static let output = Locked(FileHandle.standardError)

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        Self.output.withLock { $0.write(Data(Self.line(event, label: label, metadata: merged(event)).utf8)) }
    }

    func merged(_ event: LogEvent) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let own = event.metadata { all.merge(own) { _, new in new } }
        return all
    }

    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata, at date: Date = Date()) -> String {
        var object: [String: Any] = [:]
        for (key, value) in metadata { object[key] = json(value) }
        object["time"] = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["message"] = event.message.description
        if let error = event.error { object["error"] = "\(error)" }
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
