import Foundation
import Hummingbird
import SesameCore
import Testing

@testable import SesameConsole

/// Every console template renders its typed model inside the layout, and a missing template is
/// a 500 that says so, never an empty 200.
@Suite struct PageRendererTests {
    let renderer: PageRenderer
    let viewer = PageRenderer.Viewer(csrf: "csrf-token-1", displayName: "root", accountID: "123456789012")

    init() throws { renderer = try PageRenderer() }

    func html(_ template: String, _ model: some Sendable) async throws -> (Int, String) {
        let response = renderer.page(template, title: "T", model, viewer: viewer, region: "eu-west-1")
        return (response.status.code, renderer.document(template, title: "T", model, viewer: viewer, region: "eu-west-1") ?? "")
    }

    @Test func everyPageRendersItsModel() async throws {
        let pages: [(String, any Sendable, [String])] = [
            ("home", HomeModel(regions: ["eu-west-1"]), ["eu-west-1"]),
            ("error", ErrorModel(heading: "Oops", message: "It <broke>", back: "/console"), ["Oops", "It &lt;broke&gt;"]),
            ("signin", SignInModel(signinCSRF: "sig-1", error: "Wrong"), ["sig-1", "Wrong"]),
            (
                "smtp",
                SMTPSettingsModel(
                    hostname: "mail.test", regions: ["eu-west-1"], regionChoices: [.init(name: "eu-west-1", selected: true)],
                    starttlsPorts: "587", tlsPorts: "465"), ["mail.test", "587", "465"]
            ),
            ("smtp-create", SMTPCreateModel(proposedName: "ses-smtp-user.1", replacing: "old", error: nil), ["ses-smtp-user.1", "old"]),
            (
                "smtp-created", SMTPCreatedModel(userName: "u1", smtpUsername: "AKIA1", hostname: "mail.test", smtpPassword: "pw1"),
                ["AKIA1", "pw1"]
            ),
            (
                "users",
                UsersModel(
                    users: [.init(name: "alice", pathName: "alice", arn: "arn:aws:iam::1:user/alice", created: "2026")],
                    notice: "Deleted bob"), ["alice", "Deleted bob"]
            ),
            (
                "user-delete",
                UserDeleteModel(
                    name: "alice", pathName: "alice", keys: ["AKIA2"], policies: [], attached: [], hasPassword: false, nothing: false),
                ["AKIA2", "csrf-token-1"]
            ),
            ("user-create", UserCreateModel(error: "Bad name", userName: "x y"), ["Bad name"]),
            (
                "user",
                UserModel(
                    name: "alice", pathName: "alice", arn: "arn:alice", created: "2026", hasPassword: true,
                    keys: [
                        .init(
                            id: "AKIA3", status: "Active", created: "2026", lastUsed: "never", toggle: "deactivate-key",
                            toggleLabel: "Deactivate", pathName: "alice")
                    ], policies: [.init(name: "p1", pathPolicy: "p1", pathName: "alice")], attached: ["AdministratorAccess"], failures: [],
                    policyName: "", policyDocument: "", notice: "Saved", error: nil),
                ["AKIA3", "p1", "AdministratorAccess", "Saved", "csrf-token-1"]
            ),
            ("key-created", KeyCreatedModel(name: "alice", pathName: "alice", keyID: "AKIA4", secret: "s3cret"), ["AKIA4", "s3cret"]),
            (
                "identities",
                IdentitiesModel(
                    picker: "<form id=picker></form>",
                    identities: [
                        .init(
                            name: "example.com", kind: "Domain", status: "Success", token: "tok",
                            dkimRecords: [.init(name: "sel._domainkey.example.com", value: "v=DKIM1")], dkimSigning: "on", needsDkim: false,
                            mailFrom: "bounce.example.com", mailFromRecords: [.init(name: "MX bounce.example.com", value: "10 smtp.test")],
                            mailFromBehavior: "refused", defaultConfigurationSet: "defaults", policies: "delegate")
                    ], notice: nil, error: nil),
                [
                    "example.com", "sel._domainkey.example.com", "<form id=picker>", "csrf-token-1", "MX bounce.example.com",
                    "10 smtp.test",
                    "Default configuration set: defaults", "Sending authorization policies: delegate",
                ]
            ),
            (
                "configuration-sets",
                ConfigurationSetsModel(
                    picker: "<form id=picker></form>",
                    sets: [
                        .init(
                            name: "marketing", sending: "Paused", paused: true, options: ["TLS REQUIRE"],
                            destinations: ["to-sns: bounce → arn:aws:sns:us-east-1:1:t"])
                    ], notice: "done", error: nil),
                ["marketing", "Paused", "TLS REQUIRE", "to-sns: bounce", "Resume sending", "csrf-token-1"]
            ),
            (
                "contact-lists",
                ContactListsModel(
                    picker: "",
                    lists: [
                        .init(
                            name: "customers", description: "Ours", topics: ["News (news, default in)"],
                            contacts: [.init(list: "customers", email: "ann@example.net", status: "news: out")])
                    ], notice: nil, error: nil),
                ["customers", "Ours", "News (news, default in)", "ann@example.net", "news: out", "add-contact"]
            ),
            (
                "messaging",
                MessagingModel(
                    picker: "", topics: [.init(arn: "arn:aws:sns:us-east-1:1:t", subscriptions: ["sqs arn:aws:sqs:us-east-1:1:q"])],
                    queues: [.init(name: "q", region: "us-east-1", visible: 3, inFlight: 1, delayed: 0, deadLetter: "")]),
                ["arn:aws:sns:us-east-1:1:t", "sqs arn:aws:sqs:us-east-1:1:q", "name=q"]
            ),
            (
                "receiving",
                ReceivingModel(
                    picker: "", region: "us-east-1", shownRuleSet: nil,
                    ruleSets: [
                        .init(
                            name: "inbound", active: true,
                            rules: [
                                .init(
                                    ReceiptRule(
                                        name: "support", enabled: true, recipients: ["support@example.com"],
                                        actions: [.stop(scope: "RuleSet", topicARN: nil)]))
                            ])
                    ],
                    filters: [.init(name: "block", policy: "Block", cidr: "203.0.113.0/24")],
                    messages: [
                        .init(
                            {
                                var message = ReceivedMessage(
                                    id: "r1", region: "us-east-1", ruleSet: "inbound", mailFrom: "<script>@x",
                                    recipients: ["support@example.com"],
                                    raw: [], remoteAddress: "192.0.2.1", tls: true, receivedAt: Date(timeIntervalSince1970: 0))
                                message.outcomes = [ReceiptOutcome(rule: "support", action: "Stop", status: "done", detail: "")]
                                return message
                            }())
                    ]),
                [
                    "inbound</a> (active)", "support@example.com", "Stop", "block", "192.0.2.1 (TLS)", "&lt;script&gt;@x",
                    "support: Stop done", "not checked yet",
                ]
            ),
            (
                "queue-messages",
                QueueMessagesModel(
                    name: "q", region: "us-east-1",
                    messages: [.init(id: "m1", sent: "2026", receives: 2, state: "in flight", body: "<b>x</b>")]),
                ["m1", "in flight", "&lt;b&gt;x&lt;/b&gt;"]
            ),
            (
                "sending", SendingModel(picker: "", max24: "200", rate: "1", sent: "3", sandbox: true, chart: "<svg id=c></svg>"),
                ["200", "<svg id=c>"]
            ),
            (
                "mail",
                MailListModel(
                    query: "to:b@x", error: "bad word", matching: 1, total: 7, unread: 1,
                    messages: [
                        .init(id: "m1", time: "2026", from: "a@x", to: "b@x", subject: "Hi", via: "SMTP", unread: true, attachments: true)
                    ],
                    newer: nil, older: "/console/mail?page=9", live: false, notice: "done"),
                ["m1", "page=9", "Hi", "bad word", "done", "to:b@x"]
            ),
            (
                "message",
                MessageModel(
                    id: "m1", messageRegion: "ap-south-1", principal: "arn:p", via: "SMTP", source: "a@x", to: "b@x", subject: "Hi",
                    from: "A <a@x>", configurationSet: "set1", seen: true, headers: [.init(name: "Subject", value: "Hi")], raw: "raw-text",
                    hasEvents: false, deliveries: [], events: [], text: "body text", hasHTML: true, remoteImages: false,
                    parts: [.init(id: "2", name: "terms.pdf", type: "application/pdf", size: "9 bytes", inline: false)],
                    links: [.init(url: "https://l.test/x", status: "404 Not Found", broken: true)], linksChecked: true, hasLinks: true,
                    compatibility: [.init(feature: "border-radius", clients: "Outlook (Windows)")],
                    dkim: "Not signed.", canRelease: true, notice: nil),
                [
                    "ap-south-1", "raw-text", "body text", "/console/mail/m1/part/2", "terms.pdf", "https://l.test/x", "404 Not Found",
                    "Check again", "border-radius",
                    "set1", "release-to", "Not signed.",
                ]
            ),
            (
                "queue",
                QueueModel(
                    states: [.init(name: "queued", count: 2, current: true)], state: "queued", queued: true, mode: "relay",
                    rows: [.init(id: "m2", recipient: "r@x", attempts: 1, reply: "451", next: "soon", queuedAt: "2026", queued: true)],
                    notice: nil), ["m2", "r@x", "relay", "csrf-token-1"]
            ),
            (
                "suppression",
                SuppressionModel(picker: "", entries: [.init(address: "gone@x", reason: "BOUNCE", time: "2026")], notice: nil, error: nil),
                ["gone@x", "eu-west-1"]
            ),
            (
                "groups",
                EntityListModel(rows: [NamedRow(name: "n1", pathName: "n1", arn: "arn:n1", created: "2026")], notice: "Made", error: nil),
                ["n1", "Made", "csrf-token-1"]
            ),
            (
                "roles",
                EntityListModel(
                    rows: [NamedRow(name: "n1", pathName: "n1", arn: "arn:n1", created: "2026")], notice: nil, error: "Bad",
                    draftDocument: "trust-doc"), ["n1", "Bad", "trust-doc"]
            ),
            (
                "policies",
                EntityListModel(rows: [NamedRow(name: "n1", pathName: "n1", arn: "arn:n1", created: "2026")], notice: nil, error: nil),
                ["n1"]
            ),
            (
                "group",
                GroupModel(
                    name: "g1", pathName: "g1", arn: "arn:g1", created: "2026", members: ["m1"], inline: ["i1"],
                    attached: [AttachedRow(name: "AmazonSESReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")],
                    attachable: [AttachedRow(name: "p2", arn: "arn:p2")], notice: nil, error: nil),
                ["g1", "m1", "i1", "AmazonSESReadOnlyAccess", "arn:p2"]
            ),
            (
                "role",
                RoleModel(
                    name: "r1", pathName: "r1", arn: "arn:r1", created: "2026", description: "d1", maxSessionHours: "2",
                    trustPolicy: "t-doc",
                    inline: [],
                    attached: [AttachedRow(name: "AmazonSESReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess")],
                    attachable: [], notice: nil, error: nil), ["r1", "d1", "t-doc", "2 hours"]
            ),
            (
                "policy",
                PolicyModel(
                    name: "p1", arn: "arn:p1", pathARN: "arn%3Ap1", description: "d", document: "doc-1",
                    versions: [
                        PolicyVersionRow(id: "v2", isDefault: true, created: "2026"),
                        PolicyVersionRow(id: "v1", isDefault: false, created: "2025"),
                    ],
                    users: ["u1"], groups: ["g1"], roles: ["r1"], awsManaged: false, notice: nil, error: nil),
                ["p1", "doc-1", "v2 (default)", "Make default", "u1", "g1", "r1"]
            ),
            (
                "entity-delete",
                ConfirmDeleteModel(kind: "group", name: "g1", action: "/x", back: "/y", blockers: ["member m1"], nothing: false),
                ["member m1", "g1", "csrf-token-1"]
            ),
            (
                "change-password", ChangePasswordModel(required: true, isRoot: false, notice: nil, error: "Too short"),
                ["choose a new password", "Too short"]
            ),
            (
                "password-policy",
                PasswordPolicyModel(
                    exists: false, minimumLength: "8", requireUppercase: true, requireLowercase: false, requireNumbers: false,
                    requireSymbols: false,
                    allowUsersToChange: true, maxAge: "", notice: nil, error: nil), ["default rule", "checked"]
            ),
        ]
        #expect(Set(pages.map(\.0)) == Set(Templates.all.keys).subtracting(["layout", "region-picker"]), "every page template is covered")
        for (template, model, expected) in pages {
            let (status, body) = try await html(template, model)
            #expect(status == 200, "\(template)")
            #expect(body.contains("<title>T"), "\(template) is inside the layout")
            for text in expected { #expect(body.contains(text), "\(template) shows \(text)") }
        }
    }

    @Test func theLayoutNamesTheNode() throws {
        var renderer = try PageRenderer()
        renderer.node = "mail-a"
        let viewer = PageRenderer.Viewer(csrf: "c", displayName: "root", accountID: "123456789012")
        let page = try #require(renderer.document("home", title: "Home", NoValues(), viewer: viewer, region: "us-east-1"))
        #expect(page.contains("account 123456789012 · node mail-a"))
    }

    @Test func aMissingTemplateIsAnError() async throws {
        let (status, body) = try await html("no-such-page", NoValues())
        #expect(status == 500)
        #expect(body.isEmpty)
    }
}
