import Foundation
import Hummingbird
import Mustache
import SesameBackend
import SesameCore
import SesameHTTP

/// SES pages: identities per region, the sending quota and a statistics chart, captured mail.
extension Console {
    func addSESRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/identities") { request, context in
            guard let signedIn = try await self.signedIn(request) else { return self.redirect("/console/signin") }
            return try await self.identities(
                self.region(request), signedIn: signedIn, notice: request.uri.queryParameters["notice"].map(String.init))
        }
        router.post("/console/identities") { request, context in try await self.identityAction(request, context) }
        router.get("/console/sending") { request, context in try await self.sending(request, context) }
        addWorkbenchRoutes(to: router)
    }

    func picker(_ action: String, region: String) -> String {
        renderer.library.render(
            RegionPickerModel(action: action, regionChoices: settings.regions.map { RegionChoice(name: $0, selected: $0 == region) }),
            withTemplate: "region-picker") ?? ""
    }

    func identities(
        _ region: String, signedIn: ConsoleSessions.SignedIn, notice: String? = nil, error: String? = nil
    ) async throws -> Response {
        do {
            // The listed identities carry their tokens already: no second read per identity.
            let listed = try await ses.listIdentities(signedIn.caller, region: region, kind: nil, nextToken: nil, maxItems: 1000)
            var rows: [IdentitiesModel.Row] = []
            for identity in listed.identities {
                // Sesame signs with its own keys: the records publish the public key itself
                // (SES's CNAMEs would point at amazonses.com, which holds Amazon's keys).
                let key =
                    identity.kind == .domain && !identity.dkimTokens.isEmpty
                    ? try await ses.dkimKey(region: region, domain: identity.name) : nil
                rows.append(
                    .init(
                        name: identity.name, kind: identity.kind == .domain ? "Domain" : "Email address",
                        status: identity.reportedStatus.rawValue, token: identity.kind == .domain ? (identity.verificationToken ?? "") : "",
                        dkimRecords: (key?.dnsRecords ?? []).map { .init(name: $0.name, value: $0.value) },
                        dkimSigning: key.map {
                            $0.signingEnabled
                                ? "DKIM signing on (\($0.origin == "EXTERNAL" ? "your key" : "Easy DKIM"), \($0.keyBits)-bit RSA)"
                                : "DKIM signing off"
                        } ?? "",
                        needsDkim: identity.kind == .domain && key == nil,
                        mailFrom: identity.settings.mailFromDomain ?? "",
                        mailFromRecords: identity.settings.mailFromDomain.map { domain in
                            [
                                .init(name: "MX \(domain)", value: "10 \(settings.hostname)"),
                                .init(name: "TXT \(domain)", value: "\"v=spf1 a:\(settings.hostname) ~all\""),
                            ]
                        } ?? [],
                        mailFromBehavior: identity.settings.mailFromDomain == nil
                            ? ""
                            : (identity.settings.behaviorOnMxFailure == .rejectMessage
                                ? "sends are refused if its MX record is missing" : "SES's own domain is used if its MX record is missing"),
                        defaultConfigurationSet: identity.settings.defaultConfigurationSet ?? "",
                        policies: (try? await ses.identityPolicies(
                            signedIn.caller, region: region, identity: identity.name, names: nil, action: "ses:ListIdentityPolicies",
                            v2: false))?.map(\.name).joined(separator: ", ") ?? ""))
            }
            let model = IdentitiesModel(
                picker: picker("/console/identities", region: region), identities: rows, notice: notice, error: error)
            return page(
                "identities", title: "Identities", model, signedIn: signedIn, region: region, status: error == nil ? .ok : .badRequest)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    func identityAction(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        guard let form = try await checkedForm(request, context, signedIn) else { return csrfRefused(signedIn) }
        let region = form["region"].flatMap { settings.regions.contains($0) ? $0 : nil } ?? settings.regions[0]
        let name = (form["identity"] ?? "").trimmingSpaces
        let caller = signedIn.caller
        func done(_ notice: String) -> Response {
            redirect("/console/identities?region=\(region)&notice=\(URIEncodingForPath.encode(notice))")
        }
        do {
            switch form["do"] ?? "" {
            case "add" where name.contains("@"):
                try await ses.verifyEmailIdentity(caller, region: region, email: name)
                return done("Identity \(name) was created.")
            case "add":
                _ = try await ses.verifyDomainIdentity(caller, region: region, domain: name)
                _ = try await ses.verifyDomainDkim(caller, region: region, domain: name)
                return done("Identity \(name) was created; publish its DNS records.")
            case "dkim":
                _ = try await ses.verifyDomainDkim(caller, region: region, domain: name)
                return done("DKIM was set up for \(name); publish its TXT records.")
            case "delete":
                try await ses.deleteIdentity(caller, region: region, name: name)
                return done("Identity \(name) was deleted.")
            case "mailfrom":
                let domain = (form["mailFrom"] ?? "").trimmingSpaces
                try await ses.setMailFromDomain(
                    caller, region: region, identity: name, domain: domain,
                    behavior: form["reject"] == "on" ? .rejectMessage : .useDefaultValue,
                    v2: false)
                return done(
                    domain.isEmpty ? "\(name) uses SES's own MAIL FROM domain again." : "\(name) sends from \(domain); publish its records."
                )
            default:
                return try await identities(region, signedIn: signedIn, error: "Unknown action.")
            }
        } catch let error as SesameError where error.code != .accessDenied {
            return try await identities(region, signedIn: signedIn, error: error.message)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console/identities?region=\(region)")
        }
    }

    func sending(_ request: Request, _ context: SesameRequestContext) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        let region = region(request)
        do {
            let quota = try await ses.sendQuota(signedIn.caller, region: region)
            let points = try await ses.sendStatistics(signedIn.caller, region: region)
            func number(_ value: Double) -> String { value < 0 ? "unlimited" : String(Int(value)) }
            return page(
                "sending", title: "Sending",
                SendingModel(
                    picker: picker("/console/sending", region: region), max24: number(quota.max24HourSend), rate: number(quota.maxSendRate),
                    sent: String(Int(quota.sentLast24Hours)), sandbox: ses.configuration.sandbox,
                    chart: SendingChart.svg(points.map { ($0.timestamp, $0.deliveryAttempts) }, now: clock.now())),
                signedIn: signedIn, region: region)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }

    /// Captured mail is Sesame's own feature: root may read it, and IAM principals allowed the
    /// action `sesame:ReadCapturedMail` (an `*` action grant includes it).
    func authorizeCapturedMail(_ caller: Caller) throws {
        try Authorizer.authorize(caller, action: "sesame:ReadCapturedMail", resource: "*")
    }
}

/// The sending-statistics chart: an inline SVG drawn on the server (no script, no font files).
enum SendingChart {
    static func svg(_ points: [(Date, Int)], now: Date) -> String {
        let hours = 48
        let end = (now.timeIntervalSince1970 / 3600).rounded(.down) + 1
        var counts = [Int](repeating: 0, count: hours)
        for (time, count) in points {
            let index = Int(time.timeIntervalSince1970 / 3600 - (end - Double(hours)))
            if (0..<hours).contains(index) { counts[index] += count }
        }
        let width = 720.0, height = 180.0, left = 40.0, bottom = 20.0
        let top = max(counts.max() ?? 0, 1)
        let barWidth = (width - left) / Double(hours)
        var out =
            "<svg id=\"sending-chart\" role=\"img\" aria-label=\"Recipients per hour over the last 48 hours\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        out += "<line x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#879596\"/>"
        out += "<text x=\"0\" y=\"12\" font-size=\"11\" font-family=\"sans-serif\">\(top)</text>"
        out += "<text x=\"0\" y=\"\(height - bottom)\" font-size=\"11\" font-family=\"sans-serif\">0</text>"
        for (index, count) in counts.enumerated() where count > 0 {
            let barHeight = (height - bottom - 4) * Double(count) / Double(top)
            let x = left + Double(index) * barWidth
            out +=
                "<rect x=\"\(String(format: "%.1f", x + 1))\" y=\"\(String(format: "%.1f", height - bottom - barHeight))\" width=\"\(String(format: "%.1f", barWidth - 2))\" height=\"\(String(format: "%.1f", barHeight))\" fill=\"#0073bb\"><title>\(count) recipients</title></rect>"
        }
        out += "<text x=\"\(left)\" y=\"\(height - 4)\" font-size=\"11\" font-family=\"sans-serif\">48 hours ago</text>"
        out += "<text x=\"\(width - 30)\" y=\"\(height - 4)\" font-size=\"11\" font-family=\"sans-serif\">now</text>"
        return out + "</svg>"
    }
}
