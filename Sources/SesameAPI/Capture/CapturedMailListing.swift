import Foundation
import Hummingbird
import NIOCore
import SesameAWSProtocol
import SesameBackend
import SesameCore

/// The body of `GET /_aws/ses`: `{"messages": [...]}` in LocalStack's shape, written a page at a
/// time. Query parameters:
/// - `id=ID`: that message alone; `email=ADDRESS`: only mail from that envelope sender;
///   `to=ADDRESS`: only mail to that envelope recipient; `subject=TEXT`: only mail whose subject
///   contains the text (ignoring case); `since=TIME` (ISO 8601, or epoch milliseconds): only mail
///   stored at or after it;
/// - `newest=true`: newest first (the default is oldest first, as LocalStack lists);
/// - `limit=N` (1–10,000, default 10,000): at most N messages. When more remain, the document
///   ends with `"nextToken"` (and `"more"`, saying so in words): ask again with `after=TOKEN`
///   (same order and filters) for the rest.
enum CapturedMailListing {
    /// Message bytes loaded at once, beyond a single message larger than this.
    static let memoryBudget = 4 * 1024 * 1024
    /// Summaries read per query.
    static let pageSize = 200
    static let maxLimit = 10_000

    struct Query {
        var id: String?
        var filter = MessageFilter()
        var newestFirst = false
        var limit = CapturedMailListing.maxLimit
        var after: MessageCursor?

        init(_ parameters: QueryString) throws {
            id = parameters.get("id")
            filter.source = parameters.get("email")
            filter.recipient = parameters.get("to")
            filter.subject = parameters.get("subject")
            if let text = parameters.get("since") {
                guard let date = CapturedMailListing.time(text) else {
                    throw AWSError(
                        code: "ValidationError", status: 400,
                        message: "since must be an ISO 8601 time such as 2026-11-30T10:00:00Z, or epoch milliseconds (got '\(text)').")
                }
                filter.since = date
            }
            if let text = parameters.get("newest") { newestFirst = ["true", "1", "yes"].contains(text.lowercased()) }
            if let text = parameters.get("limit") {
                guard let value = Int(text), (1...CapturedMailListing.maxLimit).contains(value) else {
                    throw AWSError(
                        code: "ValidationError", status: 400,
                        message: "limit must be a whole number from 1 to \(CapturedMailListing.maxLimit).")
                }
                limit = value
            }
            if let text = parameters.get("after") {
                guard let cursor = MessageCursor(token: text) else {
                    throw AWSError(code: "ValidationError", status: 400, message: "after must be a nextToken from an earlier listing.")
                }
                after = cursor
            }
        }
    }

    static func time(_ text: String) -> Date? {
        if let millis = Int64(text) { return Date(timeIntervalSince1970: Double(millis) / 1000) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    struct Entry: Encodable {
        struct Destination: Encodable { var ToAddresses: [String] }
        struct Body: Encodable {
            var text_part: String?
            var html_part: String?
        }
        var Id: String
        var Region: String
        var Source: String
        var Destination: Destination
        var Subject: String?
        var Body: Body
        var RawData: String
        var Timestamp: String
        var Principal: String
        var Via: String
    }

    static func entry(_ message: StoredMessage) -> Entry {
        let parts = MIME.textParts(message.raw)
        return Entry(
            Id: message.id, Region: message.region, Source: message.source,
            Destination: .init(ToAddresses: message.destinations), Subject: message.subject,
            Body: .init(text_part: parts.text, html_part: parts.html),
            RawData: String(decoding: message.raw, as: UTF8.self),
            Timestamp: SesameCore.Timestamp.iso8601(message.createdAt), Principal: message.principalARN, Via: message.via.rawValue)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// A whole document for a few entries (the `id=` form).
    static func document(_ entries: [Entry], next: MessageCursor?) throws -> Data {
        var out = Data("{\"messages\":[".utf8)
        let encoder = encoder()
        for (index, entry) in entries.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(try encoder.encode(entry))
        }
        out.append(contentsOf: Array(closing(next: next).utf8))
        return out
    }

    static func closing(next: MessageCursor?) -> String {
        guard let next else { return "]}" }
        // Said in the document itself, so that a truncated listing is never mistaken for all of it.
        let more =
            "More messages remain: ask again with after=\(next.token) (and the same other parameters), or with newest=true for the newest first."
        return "],\"nextToken\":\"\(next.token)\",\"more\":\"\(more)\"}"
    }

    /// Writes the listing page by page; at most `memoryBudget` of messages (or one larger
    /// message) is held at a time.
    static func stream(_ query: Query, mail: CapturedMail, to writer: inout any ResponseBodyWriter) async throws {
        let encoder = encoder()
        try await writer.write(ByteBuffer(string: "{\"messages\":["))
        var cursor = query.after
        var written = 0
        var next: MessageCursor?
        listing: while written < query.limit {
            let want = min(pageSize, query.limit - written)
            let (filter, after, newest) = (query.filter, cursor, query.newestFirst)
            let page = try await mail.summaries(filter: filter, after: after, newestFirst: newest, limit: want)
            for group in groups(page) {
                let ids = group.map(\.id)
                let loaded = try await mail.messages(ids: ids)
                let byID = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                for summary in group {
                    cursor = summary.cursor
                    // Deleted since the page was read: left out.
                    guard let message = byID[summary.id] else { continue }
                    var buffer = ByteBuffer()
                    if written > 0 { buffer.writeString(",") }
                    buffer.writeBytes(try encoder.encode(entry(message)))
                    try await writer.write(buffer)
                    written += 1
                }
            }
            if page.count < want { break listing }
            if written >= query.limit { next = cursor }
        }
        try await writer.write(ByteBuffer(string: closing(next: next)))
        try await writer.finish(nil)
    }

    /// Splits a page into runs whose messages together fit the memory budget (a larger message alone).
    static func groups(_ page: [MessageSummary]) -> [[MessageSummary]] {
        var out: [[MessageSummary]] = []
        var current: [MessageSummary] = []
        var bytes = 0
        for summary in page {
            if !current.isEmpty && bytes + summary.size > memoryBudget {
                out.append(current)
                current = []
                bytes = 0
            }
            current.append(summary)
            bytes += summary.size
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
