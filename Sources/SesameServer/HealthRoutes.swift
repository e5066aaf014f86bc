import Foundation
import Hummingbird
import NIOCore
import SesameConcurrency
import SesameHTTP
import SesameStorage

/// `GET /health`: the process is up (always 200). `GET /ready`: the node can do its work: every
/// listener is bound (the store was migrated and the queue, notification and background services
/// started before them) and the store answers a read within two seconds; otherwise 503 with the
/// reason. Both are cheap, unsigned, and say nothing about the mail.
struct HealthRoutes {
    let store: any Store
    /// Set once every listener is bound.
    let listening: Locked<Bool>

    func add(to router: Router<SesameRequestContext>) {
        router.get("/health") { _, _ in Self.text(.ok, "ok\n") }
        router.get("/ready") { _, _ in await ready() }
    }

    func ready() async -> Response {
        guard listening.withLock({ $0 }) else { return Self.text(.serviceUnavailable, "not ready: the listeners are not all bound yet\n") }
        let store = self.store
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    _ = try await store.read { try await $0.account() }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    return false
                }
                let answered = try await group.next() ?? false
                group.cancelAll()
                guard answered else { throw StoreSilent() }
            }
        } catch is StoreSilent {
            return Self.text(.serviceUnavailable, "not ready: the store did not answer within 2 seconds\n")
        } catch {
            return Self.text(.serviceUnavailable, "not ready: the store cannot be read (\(error))\n")
        }
        return Self.text(.ok, "ready\n")
    }

    struct StoreSilent: Error {}

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
