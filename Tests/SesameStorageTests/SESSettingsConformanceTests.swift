import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Identity settings, sending authorization policies and configuration set options behave the
/// same on both engines, driven through the SES backend as the API drives it; the send path
/// sees each change at once.
@Suite struct SESSettingsConformanceTests {
    static let root = Caller(principal: .root(accountID: "123456789012"), policies: [])
    static let arn = "arn:aws:ses:us-east-1:123456789012:identity/example.com"

    static func policy(_ effect: String, principal: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"\#(effect)","Principal":{"AWS":"\#(principal)"},"Action":"ses:SendEmail","Resource":"\#(arn)"}]}"#
    }

    func send(_ ses: SESBackend, _ caller: Caller, configurationSet: String? = nil) async throws -> String {
        try await ses.sendEmail(
            caller, region: "us-east-1", source: "a@example.com", to: ["b@x.org"], cc: [], bcc: [], replyTo: [], subject: "s", text: "t",
            html: nil, configurationSet: configurationSet)
    }

    @Test(arguments: Engine.allCases)
    func settingsPoliciesAndOptions(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { iam, _, store in
            let ses = SESBackend(store: store)
            let root = Self.root
            _ = try await ses.createEmailIdentity(
                root, region: "us-east-1", name: "example.com", settings: IdentitySettings(tags: [Tag(key: "a", value: "1")]))
            try await ses.setMailFromDomain(
                root, region: "us-east-1", identity: "example.com", domain: "m.example.com", behavior: .rejectMessage, v2: false)
            var identity = try await ses.getEmailIdentity(root, region: "us-east-1", name: "example.com")
            #expect(identity.settings.mailFromDomain == "m.example.com" && identity.settings.behaviorOnMxFailure == .rejectMessage)
            #expect(identity.settings.tags == [Tag(key: "a", value: "1")])
            // Re-verifying the domain keeps its settings.
            _ = try await ses.verifyDomainIdentity(root, region: "us-east-1", domain: "example.com")
            identity = try await ses.getEmailIdentity(root, region: "us-east-1", name: "example.com")
            #expect(identity.settings.mailFromDomain == "m.example.com")

            // Options round-trip, and a paused default set stops sends that name none.
            var options = ConfigurationSetOptions()
            options.maxDeliverySeconds = 900
            options.tracking = .init(customRedirectDomain: "t.example.com", httpsPolicy: "REQUIRE")
            options.lastFreshStart = Date(timeIntervalSince1970: 1_700_000_000)
            try await ses.createConfigurationSet(root, region: "us-east-1", name: "set", options: options, v2: true)
            let stored = try await ses.configurationSet(root, region: "us-east-1", name: "set", action: "ses:GetConfigurationSet", v2: true)
            #expect(stored.options == options)
            try await ses.setDefaultConfigurationSet(root, region: "us-east-1", identity: "example.com", configurationSet: "set")
            _ = try await send(ses, root)
            try await ses.updateConfigurationSetOptions(
                root, region: "us-east-1", name: "set", action: "ses:PutConfigurationSetSendingOptions", v2: true
            ) { $0.sendingEnabled = false }
            await #expect(throws: SesameError.self) { _ = try await send(ses, root) }
            try await ses.setDefaultConfigurationSet(root, region: "us-east-1", identity: "example.com", configurationSet: nil)
            _ = try await send(ses, root)

            // A user with no IAM policy sends once the identity's policy allows it, and not
            // after a Deny is added.
            let user = try await iam.createUser(root, name: "app", path: nil, tags: [])
            let caller = Caller(principal: .user(user), policies: [])
            await #expect(throws: SesameError.self) { _ = try await send(ses, caller) }
            try await ses.putIdentityPolicy(
                root, region: "us-east-1", identity: "example.com", policyName: "allow",
                document: Self.policy("Allow", principal: user.arn), write: .put)
            _ = try await send(ses, caller)
            try await ses.putIdentityPolicy(
                root, region: "us-east-1", identity: "example.com", policyName: "deny",
                document: Self.policy("Deny", principal: "123456789012"), write: .create)
            await #expect(throws: SesameError.self) { _ = try await send(ses, caller) }
            let names = try await ses.identityPolicies(
                root, region: "us-east-1", identity: "example.com", names: nil, action: "ses:ListIdentityPolicies", v2: false)
            #expect(names.map(\.name) == ["allow", "deny"])
            try await ses.deleteIdentityPolicy(root, region: "us-east-1", identity: "example.com", policyName: "deny", v2: true)
            _ = try await send(ses, caller)

            // Tags by ARN, and deletion takes policies and settings with the identity.
            try await ses.changeTags(root, region: "us-east-1", arn: Self.arn, add: [Tag(key: "b", value: "2")], remove: ["a"])
            #expect(try await ses.listTags(root, region: "us-east-1", arn: Self.arn) == [Tag(key: "b", value: "2")])
            try await ses.deleteIdentity(root, region: "us-east-1", name: "example.com")
            _ = try await ses.createEmailIdentity(root, region: "us-east-1", name: "example.com")
            identity = try await ses.getEmailIdentity(root, region: "us-east-1", name: "example.com")
            #expect(identity.settings == IdentitySettings())
            let left = try await ses.identityPolicies(
                root, region: "us-east-1", identity: "example.com", names: nil, action: "ses:ListIdentityPolicies", v2: false)
            #expect(left.isEmpty)
        }
    }

    @Test(arguments: Engine.allCases)
    func customVerificationTemplates(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { _, _, store in
            let ses = SESBackend(store: store)
            let root = Self.root
            try await ses.verifyEmailIdentity(root, region: "us-east-1", email: "from@example.com")
            func template(_ name: String, subject: String) -> CustomVerificationTemplate {
                CustomVerificationTemplate(
                    region: "us-east-1", name: name, fromAddress: "from@example.com", subject: subject, content: "<p>hi</p>",
                    successURL: "https://a.example/ok", failureURL: "https://a.example/no", tags: [Tag(key: "k", value: "v")],
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000))
            }
            for name in ["b", "a", "c"] {
                try await ses.putCustomVerificationTemplate(
                    root, region: "us-east-1", template: template(name, subject: name), replace: false)
            }
            await #expect(throws: SesameError.self) {
                try await ses.putCustomVerificationTemplate(
                    root, region: "us-east-1", template: template("a", subject: "x"), replace: false)
            }
            try await ses.putCustomVerificationTemplate(
                root, region: "us-east-1", template: template("a", subject: "changed"), replace: true)
            let found = try await ses.customVerificationTemplate(root, region: "us-east-1", name: "a")
            #expect(
                found.subject == "changed" && found.tags == [Tag(key: "k", value: "v")]
                    && found.createdAt == Date(timeIntervalSince1970: 1_700_000_000))
            let page = try await ses.listCustomVerificationTemplates(root, region: "us-east-1", nextToken: nil, maxResults: 2)
            #expect(page.templates.map(\.name) == ["a", "b"] && page.nextToken != nil)
            let rest = try await ses.listCustomVerificationTemplates(root, region: "us-east-1", nextToken: page.nextToken, maxResults: 2)
            #expect(rest.templates.map(\.name) == ["c"] && rest.nextToken == nil)
            let id = try await ses.sendCustomVerificationEmail(
                root, region: "us-east-1", email: "new@example.org", templateName: "a", configurationSet: nil)
            #expect(!id.isEmpty)
            let pending = try await ses.getEmailIdentity(root, region: "us-east-1", name: "new@example.org")
            #expect(pending.status == .pending)
            try await ses.deleteCustomVerificationTemplate(root, region: "us-east-1", name: "a", v2: false)
            #expect(try await ses.customVerificationRedirect(region: "us-east-1", templateName: "a", confirmed: true) == nil)
            #expect(
                try await ses.customVerificationRedirect(region: "us-east-1", templateName: "b", confirmed: false) == "https://a.example/no"
            )
        }
    }
}
