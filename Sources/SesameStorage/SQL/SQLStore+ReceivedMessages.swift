import Foundation
import SQLKit
import SesameCore

// MARK: SES receiving: messages taken by inbound listeners and their processing

extension SQLStoreSession {
    static let receivedColumns = """
        id, region, rule_set, mail_from, recipients, raw_base64, remote_address, tls, received_at, state, helo, verdicts, steps,
        next_step, outcomes, attempts
        """

    func insertReceivedMessages(_ messages: [ReceivedMessage]) async throws {
        for message in messages {
            let recipients = String(decoding: try StoredDocument.encoder.encode(message.recipients), as: UTF8.self)
            try await db.raw(
                """
                INSERT INTO inbound_messages (id, region, rule_set, mail_from, recipients, raw_base64, remote_address, tls, received_at, state,
                    helo, next_attempt_at)
                VALUES (\(bind: message.id), \(bind: message.region), \(bind: message.ruleSet), \(bind: message.mailFrom), \(bind: recipients),
                    \(bind: Data(message.raw).base64EncodedString()), \(bind: message.remoteAddress), \(bind: message.tls ? 1 : 0),
                    \(bind: Timestamp.millis(message.receivedAt)), \(bind: message.state.rawValue), \(bind: message.helo),
                    \(bind: Timestamp.millis(message.receivedAt)))
                """
            ).run()
        }
    }

    func receivedMessages(region: String, limit: Int) async throws -> [ReceivedMessage] {
        try await db.raw(
            """
            SELECT \(unsafeRaw: Self.receivedColumns) FROM inbound_messages
            WHERE region = \(bind: region) ORDER BY received_at DESC, id LIMIT \(bind: limit)
            """
        ).all().map(receivedMessage)
    }

    func receivedMessage(id: String) async throws -> ReceivedMessage? {
        try await db.raw("SELECT \(unsafeRaw: Self.receivedColumns) FROM inbound_messages WHERE id = \(bind: id)").first().map(
            receivedMessage)
    }

    func claimReceivedMessages(owner: String, now: Date, leaseUntil: Date, limit: Int) async throws -> [ReceivedMessage] {
        let locking = source.engine == .postgresql ? " FOR UPDATE SKIP LOCKED" : ""
        let millis = Timestamp.millis(now)
        let ids = try await db.raw(
            """
            SELECT id FROM inbound_messages
            WHERE state = 'pending' AND next_attempt_at <= \(bind: millis) AND lease_until < \(bind: millis)
            ORDER BY next_attempt_at, id LIMIT \(bind: limit)\(unsafeRaw: locking)
            """
        ).all().map { try $0.decode(column: "id", as: String.self) }
        guard !ids.isEmpty else { return [] }
        var update = SQLQueryString(
            "UPDATE inbound_messages SET lease_owner = \(bind: owner), lease_until = \(bind: Timestamp.millis(leaseUntil)) WHERE id IN (")
        var select = SQLQueryString("SELECT \(unsafeRaw: Self.receivedColumns) FROM inbound_messages WHERE id IN (")
        for (index, id) in ids.enumerated() {
            update += index == 0 ? "\(bind: id)" : ", \(bind: id)"
            select += index == 0 ? "\(bind: id)" : ", \(bind: id)"
        }
        update += ") AND lease_until < \(bind: millis)"
        select += ") AND lease_owner = \(bind: owner) AND lease_until = \(bind: Timestamp.millis(leaseUntil)) ORDER BY next_attempt_at, id"
        try await db.raw(update).run()
        return try await db.raw(select).all().map(receivedMessage)
    }

    func receivedMessageLease(id: String) async throws -> (owner: String?, nextStep: Int)? {
        let locking = source.engine == .postgresql ? " FOR UPDATE" : ""
        return try await db.raw("SELECT lease_owner, next_step FROM inbound_messages WHERE id = \(bind: id)\(unsafeRaw: locking)").first()
            .map { (try $0.decode(column: "lease_owner", as: String?.self), try $0.decode(column: "next_step", as: Int.self)) }
    }

    func saveReceivedProcessing(_ message: ReceivedMessage, nextAttemptAt: Date, leaseUntil: Date) async throws {
        let verdicts = try message.verdicts.map { String(decoding: try StoredDocument.encoder.encode($0), as: UTF8.self) }
        let steps = try message.steps.map { String(decoding: try StoredDocument.encoder.encode($0), as: UTF8.self) }
        let outcomes = String(decoding: try StoredDocument.encoder.encode(message.outcomes), as: UTF8.self)
        try await db.raw(
            """
            UPDATE inbound_messages SET state = \(bind: message.state.rawValue), verdicts = \(bind: verdicts), steps = \(bind: steps),
                next_step = \(bind: message.nextStep), outcomes = \(bind: outcomes), attempts = \(bind: message.attempts),
                next_attempt_at = \(bind: Timestamp.millis(nextAttemptAt)), lease_until = \(bind: Timestamp.millis(leaseUntil))
            WHERE id = \(bind: message.id)
            """
        ).run()
    }

    func receivedMessage(_ row: any SQLRow) throws -> ReceivedMessage {
        func json<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            guard let text = try row.decode(column: column, as: String?.self) else { return nil }
            return try? StoredDocument.decoder.decode(type, from: Data(text.utf8))
        }
        var message = ReceivedMessage(
            id: try row.decode(column: "id", as: String.self), region: try row.decode(column: "region", as: String.self),
            ruleSet: try row.decode(column: "rule_set", as: String.self),
            mailFrom: try row.decode(column: "mail_from", as: String.self),
            recipients: try json("recipients", [String].self) ?? [],
            raw: Array(Data(base64Encoded: try row.decode(column: "raw_base64", as: String.self)) ?? Data()),
            remoteAddress: try row.decode(column: "remote_address", as: String.self),
            tls: try row.decode(column: "tls", as: Int.self) != 0,
            receivedAt: Timestamp.date(millis: try row.decode(column: "received_at", as: Int64.self)))
        message.state = ReceivedMessage.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending
        message.helo = try row.decode(column: "helo", as: String.self)
        message.verdicts = try json("verdicts", ReceiptVerdicts.self)
        message.steps = try json("steps", [ReceiptStep].self)
        message.nextStep = try row.decode(column: "next_step", as: Int.self)
        message.outcomes = try json("outcomes", [ReceiptOutcome].self) ?? []
        message.attempts = try row.decode(column: "attempts", as: Int.self)
        return message
    }
}
