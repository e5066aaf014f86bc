import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// Configuration sets per region: their options and event destinations, create, pause and
/// resume sending, delete.
extension Console {
    func addConfigurationSetRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/configuration-sets") { request, _ in
            try await self.configurationSets(
                request, region: self.region(request), notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/configuration-sets") { request, context in try await self.configurationSetAction(request, context) }
    }

    /// What a page shows of a set's options, one line each.
    static func describe(_ options: ConfigurationSetOptions) -> [String] {
        var lines = ["TLS \(options.tlsPolicy.rawValue)"]
        if let seconds = options.maxDeliverySeconds { lines.append("Delivery retried for at most \(seconds) s") }
        if let pool = options.sendingPoolName { lines.append("Sending pool \(pool)") }
        if let reasons = options.suppressedReasons {
            lines.append("Suppresses for: \(reasons.isEmpty ? "nothing" : reasons.joined(separator: ", "))")
        }
        if let tracking = options.tracking { lines.append("Tracking domain \(tracking.customRedirectDomain)") }
        if options.reputationMetricsEnabled { lines.append("Reputation metrics on") }
        if !options.tags.isEmpty { lines.append("Tags: " + options.tags.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        return lines
    }

    func configurationSets(_ request: Request, region: String, notice: String? = nil, error: String? = nil) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let names = try await ses.listConfigurationSets(signedIn.caller, region: region, nextToken: nil, maxItems: 1000).names
            var rows: [ConfigurationSetsModel.Row] = []
            for name in names {
                let set = try await ses.configurationSet(
                    signedIn.caller, region: region, name: name, action: "ses:DescribeConfigurationSet", v2: false)
                let destinations = try await ses.eventDestinations(
                    signedIn.caller, region: region, configurationSet: name, action: "ses:DescribeConfigurationSet")
                rows.append(
                    .init(
                        name: name, sending: set.options.sendingEnabled ? "Enabled" : "Paused", paused: !set.options.sendingEnabled,
                        options: Self.describe(set.options) + Self.tracking(destinations),
                        destinations: destinations.map(Self.describe)))
            }
            let model = ConfigurationSetsModel(
                picker: picker("/console/configuration-sets", region: region), sets: rows, notice: notice, error: error)
            return page(
                "configuration-sets", title: "Configuration sets", model, signedIn: signedIn, region: region,
                status: error == nil ? .ok : .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    /// Whether mail through the set is tracked: its enabled destinations ask for opens or clicks.
    static func tracking(_ destinations: [EventDestination]) -> [String] {
        let types = Set(destinations.filter(\.enabled).flatMap(\.eventTypes))
        let tracked = [("open", "opens (a one-pixel image)"), ("click", "clicks (rewritten links)")].filter { types.contains($0.0) }
        guard !tracked.isEmpty else { return [] }
        return ["HTML mail is tracked: " + tracked.map(\.1).joined(separator: " and ")]
    }

    /// One event destination in a line; a type Sesame cannot deliver to says so, with the count
    /// of events that had nowhere to go.
    static func describe(_ destination: EventDestination) -> String {
        var line =
            "\(destination.name)\(destination.enabled ? "" : " (disabled)"): \(destination.eventTypes.joined(separator: ", ")) → "
            + "\(destination.target.typeName) \(destination.target.summary)"
        if !destination.target.isDeliveredBySesame {
            line +=
                " — \(destination.target.typeName) does not exist in Sesame: nothing is delivered here "
                + "(\(destination.undelivered) event\(destination.undelivered == 1 ? "" : "s") had nowhere to go)"
        }
        return line
    }

    func configurationSetAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let region = form["region"].flatMap { settings.regions.contains($0) ? $0 : nil } ?? settings.regions[0]
        let name = (form["name"] ?? "").trimmingSpaces
        let caller = signedIn.caller
        func done(_ notice: String) -> Response {
            redirect("/console/configuration-sets?region=\(region)&notice=\(URIEncodingForPath.encode(notice))")
        }
        do {
            switch form["do"] ?? "" {
            case "create":
                try await ses.createConfigurationSet(caller, region: region, name: name, options: ConfigurationSetOptions(), v2: false)
                return done("Configuration set \(name) was created.")
            case "pause", "resume":
                let enabled = form["do"] == "resume"
                try await ses.updateConfigurationSetOptions(
                    caller, region: region, name: name, action: "ses:UpdateConfigurationSetSendingEnabled", v2: false
                ) { $0.sendingEnabled = enabled }
                return done(enabled ? "Sending through \(name) resumed." : "Sending through \(name) is paused.")
            case "delete":
                try await ses.deleteConfigurationSet(caller, region: region, name: name)
                return done("Configuration set \(name) was deleted.")
            default:
                return try await configurationSets(request, region: region, error: "Unknown action.")
            }
        } catch let error as SesameError where error.code != .accessDenied {
            return try await configurationSets(request, region: region, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/configuration-sets?region=\(region)")
        }
    }
}
