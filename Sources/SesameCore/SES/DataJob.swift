public import Foundation

/// SES v2's import and export jobs: an import reads addresses from a CSV or JSON file into the
/// suppression list or a contact list; an export writes sending metrics or message insights to
/// one. The file is named by an `s3://BUCKET/KEY` URL, which the node resolves to its S3-compatible
/// endpoint or its local directory.
public struct DataJob: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case importJob = "IMPORT", exportJob = "EXPORT" }
    public enum Status: String, Sendable, Codable {
        case created = "CREATED", processing = "PROCESSING", completed = "COMPLETED", failed = "FAILED", cancelled = "CANCELLED"
    }

    public var id: String
    public var region: String
    public var kind: Kind
    public var status: Status
    /// `CSV` or `JSON` (one JSON object per line).
    public var format: String
    public var s3URL: String
    public var createdAt: Date
    public var completedAt: Date?
    /// Records read (import) or considered (export).
    public var processed = 0
    /// Records that failed (import) or were written (export).
    public var failed = 0
    public var exported = 0
    public var failureMessage: String?

    // Imports: `SUPPRESSION_LIST` (PUT or DELETE) or `CONTACT_LIST` (with its name).
    public var importDestination: String?
    public var importAction: String?
    public var contactList: String?

    // Exports: `METRICS_DATA` or `MESSAGE_INSIGHTS`, over a date range.
    public var exportSource: String?
    public var startDate: Date?
    public var endDate: Date?
    public var namespace: String?
    public var metrics: [ExportMetric]?
    public var dimensions: [String: [String]]?
    public var include: [String: [String]]?
    public var exclude: [String: [String]]?
    public var maxResults: Int?

    public struct ExportMetric: Sendable, Codable, Equatable {
        public var name: String
        /// `VOLUME` (counts) or `RATE` (the share of sends).
        public var aggregation: String
        public init(name: String, aggregation: String) {
            self.name = name
            self.aggregation = aggregation
        }
    }

    public init(id: String, region: String, kind: Kind, format: String, s3URL: String, createdAt: Date) {
        self.id = id
        self.region = region
        self.kind = kind
        self.status = .created
        self.format = format
        self.s3URL = s3URL
        self.createdAt = createdAt
    }

    /// `s3://BUCKET/KEY` → (bucket, key), or nil.
    public static func location(_ url: String) -> (bucket: String, key: String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash]), key = String(rest[rest.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty, !key.split(separator: "/").contains("..") else { return nil }
        return (bucket, key)
    }

    public var storedJSON: String {
        guard let data = try? StoredDocument.encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    public static func stored(_ json: String) -> DataJob? {
        try? StoredDocument.decoder.decode(DataJob.self, from: Data(json.utf8))
    }
}

/// The records of import files and the rows of export files.
public enum DataFile {
    /// One record: its fields by name.
    public typealias Record = [String: String]

    /// The records of a CSV file (RFC 4180: quoted fields, doubled quotes; the first row names
    /// the columns when `header` is nil and its first cell is `emailAddress`, else `columns`
    /// names them) or of a JSON Lines file (one object per line; nested values as JSON text).
    public static func records(_ bytes: [UInt8], format: String, columns: [String]) throws(SesameError) -> [Record] {
        let text = String(decoding: bytes, as: UTF8.self)
        if format == "JSON" {
            var out: [Record] = []
            for line in text.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw SesameError(.invalidParameterValue, "Line \(out.count + 1) of the file is not a JSON object.")
                }
                var record: Record = [:]
                for (key, value) in object {
                    if let string = value as? String {
                        record[key] = string
                    } else if let number = value as? NSNumber {
                        // Booleans read back as 1 and 0 on some platforms: readers accept both spellings.
                        record[key] = number.stringValue
                    } else if JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value) {
                        record[key] = String(decoding: data, as: UTF8.self)
                    }
                }
                out.append(record)
            }
            return out
        }
        var rows = csvRows(text)
        var names = columns
        if let first = rows.first, first.first?.trimmingCharacters(in: .whitespaces) == "emailAddress" {
            names = first.map { $0.trimmingCharacters(in: .whitespaces) }
            rows.removeFirst()
        }
        return rows.filter { !($0.count == 1 && $0[0].isEmpty) }.map { row in
            var record: Record = [:]
            for (index, value) in row.enumerated() where index < names.count && !value.isEmpty { record[names[index]] = value }
            return record
        }
    }

    static func csvRows(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, afterQuote = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; afterQuote = true; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote: quoted = true
            case ",":
                row.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r":
                if c == "\r", let next = iterator.next(), next != "\n" { pending = next }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                afterQuote = false
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }

    /// `records` as a CSV file with a header row, or as JSON Lines.
    public static func write(_ records: [[(String, String)]], format: String) -> [UInt8] {
        if format == "JSON" {
            return Array(
                records.map { fields in
                    let object = Dictionary(fields, uniquingKeysWith: { first, _ in first })
                    let data =
                        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                    return String(decoding: data, as: UTF8.self) + "\n"
                }.joined().utf8)
        }
        guard let first = records.first else { return [] }
        func quote(_ value: String) -> String {
            value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        var lines = [first.map { quote($0.0) }.joined(separator: ",")]
        lines += records.map { $0.map { quote($0.1) }.joined(separator: ",") }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}
