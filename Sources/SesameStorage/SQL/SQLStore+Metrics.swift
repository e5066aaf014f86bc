import Foundation
import SQLKit
import SesameCore

// MARK: Sending metrics

extension SQLStoreSession {
    func metricRows(region: String, from: Date, to: Date, limit: Int) async throws -> [SendingMetrics.Row] {
        let start = Timestamp.millis(from), end = Timestamp.millis(to)
        let decoder = JSONDecoder()
        // Accepted messages (Sesame's own verification and report mail are not sends).
        let sent = try await db.raw(
            """
            SELECT id, source, destinations, configuration_set, created_at, subject FROM messages
            WHERE region = \(bind: region) AND created_at >= \(bind: start) AND created_at < \(bind: end)
              AND via NOT IN ('IdentityVerification', 'Feedback', 'SendBounce', 'ReceiptRule')
            ORDER BY created_at LIMIT \(bind: limit)
            """
        ).all().map { row in
            SendingMetrics.Row(
                kind: "Send", type: nil,
                recipients: try decoder.decode([String].self, from: Data(try row.decode(column: "destinations", as: String.self).utf8)),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                messageID: try row.decode(column: "id", as: String.self), source: try row.decode(column: "source", as: String.self),
                configurationSet: try row.decode(column: "configuration_set", as: String?.self),
                subject: try row.decode(column: "subject", as: String?.self))
        }
        let events = try await db.raw(
            """
            SELECT e.kind, e.type, e.recipients, e.created_at, e.message_id, m.source, m.configuration_set
            FROM delivery_events e JOIN messages m ON m.id = e.message_id
            WHERE e.region = \(bind: region) AND e.created_at >= \(bind: start) AND e.created_at < \(bind: end)
            ORDER BY e.created_at LIMIT \(bind: limit)
            """
        ).all().map { row in
            SendingMetrics.Row(
                kind: try row.decode(column: "kind", as: String.self), type: try row.decode(column: "type", as: String?.self),
                recipients: try decoder.decode([String].self, from: Data(try row.decode(column: "recipients", as: String.self).utf8)),
                createdAt: Timestamp.date(millis: try row.decode(column: "created_at", as: Int64.self)),
                messageID: try row.decode(column: "message_id", as: String.self), source: try row.decode(column: "source", as: String.self),
                configurationSet: try row.decode(column: "configuration_set", as: String?.self))
        }
        return sent + events
    }
}

// MARK: Recipient history

extension SQLStoreSession {
    func recipientStates(region: String, recipient: String) async throws -> Set<DeliveryState> {
        let rows = try await db.raw(
            """
            SELECT DISTINCT state FROM delivery_queue WHERE region = \(bind: region) AND LOWER(recipient) = \(bind: recipient.lowercased())
            """
        ).all()
        return Set(try rows.compactMap { DeliveryState(rawValue: try $0.decode(column: "state", as: String.self)) })
    }

    func domainDelivered(region: String, domain: String) async throws -> Bool {
        try await db.raw(
            """
            SELECT 1 AS x FROM delivery_queue WHERE region = \(bind: region) AND state = 'delivered'
              AND LOWER(recipient) LIKE \(bind: "%@" + domain.lowercased()) LIMIT 1
            """
        ).first() != nil
    }
}
