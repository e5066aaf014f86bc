import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// Delivery pages: the queue (per-recipient state, retry, delete) and the suppression list.
extension Console {
    func addDeliveryRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/queue") { request, context in
            try await self.queue(request, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/queue") { request, context in try await self.queueAction(request, context) }
        router.get("/console/suppression") { request, context in
            try await self.suppression(
                request, region: self.region(request), notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/suppression") { request, context in try await self.suppressionAction(request, context) }
    }

    /// The queue is Sesame's own: root, and IAM principals allowed `sesame:ManageQueue`.
    func authorizeQueue(_ caller: Caller) throws {
        try Authorizer.authorize(caller, action: "sesame:ManageQueue", resource: "*")
    }

    func queue(_ request: Request, notice: String?) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let state = request.uri.queryParameters["state"].flatMap { DeliveryState(rawValue: String($0)) } ?? .queued
        do {
            try authorizeQueue(signedIn.caller)
            let (rows, counts) = try await queue.overview(state: state, limit: 500)
            let model = QueueModel(
                states: DeliveryState.allCases.map { .init(name: $0.rawValue, count: counts[$0] ?? 0, current: $0 == state) },
                state: state.rawValue, queued: state == .queued, mode: ses.configuration.deliveryMode.rawValue,
                rows: rows.reversed().map { row in
                    .init(
                        id: row.messageID, recipient: row.recipient, attempts: row.attempts, reply: row.lastReply ?? "",
                        next: row.state == .queued ? Timestamp.iso8601(row.nextAttemptAt) : "", queuedAt: Timestamp.iso8601(row.queuedAt),
                        queued: row.state == .queued)
                },
                notice: notice)
            return page("queue", title: "Delivery queue", model, signedIn: signedIn)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func queueAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        do {
            try authorizeQueue(signedIn.caller)
            let id = form["id"].flatMap { $0.isEmpty ? nil : $0 }
            let now = clock.now()
            let notice: String
            switch form["do"] ?? "" {
            case "retry":
                let count = try await queue.retry(messageID: id, now: now)
                notice = "\(count) recipient\(count == 1 ? "" : "s") will be tried again now."
            case "delete" where id != nil:
                let count = try await queue.delete(messageID: id!)
                notice = "Removed \(count) queued recipient\(count == 1 ? "" : "s") of \(id!)."
            default:
                notice = "Unknown action."
            }
            return redirect("/console/queue?notice=\(URIEncodingForPath.encode(notice))")
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/queue")
        }
    }

    func suppression(_ request: Request, region: String, notice: String? = nil, error: String? = nil) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let listed = try await ses.listSuppressedDestinations(
                signedIn.caller, region: region, reasons: [], nextToken: nil, pageSize: 1000)
            let model = SuppressionModel(
                picker: picker("/console/suppression", region: region),
                entries: listed.items.map { .init(address: $0.address, reason: $0.reason, time: Timestamp.iso8601($0.updatedAt)) },
                notice: notice, error: error)
            return page(
                "suppression", title: "Suppression list", model, signedIn: signedIn, region: region,
                status: error == nil ? .ok : .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func suppressionAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let region = form["region"].flatMap { settings.regions.contains($0) ? $0 : nil } ?? settings.regions[0]
        let address = (form["address"] ?? "").trimmingSpaces
        do {
            switch form["do"] ?? "" {
            case "add":
                try await ses.putSuppressedDestination(
                    signedIn.caller, region: region, address: address, reason: form["reason"] ?? "BOUNCE")
                return redirect(
                    "/console/suppression?region=\(region)&notice=\(URIEncodingForPath.encode("\(address) was added to the suppression list."))"
                )
            case "remove":
                try await ses.deleteSuppressedDestination(signedIn.caller, region: region, address: address)
                return redirect(
                    "/console/suppression?region=\(region)&notice=\(URIEncodingForPath.encode("\(address) was removed from the suppression list."))"
                )
            default:
                return try await suppression(request, region: region, error: "Unknown action.")
            }
        } catch let error as SesameError where error.code != .accessDenied {
            return try await suppression(request, region: region, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/suppression?region=\(region)")
        }
    }
}
