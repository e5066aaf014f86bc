import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SesameCore
import SesameSMTPProtocol

/// Keeps set-up SMTP sessions per destination for reuse and bounds how many are in use at once
/// per destination. A session is lent to one delivery at a time. Sessions set up under different
/// TLS policies are kept apart: mail that requires TLS never reuses a session that did without.
actor SMTPConnectionPool {
    struct Key: Hashable {
        var endpoint: SMTPEndpoint
        var tls: SMTPClientStateMachine.TLSPolicy
        /// The local address sessions leave from (nil: the host's choice).
        var source: String?
    }

    struct Slot {
        var idle: [SMTPClientConnection] = []
        var busy = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let maxPerDestination: Int
    let idleTimeout: Duration
    var slots: [Key: Slot] = [:]

    init(maxPerDestination: Int, idleTimeout: Duration = .seconds(30)) {
        self.maxPerDestination = max(1, maxPerDestination)
        self.idleTimeout = idleTimeout
    }

    /// Reserves a place for `endpoint` (waiting while it is at its limit) and returns an idle
    /// session if one is fit for reuse.
    func checkout(_ endpoint: Key) async -> SMTPClientConnection? {
        while slots[endpoint, default: Slot()].busy >= maxPerDestination {
            await withCheckedContinuation { slots[endpoint, default: Slot()].waiters.append($0) }
        }
        slots[endpoint, default: Slot()].busy += 1
        let now = ContinuousClock.now
        while let connection = slots[endpoint]?.idle.popLast() {
            if connection.isUsable && now - connection.lastUsed < idleTimeout { return connection }
            connection.close()
        }
        return nil
    }

    /// Gives the place back, and the session too when it can carry another message.
    func checkin(_ endpoint: Key, _ connection: SMTPClientConnection?) {
        slots[endpoint, default: Slot()].busy -= 1
        if let connection {
            if connection.isUsable { slots[endpoint, default: Slot()].idle.append(connection) } else { connection.close() }
        }
        if !slots[endpoint, default: Slot()].waiters.isEmpty {
            slots[endpoint]!.waiters.removeFirst().resume()
        }
    }

    /// Says goodbye to every idle session.
    func closeAll() async {
        let idle = slots.values.flatMap(\.idle)
        for key in slots.keys { slots[key]!.idle = [] }
        for connection in idle { await connection.quit() }
    }
}

/// Sends messages over pooled SMTP sessions with one client configuration.
struct SMTPSender: Sendable {
    let pool: SMTPConnectionPool
    let client: SMTPClientStateMachine.Configuration
    /// Built once per transport: making a context reads trust roots from disk.
    let tls: NIOSSLContext
    let connectTimeout: TimeAmount
    let replyTimeout: TimeAmount

    /// Outcomes per recipient, or the reason no session could be set up with `endpoint`.
    func send(
        to endpoint: SMTPEndpoint, from: String, recipients: [String], body: [UInt8], requireTLS: Bool = false, source: String? = nil
    ) async -> Result<[String: DeliveryOutcome], SMTPClientError> {
        var client = self.client
        if requireTLS && (client.tls == .opportunistic || client.tls == .none) { client.tls = .required }
        let key = SMTPConnectionPool.Key(endpoint: endpoint, tls: client.tls, source: source)
        var connection = await pool.checkout(key)
        let reused = connection != nil
        if connection == nil {
            do {
                connection = try await SMTPClientConnection.open(
                    to: endpoint, configuration: client, tls: tls, connectTimeout: connectTimeout, timeout: replyTimeout, source: source)
            } catch {
                await pool.checkin(key, nil)
                return .failure(SMTPClientError("\(endpoint): \(Self.describe(error))"))
            }
        }
        var outcomes = await connection!.send(from: from, to: recipients, body: body)
        if reused && !connection!.isUsable && outcomes.values.allSatisfy({ if case .transient = $0 { true } else { false } }) {
            // The server dropped an idle session: try once on a fresh one.
            await pool.checkin(key, nil)
            connection = await pool.checkout(key)
            do {
                if connection == nil {
                    connection = try await SMTPClientConnection.open(
                        to: endpoint, configuration: client, tls: tls, connectTimeout: connectTimeout, timeout: replyTimeout,
                        source: source)
                }
                outcomes = await connection!.send(from: from, to: recipients, body: body)
            } catch {
                await pool.checkin(key, nil)
                return .failure(SMTPClientError("\(endpoint): \(Self.describe(error))"))
            }
        }
        await pool.checkin(key, connection)
        return .success(outcomes)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return "connection failed: \(String(cString: strerror(error.errnoCode)))" }
        if let error = error as? ChannelError, case .connectTimeout = error { return "connection timed out" }
        if let error = error as? NIOConnectionError {
            return error.connectionErrors.first.map { describe($0.error) } ?? "connection failed: no address to try"
        }
        return String(describing: error)
    }
}
