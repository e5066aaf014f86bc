import Foundation
import SesameBackend
import SesameCore
import SesameStorage
import Testing

/// Open and click tracking through the SES backend on both engines: a set tracked by any
/// destination type gets the pixel and tracked links, on its custom redirect domain with the
/// HTTPS policy it names; a link's token comes back to the message it was made for.
@Suite struct TrackingConformanceTests {
    static let root = Caller(principal: .root(accountID: "123456789012"), policies: [])

    @Test(arguments: Engine.allCases)
    func trackedMailUsesTheCustomRedirectDomain(_ engine: Engine) async throws {
        try await StoreFixture.withIAM(engine) { _, _, store in
            let ses = SESBackend(store: store, secrets: try SecretBox(masterKey: SecretBox.generateMasterKey()))
            let root = Self.root
            try await ses.verifyEmailIdentity(root, region: "us-east-1", email: "a@example.com")
            try await ses.createConfigurationSet(root, region: "us-east-1", name: "tracked")
            try await ses.updateConfigurationSetOptions(
                root, region: "us-east-1", name: "tracked", action: "ses:PutConfigurationSetTrackingOptions", v2: true
            ) { options in
                options.tracking = .init(customRedirectDomain: "track.example.com", httpsPolicy: "REQUIRE_OPEN_ONLY")
            }
            try await ses.putEventDestination(
                root, region: "us-east-1", configurationSet: "tracked", name: "cw", enabled: true, eventTypes: ["OPEN", "CLICK"],
                target: .cloudWatch(dimensions: [CloudWatchDimension(name: "d", valueSource: "messageTag", defaultValue: "x")]),
                create: true, action: "ses:CreateConfigurationSetEventDestination")
            let id = try await ses.sendEmail(
                root, region: "us-east-1", source: "a@example.com", to: ["b@x.org"], cc: [], bcc: [], replyTo: [], subject: "s",
                text: "plain https://a.example/", html: #"<p><a href="https://a.example/x">x</a></p>"#, configurationSet: "tracked")
            let stored = try await store.read { try await $0.messages(ids: [id]) }.first
            let html = MIME.textParts(stored?.raw ?? []).html ?? ""
            #expect(html.contains(#"src="https://track.example.com/_sesame/track/open?t="#))  // the pixel over https
            #expect(html.contains(#"href="http://track.example.com/_sesame/track/click?t="#))  // links as the policy allows
            #expect(MIME.textParts(stored?.raw ?? []).text == "plain https://a.example/")
            // The click token opens to the message and the link.
            let token = html.components(separatedBy: "click?t=")[1].components(separatedBy: "\"")[0].removingPercentEncoding ?? ""
            let target = ses.trackingTarget(token: token)
            #expect(target?.m == id && target?.l == "https://a.example/x")
            #expect(ses.trackingTarget(token: "x" + token) == nil)
        }
    }
}
