import Foundation
import Hummingbird
import SesameBackend
import SesameCore
import SesameHTTP

/// SES receiving: the region's receipt rule sets (the active one first) with their rules, the
/// receipt filters, and the mail the inbound listeners took, with its verdicts and what each
/// rule action did. Read-only: the API and Terraform manage rules.
extension Console {
    func addReceivingRoutes(to router: Router<SesameRequestContext>) {
        router.get("/console/receiving") { request, _ in try await self.receiving(request, region: self.region(request)) }
    }

    func receiving(_ request: Request, region: String) async throws -> Response {
        guard let signedIn = try await signedIn(request) else { return redirect("/console/signin") }
        do {
            let caller = signedIn.caller
            let active = try await ses.activeReceiptRuleSet(caller, region: region)?.name
            let sets = try await ses.receiptRuleSets(caller, region: region).sorted {
                ($0.name == active ? 0 : 1, $0.name) < ($1.name == active ? 0 : 1, $1.name)
            }
            let only: String? = request.uri.queryParameters.get("ruleSet").map { String($0) }
            let messages = try await ses.receivedMessages(caller, region: region, limit: 200).filter { only == nil || $0.ruleSet == only }
            let model = ReceivingModel(
                picker: picker("/console/receiving", region: region), region: region, shownRuleSet: only,
                ruleSets: sets.map { set in
                    .init(name: set.name, active: set.name == active, rules: set.rules.map(ReceivingModel.Rule.init))
                },
                filters: try await ses.receiptFilters(caller, region: region).map {
                    .init(name: $0.name, policy: $0.policy, cidr: $0.cidr)
                },
                messages: messages.map(ReceivingModel.Message.init))
            return page("receiving", title: "Received mail", model, signedIn: signedIn, region: region)
        } catch {
            return errorPage(error, signedIn: signedIn, back: "/console")
        }
    }
}

struct ReceivingModel: Sendable {
    struct Rule: Sendable {
        var name: String
        var enabled: Bool
        var recipients: String
        var tlsPolicy: String
        var scanEnabled: Bool
        var actions: String

        init(_ rule: ReceiptRule) {
            name = rule.name
            enabled = rule.enabled
            recipients = rule.recipients.isEmpty ? "all verified domains" : rule.recipients.joined(separator: ", ")
            tlsPolicy = rule.tlsPolicy
            scanEnabled = rule.scanEnabled
            actions = rule.actions.map(Self.describe).joined(separator: " → ")
        }

        static func describe(_ action: ReceiptAction) -> String {
            switch action {
            case .s3(let bucket, let prefix, _, _, _): "S3 s3://\(bucket)/\(prefix ?? "")"
            case .sns(let topic, let encoding): "SNS \(topic) (\(encoding))"
            case .bounce(let code, _, let message, _, _): "Bounce \(code) \(message)"
            case .addHeader(let name, let value): "AddHeader \(name): \(value)"
            case .stop: "Stop"
            }
        }
    }
    struct RuleSet: Sendable {
        var name: String
        var active: Bool
        var rules: [Rule]
    }
    struct Filter: Sendable {
        var name: String
        var policy: String
        var cidr: String
    }
    struct Action: Sendable {
        var rule: String
        var type: String
        var status: String
        var detail: String
    }
    struct Message: Sendable {
        var id: String
        var received: String
        var from: String
        var recipients: String
        var ruleSet: String
        var client: String
        var state: String
        var verdicts: String
        var actions: [Action]

        init(_ message: ReceivedMessage) {
            id = message.id
            received = Timestamp.iso8601(message.receivedAt)
            from = message.mailFrom.isEmpty ? "<>" : message.mailFrom
            recipients = message.recipients.joined(separator: ", ")
            ruleSet = message.ruleSet
            client = message.remoteAddress + (message.tls ? " (TLS)" : "")
            state = message.state.rawValue
            verdicts =
                message.verdicts.map {
                    "SPF \($0.spf) · DKIM \($0.dkim) · DMARC \($0.dmarc)\($0.dmarcPolicy.map { " (\($0))" } ?? "") · spam \($0.spam) · virus \($0.virus)"
                } ?? "not checked yet"
            actions = message.outcomes.map { .init(rule: $0.rule, type: $0.action, status: $0.status, detail: $0.detail) }
        }
    }
    var picker: String
    var region: String
    var shownRuleSet: String?
    var ruleSets: [RuleSet]
    var filters: [Filter]
    var messages: [Message]
}
